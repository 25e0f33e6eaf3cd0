package io.profilestream.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.profilestream.loadtest.PurchaseModel;

/**
 * The bench's accuracy measures, and how accurate the model is on a seeded population of 5,000 customers.
 *
 * <p>Thresholds sit well inside what was measured: the comments give the figure of this seed and the range over
 * seeds 1 to 30 at the same size, so a change that only redraws the population does not trip them, but a model or
 * simulator that stops agreeing with the truth does.
 */
class AccuracyTest {

    private static final int CUSTOMERS = 5_000;
    private static final long SEED = 11L;
    private static final PurchaseModel TRUTH = PurchaseModel.DEFAULT;

    @TempDir
    static Path out;

    private static Accuracy.Result result;
    private static Map<String, Double> metrics;

    @BeforeAll
    static void measure() throws Exception {
        result = Accuracy.measure(CUSTOMERS, SEED, 273, 273, out);
        metrics = result.metrics();
    }

    @Test
    void shouldScoreAPerfectRankingOneTiesAHalfAndAReversedRankingZero() {
        final boolean[] flags = {false, false, true, true};
        assertThat(Accuracy.auc(new double[] {0.1, 0.2, 0.8, 0.9}, flags)).isEqualTo(1.0);
        assertThat(Accuracy.auc(new double[] {0.5, 0.5, 0.5, 0.5}, flags)).isEqualTo(0.5);
        assertThat(Accuracy.auc(new double[] {0.9, 0.8, 0.2, 0.1}, flags)).isEqualTo(0.0);
        assertThat(Accuracy.auc(new double[] {0.1, 0.3, 0.2, 0.9}, flags)).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void shouldRankCustomersWhoDroppedOutAboveTheLiving() {
        assertThat(metrics.get("accuracy.customers")).isEqualTo(CUSTOMERS);
        // 1 - P(alive) against "dead at the end of calibration": 0.940 for this seed, 0.933 to 0.945 over seeds 1-30.
        assertThat(metrics.get("accuracy.p_dead_auc")).isGreaterThan(0.90);
        // Churn risk among customers with a repeat purchase: 0.739 for this seed, 0.720 to 0.760 over seeds 1-30.
        assertThat(metrics.get("accuracy.churn_auc_repeat_buyers")).isGreaterThan(0.70);
        // Over everyone, churn risk ranks the living but rare buyers as at risk (see Accuracy): 0.310 for this seed,
        // 0.280 to 0.381 over seeds 1-30. It is reported, not held to a threshold.
        assertThat(metrics.get("accuracy.churn_auc")).isBetween(0.0, 1.0);
    }

    @Test
    void shouldPredictHoldoutPurchasesByCalibrationFrequency() {
        // Mean absolute percentage error over the frequency bins: 0.077 for this seed, 0.043 to 0.140 over seeds 1-30.
        assertThat(metrics.get("accuracy.holdout_calibration_mape")).isNotNegative().isLessThan(0.20);
        assertThat(result.bins()).isNotEmpty();
        assertThat(result.bins().get(0).x()).isZero();
    }

    @Test
    void shouldFitParametersCloseToTheTruth() {
        assertThat(metrics).containsKeys("accuracy.parameter_abs_error.r",
            "accuracy.parameter_abs_error.alpha_days", "accuracy.parameter_abs_error.a",
            "accuracy.parameter_abs_error.b");
        // Relative errors for this seed: r 2.5%, alpha 0.3%, a 2.3%, b 2.6%, a / (a + b) 3.6%; over seeds 1-30 at
        // most r 9.5%, alpha 20%, a / (a + b) 11%, while a and b on their own (which trade off against each other)
        // are off by up to 32% and 42%.
        assertThat(metrics.get("accuracy.parameter_abs_error.r") / TRUTH.r()).isLessThan(0.15);
        assertThat(metrics.get("accuracy.parameter_abs_error.alpha_days") / TRUTH.alpha()).isLessThan(0.25);
        assertThat(metrics.get("accuracy.parameter_abs_error.a") / TRUTH.a()).isLessThan(0.50);
        assertThat(metrics.get("accuracy.parameter_abs_error.b") / TRUTH.b()).isLessThan(0.50);
        final double fittedDropout = metrics.get("accuracy.fitted.a")
            / (metrics.get("accuracy.fitted.a") + metrics.get("accuracy.fitted.b"));
        final double trueDropout = TRUTH.a() / (TRUTH.a() + TRUTH.b());
        assertThat(Math.abs(fittedDropout - trueDropout) / trueDropout).isLessThan(0.15);
    }

    @Test
    void shouldWriteFilesFromWhichTheChurnAucCanBeRecomputed() throws Exception {
        final List<String> truth = Files.readAllLines(out.resolve("truth.csv"));
        final List<String> predictions = Files.readAllLines(out.resolve("predictions.csv"));
        assertThat(predictions.get(0)).isEqualTo("customer_id,churn_risk,p_alive,expected_holdout_purchases");
        assertThat(predictions).hasSameSizeAs(truth).hasSize(CUSTOMERS + 1);
        final int alive = Arrays.asList(truth.get(0).split(",")).indexOf("alive_at_calibration_end");
        final double[] risk = new double[CUSTOMERS];
        final boolean[] dead = new boolean[CUSTOMERS];
        for (int i = 1; i <= CUSTOMERS; i++) {
            final String[] t = truth.get(i).split(",");
            final String[] p = predictions.get(i).split(",");
            assertThat(p[0]).isEqualTo(t[0]);
            risk[i - 1] = Double.parseDouble(p[1]);
            dead[i - 1] = !Boolean.parseBoolean(t[alive]);
        }
        assertThat(Accuracy.auc(risk, dead)).isEqualTo(metrics.get("accuracy.churn_auc"));
        assertThat(out.resolve("truth.json")).exists();
    }
}
