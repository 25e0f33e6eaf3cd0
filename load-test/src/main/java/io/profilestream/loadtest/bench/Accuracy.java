package io.profilestream.loadtest.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.profilestream.loadtest.GroundTruth;
import io.profilestream.loadtest.Population;
import io.profilestream.loadtest.PurchaseModel;
import io.profilestream.models.BgNbd;
import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.ChurnRisk;
import io.profilestream.models.Clv;
import io.profilestream.models.ClvSettings;
import io.profilestream.models.CustomerSummaries;
import io.profilestream.models.CustomerSummary;
import io.profilestream.models.GammaGamma;
import io.profilestream.models.ModelRefit;
import io.profilestream.models.ModelTimeUnit;
import io.profilestream.models.RankCorrelation;

/**
 * How right the customer-value scores are against the simulator's truth (see {@link #judge}): churn risk against "no
 * purchase within the churn horizon after the end of calibration" (AUC, Brier score, reliability by decile),
 * {@code 1 - P(alive)} against "dropped out by the end of calibration", CLV against the actual holdout spend (rank
 * correlation), and expected against actual holdout purchase days by calibration frequency (the BG/NBD paper's
 * check). {@code bench --only accuracy} judges the scores the engine serves ({@link EngineAccuracy}); {@link #measure}
 * judges the same model code offline, for a fast test. Time is in days.
 */
final class Accuracy {

    /** Calibration frequency bins 0 to 6, then 7 and more. */
    static final int LAST_BIN = 7;
    private static final double CHURN_HORIZON_DAYS = 90;

    private Accuracy() {
    }

    /**
     * One calibration-frequency bin.
     *
     * @param x the bin's repeat purchases in calibration ({@link #LAST_BIN} holds that many and more)
     * @param customers customers in the bin
     * @param predicted mean predicted holdout purchases
     * @param actual mean actual holdout purchases
     */
    record Bin(int x, long customers, double predicted, double actual) {
    }

    /**
     * One decile of predicted churn risk.
     *
     * @param predicted mean predicted churn risk in the decile
     * @param observed share of its customers with no purchase within the churn horizon
     * @param customers customers in the decile
     */
    record Reliability(double predicted, double observed, long customers) {
    }

    /**
     * The results.
     *
     * @param metrics result keys ({@code accuracy.churn_auc}, ...)
     * @param bins predicted versus actual holdout purchases by calibration frequency
     * @param reliability predicted churn risk against the observed share by decile
     */
    record Result(Map<String, Double> metrics, List<Bin> bins, List<Reliability> reliability) {
    }

    /**
     * Scores of every customer of a truth, in its order, as of the end of calibration.
     *
     * @param churnRisk probability of no purchase within the churn horizon
     * @param pAlive probability of being alive
     * @param expectedPurchases expected purchase days over the holdout period
     * @param clv value of the purchases over about the holdout period
     */
    record EngineScores(double[] churnRisk, double[] pAlive, double[] expectedPurchases, double[] clv) {
    }

    /**
     * Simulates the population of a seed and judges scores computed offline with the engine's model code: the fit the
     * engine runs ({@link ModelRefit#fit}) on the calibration summaries as the engine counts them (purchase days), then
     * the same formulas the engine scores with. {@code bench --only accuracy} judges the engine's served scores instead.
     *
     * @param customers population size
     * @param seed seed of the population
     * @param calibrationDays length of the calibration period
     * @param holdoutDays length of the holdout period
     * @param out where to write {@code truth.csv} (with {@code truth.json}) and {@code predictions.csv}
     */
    static Result measure(final int customers, final long seed, final double calibrationDays,
                          final double holdoutDays, final Path out) throws IOException {
        final GroundTruth truth = GroundTruth.of(Population.generate(customers, seed, PurchaseModel.DEFAULT),
            Bench.SIMULATED_START, calibrationDays, holdoutDays);
        final CustomerSummaries.Builder data = CustomerSummaries.builder();
        final List<CustomerSummary> summaries = new ArrayList<>();
        for (final GroundTruth.Customer c : truth.customers()) {
            final CustomerSummary summary = summary(c);
            summaries.add(summary);
            data.add(summary);
        }
        final ModelRefit.Outcome fit = ModelRefit.fit(data.build(), 1);
        final BgNbd model = new BgNbd(fit.bgNbd().fit().parameters());
        final GammaGamma spend = new GammaGamma(fit.gammaGamma().fit().parameters());
        final ClvSettings clv = ClvSettings.monthly(ModelTimeUnit.DAYS,
            (int) Math.max(1, Math.round(holdoutDays / (365.25 / 12))), 0.10, 1.0);
        final int n = summaries.size();
        final EngineScores scores = new EngineScores(new double[n], new double[n], new double[n], new double[n]);
        for (int i = 0; i < n; i++) {
            final CustomerSummary c = summaries.get(i);
            scores.churnRisk()[i] = ChurnRisk.probabilityOfNoPurchase(model, c, CHURN_HORIZON_DAYS);
            scores.pAlive()[i] = model.probabilityAlive(c);
            scores.expectedPurchases()[i] = model.expectedPurchases(c, holdoutDays);
            scores.clv()[i] = Clv.value(model, c, spend.expectedAverageValue(c), clv);
        }
        final Result result = judge(truth, scores, CHURN_HORIZON_DAYS, out);
        final BgNbdParameters fitted = fit.bgNbd().fit().parameters();
        final PurchaseModel truthModel = PurchaseModel.DEFAULT;
        final Map<String, Double> metrics = new LinkedHashMap<>(result.metrics());
        metrics.put("accuracy.fitted.r", fitted.r());
        metrics.put("accuracy.fitted.alpha_days", fitted.alpha());
        metrics.put("accuracy.fitted.a", fitted.a());
        metrics.put("accuracy.fitted.b", fitted.b());
        metrics.put("accuracy.parameter_abs_error.r", Math.abs(fitted.r() - truthModel.r()));
        metrics.put("accuracy.parameter_abs_error.alpha_days", Math.abs(fitted.alpha() - truthModel.alpha()));
        metrics.put("accuracy.parameter_abs_error.a", Math.abs(fitted.a() - truthModel.a()));
        metrics.put("accuracy.parameter_abs_error.b", Math.abs(fitted.b() - truthModel.b()));
        return new Result(metrics, result.bins(), result.reliability());
    }

    /**
     * Judges scores against the truth.
     * <ul>
     *   <li>{@code accuracy.churn_auc}: churn risk against "no purchase within the churn horizon after the end of
     *       calibration" (what churn risk predicts); {@code accuracy.churn_brier} its Brier score, with the
     *       reliability by decile.</li>
     *   <li>{@code accuracy.p_alive_auc}: {@code 1 - P(alive)} against "dropped out by the end of calibration".</li>
     *   <li>{@code accuracy.clv_spearman}: rank correlation of CLV with the actual holdout spend.</li>
     *   <li>{@code accuracy.holdout_calibration_mape}: mean absolute percentage error of the expected holdout purchase
     *       days against the actual ones, over bins of calibration repeat purchase days 0 to 6 and 7+.</li>
     * </ul>
     * Writes {@code truth.csv}, {@code truth.json} and {@code predictions.csv} into {@code out}.
     */
    static Result judge(final GroundTruth truth,
                        final EngineScores scores,
                        final double churnHorizonDays,
                        final Path out) throws IOException {
        final int n = truth.customers().size();
        final boolean[] noPurchase = new boolean[n];
        final boolean[] dead = new boolean[n];
        final double[] notAlive = new double[n];
        final double[] spend = new double[n];
        final double[][] sums = new double[LAST_BIN + 1][3];
        double brier = 0;
        for (int i = 0; i < n; i++) {
            final GroundTruth.Customer c = truth.customers().get(i);
            noPurchase[i] = c.noPurchaseWithin(truth.calibrationEnd(), churnHorizonDays);
            dead[i] = !c.aliveAtCalibrationEnd();
            notAlive[i] = 1 - scores.pAlive()[i];
            spend[i] = c.holdoutSpendMinor();
            final double outcome = noPurchase[i] ? 1 : 0;
            brier += (scores.churnRisk()[i] - outcome) * (scores.churnRisk()[i] - outcome) / n;
            final double[] bin = sums[Math.min(LAST_BIN, c.xDays())];
            bin[0]++;
            bin[1] += scores.expectedPurchases()[i];
            bin[2] += c.holdoutPurchaseDays();
        }
        truth.write(out.resolve("truth.csv"));
        try (BufferedWriter csv = Files.newBufferedWriter(out.resolve("predictions.csv"), StandardCharsets.UTF_8)) {
            csv.write("customer_id,churn_risk,p_alive,expected_holdout_purchases,clv");
            csv.newLine();
            for (int i = 0; i < n; i++) {
                csv.write(String.format(Locale.ROOT, "%s,%.17g,%.17g,%.17g,%.17g",
                    truth.customers().get(i).customerId(), scores.churnRisk()[i], scores.pAlive()[i],
                    scores.expectedPurchases()[i], scores.clv()[i]));
                csv.newLine();
            }
        }
        final List<Bin> bins = new ArrayList<>();
        double errors = 0;
        int counted = 0;
        for (int x = 0; x <= LAST_BIN; x++) {
            final double[] bin = sums[x];
            if (bin[0] == 0) {
                continue;
            }
            final Bin row = new Bin(x, (long) bin[0], bin[1] / bin[0], bin[2] / bin[0]);
            bins.add(row);
            if (row.actual() > 0) {
                errors += Math.abs(row.predicted() - row.actual()) / row.actual();
                counted++;
            }
        }
        final Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy.customers", (double) n);
        metrics.put("accuracy.churn_horizon_days", churnHorizonDays);
        metrics.put("accuracy.churn_auc", auc(scores.churnRisk(), noPurchase));
        metrics.put("accuracy.churn_brier", brier);
        metrics.put("accuracy.p_alive_auc", auc(notAlive, dead));
        metrics.put("accuracy.clv_spearman", RankCorrelation.spearman(scores.clv(), spend));
        metrics.putAll(clvCeilings(truth, spend));
        final double[] holdoutDays = new double[n];
        for (int i = 0; i < n; i++) {
            holdoutDays[i] = truth.customers().get(i).holdoutPurchaseDays();
        }
        metrics.put("accuracy.expected_purchases_spearman",
            RankCorrelation.spearman(scores.expectedPurchases(), holdoutDays));
        metrics.put("accuracy.holdout_calibration_mape", counted == 0 ? Double.NaN : errors / counted);
        return new Result(metrics, bins, reliability(scores.churnRisk(), noPurchase));
    }

    /**
     * What ranks the actual holdout spend how well, to set {@code accuracy.clv_spearman} against (see docs/models.md):
     * <ul>
     *   <li>{@code accuracy.holdout_zero_spend_share}: the share of customers who spend nothing in the holdout period
     *       (tied at the lowest rank).</li>
     *   <li>{@code accuracy.clv_spearman_oracle}: the simulator's true expected holdout spend, from what no model can
     *       see: whether the customer is still alive, the rate, the dropout probability and the order value.</li>
     *   <li>{@code accuracy.clv_spearman_known_rates}: the same with the alive state inferred from the calibration
     *       history, still knowing each customer's own rate, dropout probability and order value.</li>
     *   <li>{@code accuracy.clv_spearman_true_model}: what the calibration history tells with no fitting error: the
     *       BG/NBD expected holdout purchases with the simulator's true parameters.</li>
     * </ul>
     */
    static Map<String, Double> clvCeilings(final GroundTruth truth, final double[] spend) {
        final int n = truth.customers().size();
        final PurchaseModel population = truth.model();
        final BgNbd model = new BgNbd(new BgNbdParameters(population.r(), population.alpha(), population.a(),
            population.b()));
        final double days = truth.holdoutDays();
        final double[] oracle = new double[n];
        final double[] knownRates = new double[n];
        final double[] trueModel = new double[n];
        long zeros = 0;
        for (int i = 0; i < n; i++) {
            final GroundTruth.Customer c = truth.customers().get(i);
            oracle[i] = c.expectedSpendMinor(days);
            knownRates[i] = c.probabilityAliveKnowingRates() * c.expectedPurchasesIfAlive(days)
                * c.expectedOrderValueMinor();
            trueModel[i] = model.expectedPurchases(summary(c), days);
            zeros += spend[i] == 0 ? 1 : 0;
        }
        final Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy.holdout_zero_spend_share", (double) zeros / n);
        metrics.put("accuracy.clv_spearman_oracle", RankCorrelation.spearman(oracle, spend));
        metrics.put("accuracy.clv_spearman_known_rates", RankCorrelation.spearman(knownRates, spend));
        metrics.put("accuracy.clv_spearman_true_model", RankCorrelation.spearman(trueModel, spend));
        return metrics;
    }

    /** The calibration summary of a customer as the engine counts it: purchase days, m 0 without a repeat day. */
    private static CustomerSummary summary(final GroundTruth.Customer c) {
        return new CustomerSummary(c.xDays(), c.xDays() == 0 ? 0 : c.tx(), c.bigT(), c.xDays() == 0 ? 0 : c.m());
    }

    /** Mean predicted churn risk and observed share of no purchase, by decile of the prediction. */
    static List<Reliability> reliability(final double[] predicted, final boolean[] observed) {
        final Integer[] order = new Integer[predicted.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Double.compare(predicted[i], predicted[j]));
        final List<Reliability> deciles = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            final int from = (int) ((long) order.length * d / 10);
            final int to = (int) ((long) order.length * (d + 1) / 10);
            if (to <= from) {
                continue;
            }
            double p = 0;
            double o = 0;
            for (int k = from; k < to; k++) {
                p += predicted[order[k]];
                o += observed[order[k]] ? 1 : 0;
            }
            deciles.add(new Reliability(p / (to - from), o / (to - from), to - from));
        }
        return deciles;
    }

    /**
     * The area under the ROC curve of a score for a flag: the probability that a flagged case scores higher than an
     * unflagged one, ties counting half (Mann-Whitney with mid-ranks); NaN when either class is empty.
     */
    static double auc(final double[] score, final boolean[] positive) {
        final int n = score.length;
        final Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Double.compare(score[i], score[j]));
        double rankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && score[order[j + 1]] == score[order[i]]) {
                j++;
            }
            final double midRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    rankSum += midRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        final long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}
