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
import io.profilestream.models.BgNbdFit;
import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.ChurnRisk;
import io.profilestream.models.CustomerSummaries;
import io.profilestream.models.CustomerSummary;

/**
 * How right the customer-value model is against the simulator's truth: BG/NBD fitted (with the engine's
 * {@link BgNbd#fit}) on the calibration-period summaries, then churn risk scored against the true "dead at the end
 * of calibration" flag (AUC), predicted versus actual holdout purchases by calibration frequency (the BG/NBD paper's
 * check), and the absolute error of each fitted parameter against the population's true one. Time is in days.
 *
 * <p>Churn risk is the probability of no purchase within 90 days, which is high for the living but rare buyers too;
 * in BG/NBD a customer without a repeat purchase cannot have dropped out. So its AUC against "dead" over everyone
 * can be below 0.5; {@code accuracy.churn_auc_repeat_buyers} (customers with a repeat purchase) and
 * {@code accuracy.p_dead_auc} (the score {@code 1 - P(alive)}) are reported beside it.
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
     * The results.
     *
     * @param metrics result keys ({@code accuracy.churn_auc}, ...)
     * @param bins predicted versus actual holdout purchases by calibration frequency
     */
    record Result(Map<String, Double> metrics, List<Bin> bins) {
    }

    /**
     * Simulates the population of a seed and measures the model against its truth.
     *
     * @param customers population size
     * @param seed seed of the population
     * @param calibrationDays length of the calibration period
     * @param holdoutDays length of the holdout period
     * @param out where to write {@code truth.csv} (with {@code truth.json}) and {@code predictions.csv}, so the
     *     figures can be recomputed without this code
     */
    static Result measure(final int customers, final long seed, final double calibrationDays,
                          final double holdoutDays, final Path out) throws IOException {
        final PurchaseModel truthModel = PurchaseModel.DEFAULT;
        final GroundTruth truth = GroundTruth.of(Population.generate(customers, seed, truthModel),
            Bench.SIMULATED_START, calibrationDays, holdoutDays);
        final CustomerSummaries.Builder data = CustomerSummaries.builder();
        truth.customers().forEach(c -> data.add(c.x(), c.tx(), c.bigT(), c.m()));
        final BgNbdFit fit = BgNbd.fit(data.build());
        final BgNbd model = new BgNbd(fit.parameters());
        final int n = truth.customers().size();
        final double[] risk = new double[n];
        final double[] notAlive = new double[n];
        final boolean[] dead = new boolean[n];
        final boolean[] repeat = new boolean[n];
        final double[][] sums = new double[LAST_BIN + 1][3];
        final double[] predicted = new double[n];
        for (int i = 0; i < n; i++) {
            final GroundTruth.Customer c = truth.customers().get(i);
            final CustomerSummary summary = new CustomerSummary(c.x(), c.tx(), c.bigT(), c.m());
            risk[i] = ChurnRisk.probabilityOfNoPurchase(model, summary, CHURN_HORIZON_DAYS);
            notAlive[i] = 1 - model.probabilityAlive(summary);
            dead[i] = !c.aliveAtCalibrationEnd();
            repeat[i] = c.x() > 0;
            final double[] bin = sums[Math.min(LAST_BIN, c.x())];
            bin[0]++;
            predicted[i] = model.expectedPurchases(summary, holdoutDays);
            bin[1] += predicted[i];
            bin[2] += c.holdoutPurchases();
        }
        truth.write(out.resolve("truth.csv"));
        try (BufferedWriter csv = Files.newBufferedWriter(out.resolve("predictions.csv"), StandardCharsets.UTF_8)) {
            csv.write("customer_id,churn_risk,p_alive,expected_holdout_purchases");
            csv.newLine();
            for (int i = 0; i < n; i++) {
                csv.write(String.format(Locale.ROOT, "%s,%.17g,%.17g,%.17g", truth.customers().get(i).customerId(),
                    risk[i], 1 - notAlive[i], predicted[i]));
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
        final BgNbdParameters fitted = fit.parameters();
        final Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy.customers", (double) n);
        metrics.put("accuracy.churn_auc", auc(risk, dead));
        metrics.put("accuracy.churn_auc_repeat_buyers", auc(select(risk, repeat), select(dead, repeat)));
        metrics.put("accuracy.p_dead_auc", auc(notAlive, dead));
        metrics.put("accuracy.holdout_calibration_mape", counted == 0 ? Double.NaN : errors / counted);
        metrics.put("accuracy.fitted.r", fitted.r());
        metrics.put("accuracy.fitted.alpha_days", fitted.alpha());
        metrics.put("accuracy.fitted.a", fitted.a());
        metrics.put("accuracy.fitted.b", fitted.b());
        metrics.put("accuracy.parameter_abs_error.r", Math.abs(fitted.r() - truthModel.r()));
        metrics.put("accuracy.parameter_abs_error.alpha_days", Math.abs(fitted.alpha() - truthModel.alpha()));
        metrics.put("accuracy.parameter_abs_error.a", Math.abs(fitted.a() - truthModel.a()));
        metrics.put("accuracy.parameter_abs_error.b", Math.abs(fitted.b() - truthModel.b()));
        return new Result(metrics, bins);
    }

    private static double[] select(final double[] values, final boolean[] keep) {
        final double[] kept = new double[values.length];
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (keep[i]) {
                kept[n++] = values[i];
            }
        }
        return Arrays.copyOf(kept, n);
    }

    private static boolean[] select(final boolean[] values, final boolean[] keep) {
        final boolean[] kept = new boolean[values.length];
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (keep[i]) {
                kept[n++] = values[i];
            }
        }
        return Arrays.copyOf(kept, n);
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
