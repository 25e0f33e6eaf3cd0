package io.profilestream.domain;

import java.time.Instant;

import org.apache.avro.generic.IndexedRecord;

import io.profilestream.models.BgNbd;
import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.ChurnRisk;
import io.profilestream.models.Clv;
import io.profilestream.models.ClvSettings;
import io.profilestream.models.CustomerSummary;
import io.profilestream.models.GammaGamma;
import io.profilestream.models.GammaGammaParameters;
import io.profilestream.models.ModelTimeUnit;
import io.profilestream.models.RfmBreakpoints;
import io.profilestream.models.RfmScore;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.RfmScores;
import io.profilestream.profile.Scores;
import io.profilestream.profile.Transactions;

/**
 * Scores a profile with the customer-value models (docs/models.md): BG/NBD P(alive), expected purchases and churn
 * risk, the probability of a purchase in the next 30 days, Gamma-Gamma expected order value, CLV, and RFM scores from
 * population breakpoints.
 * The customer's summary comes from its purchase days: x repeat purchase days, t_x from the first to the last
 * purchase day, T from the first purchase day to now, in the model's time unit; m is the mean order value of the
 * repeat purchase days ({@link ProfileSummaries}).
 */
public final class ModelScorer implements ProfileScorer {

    private static final double MILLIS_PER_DAY = 86_400_000.0;
    /** The horizon of {@code purchaseProbability30d}. */
    private static final double PROPENSITY_DAYS = 30;

    private final BgNbd bgNbd;
    private final GammaGamma gammaGamma;
    private final ModelTimeUnit unit;
    private final double purchasesHorizon;
    private final double churnHorizon;
    private final double thirtyDays;
    private final ClvSettings clv;
    private final RfmBreakpoints rfm;

    /**
     * Creates a scorer.
     *
     * @param bgNbd BG/NBD parameters, in {@code unit}
     * @param gammaGamma Gamma-Gamma parameters, or null to value orders at the customer's own average
     * @param unit time unit of the parameters and horizons
     * @param purchasesHorizonDays horizon of {@code expectedPurchases}
     * @param churnHorizonDays churn risk is the probability of no purchase within this many days
     * @param clv CLV periods, discounting and margin
     * @param rfm breakpoints of the RFM quintiles
     */
    public ModelScorer(final BgNbdParameters bgNbd,
                       final GammaGammaParameters gammaGamma,
                       final ModelTimeUnit unit,
                       final double purchasesHorizonDays,
                       final double churnHorizonDays,
                       final ClvSettings clv,
                       final RfmBreakpoints rfm) {
        this.bgNbd = new BgNbd(bgNbd);
        this.gammaGamma = gammaGamma == null ? null : new GammaGamma(gammaGamma);
        this.unit = unit;
        this.purchasesHorizon = unit.fromDays(purchasesHorizonDays);
        this.churnHorizon = unit.fromDays(churnHorizonDays);
        this.thirtyDays = unit.fromDays(PROPENSITY_DAYS);
        this.clv = clv;
        this.rfm = rfm;
    }

    @Override
    public void score(final CustomerProfile profile, final Instant now) {
        final Scores scores = profile.getScores();
        final CustomerSummary summary = summary(profile.getTransactions(), now);
        scores.setScoredAt(now);
        final double engagement = RecentActivity.engagementScoreAt(profile.getBehaviour(), now);
        scores.setEngagementScore(Double.isNaN(engagement) ? null : engagement);
        if (summary == null) {
            scores.setPAlive(null);
            scores.setExpectedPurchases(null);
            scores.setChurnRisk(null);
            scores.setExpectedOrderValue(null);
            scores.setClv(null);
            scores.setRfm(null);
            scores.setPurchaseProbability30d(null);
            return;
        }
        final Transactions tx = profile.getTransactions();
        scores.setPAlive(bgNbd.probabilityAlive(summary));
        scores.setExpectedPurchases(bgNbd.expectedPurchases(summary, purchasesHorizon));
        scores.setChurnRisk(ChurnRisk.probabilityOfNoPurchase(bgNbd, summary, churnHorizon));
        scores.setPurchaseProbability30d(1.0 - ChurnRisk.probabilityOfNoPurchase(bgNbd, summary, thirtyDays));
        final double orderValue = orderValue(tx, summary);
        scores.setExpectedOrderValue(orderValue);
        scores.setClv(Clv.value(bgNbd, summary, orderValue, clv));
        final RfmScore score = rfm.score(
            (now.toEpochMilli() - tx.getLastPurchaseAt().toEpochMilli()) / MILLIS_PER_DAY,
            tx.getOrders(),
            Math.max(0, tx.getRevenueMinor()));
        scores.setRfm(new RfmScores(score.recency(), score.frequency(), score.monetary()));
    }

    @Override
    public double churnRiskAt(final CustomerProfile profile, final Instant at) {
        final CustomerSummary summary = summary(profile.getTransactions(), at);
        return summary == null ? Double.NaN : ChurnRisk.probabilityOfNoPurchase(bgNbd, summary, churnHorizon);
    }

    @Override
    public double scoreAt(final IndexedRecord record, final String score, final Instant at) {
        if (!(record instanceof CustomerProfile profile)) {
            return Double.NaN;
        }
        if ("engagementScore".equals(score)) {
            return RecentActivity.engagementScoreAt(profile.getBehaviour(), at);
        }
        final CustomerSummary summary = summary(profile.getTransactions(), at);
        if (summary == null) {
            return Double.NaN;
        }
        return switch (score) {
            case "churnRisk" -> ChurnRisk.probabilityOfNoPurchase(bgNbd, summary, churnHorizon);
            case "pAlive" -> bgNbd.probabilityAlive(summary);
            case "expectedPurchases" -> bgNbd.expectedPurchases(summary, purchasesHorizon);
            case "clv" -> Clv.value(bgNbd, summary, orderValue(profile.getTransactions(), summary), clv);
            default -> Double.NaN;
        };
    }

    private double orderValue(final Transactions tx, final CustomerSummary summary) {
        // Gamma-Gamma shrinks the customer's mean repeat order value towards the population's (all of it for x = 0).
        final double averageOrderValue = ProfileSummaries.averageOrderValue(tx);
        final double shrunk = gammaGamma == null
            ? averageOrderValue
            : gammaGamma.expectedAverageValue(summary.x(), summary.m());
        // With q <= 1 the population mean is infinite; the customer's own average is the only finite answer.
        return Double.isFinite(shrunk) ? shrunk : averageOrderValue;
    }

    /** The BG/NBD summary (x, t_x, T, m) of a profile at a time, or null before its first purchase. */
    private CustomerSummary summary(final Transactions tx, final Instant at) {
        return ProfileSummaries.summary(tx, at.toEpochMilli() / MILLIS_PER_DAY, unit);
    }
}
