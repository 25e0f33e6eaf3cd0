package io.profilestream.domain;

import java.time.Duration;
import java.time.Instant;

import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.Scores;
import io.profilestream.profile.Transactions;

/**
 * Scores a profile with the BG/NBD model: P(alive) and churn risk over a horizon, from the customer's purchase days.
 * x is the number of repeat purchase days, t_x the time from the first to the last purchase day, T the time from
 * the first purchase day to now, all in the configured time unit.
 *
 * @param r BG/NBD shape of the purchase-rate gamma distribution
 * @param alpha BG/NBD scale of the purchase-rate gamma distribution, in time units
 * @param a BG/NBD first dropout beta parameter
 * @param b BG/NBD second dropout beta parameter
 * @param timeUnit the time unit of alpha, t_x, T and the horizons (days by default)
 * @param churnHorizon churn risk is the probability of no purchase within this time
 */
public record ModelScorer(double r,
                          double alpha,
                          double a,
                          double b,
                          Duration timeUnit,
                          Duration churnHorizon) implements ProfileScorer {

    private static final long MILLIS_PER_DAY = 86_400_000L;

    @Override
    public void score(final CustomerProfile profile, final Instant now) {
        final Scores scores = profile.getScores();
        final Transactions tx = profile.getTransactions();
        if (tx.getOrders() == 0 || tx.getFirstPurchaseAt() == null) {
            scores.setPAlive(null);
            scores.setChurnRisk(null);
        } else {
            final double x = Math.max(0, tx.getDistinctPurchaseDays() - 1);
            final double tx0 = units(firstDay(tx), lastDay(tx));
            final double t = units(firstDay(tx), now.toEpochMilli());
            scores.setPAlive(pAlive(x, tx0, t));
            scores.setChurnRisk(churnRisk(x, tx0, t));
        }
        scores.setScoredAt(now);
    }

    @Override
    public double churnRiskAt(final CustomerProfile profile, final Instant at) {
        final Transactions tx = profile.getTransactions();
        if (tx.getOrders() == 0 || tx.getFirstPurchaseAt() == null) {
            return Double.NaN;
        }
        final double x = Math.max(0, tx.getDistinctPurchaseDays() - 1);
        return churnRisk(x, units(firstDay(tx), lastDay(tx)), units(firstDay(tx), at.toEpochMilli()));
    }

    /** P(alive | x, t_x, T), computed in log space so large x and T do not overflow. */
    public double pAlive(final double x, final double tx, final double t) {
        if (x == 0) {
            return 1.0;
        }
        final double logRatio = Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + t) / (alpha + tx));
        return 1.0 / (1.0 + Math.exp(logRatio));
    }

    /** Probability of no purchase in the next H: (1 - P(alive)) + P(alive) ((alpha + T) / (alpha + T + H))^(r + x). */
    double churnRisk(final double x, final double tx, final double t) {
        final double alive = pAlive(x, tx, t);
        final double horizon = (double) churnHorizon.toMillis() / timeUnit.toMillis();
        final double noPurchaseIfAlive = Math.exp((r + x) * Math.log((alpha + t) / (alpha + t + horizon)));
        return (1 - alive) + alive * noPurchaseIfAlive;
    }

    private double units(final long fromMs, final long toMs) {
        return Math.max(0, (double) (toMs - fromMs) / timeUnit.toMillis());
    }

    private static long firstDay(final Transactions tx) {
        return tx.getPurchaseDays().isEmpty()
            ? tx.getFirstPurchaseAt().toEpochMilli()
            : tx.getPurchaseDays().get(0) * MILLIS_PER_DAY;
    }

    private static long lastDay(final Transactions tx) {
        final int size = tx.getPurchaseDays().size();
        return size == 0 ? tx.getLastPurchaseAt().toEpochMilli() : tx.getPurchaseDays().get(size - 1) * MILLIS_PER_DAY;
    }
}
