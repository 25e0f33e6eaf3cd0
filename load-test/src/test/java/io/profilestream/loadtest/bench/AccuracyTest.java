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
    void shouldMeetTheAccuracyTargetsOnTheSeededPopulation() {
        assertThat(metrics.get("accuracy.customers")).isEqualTo(CUSTOMERS);
        // Targets of the default population (docs/benchmarks.md). This seed: churn AUC 0.756, P(alive) AUC 0.936,
        // calibration error 0.087, Brier 0.106.
        assertThat(metrics.get("accuracy.churn_auc")).isGreaterThanOrEqualTo(0.75);
        assertThat(metrics.get("accuracy.p_alive_auc")).isGreaterThanOrEqualTo(0.85);
        assertThat(metrics.get("accuracy.holdout_calibration_mape")).isNotNegative().isLessThanOrEqualTo(0.10);
        // CLV against holdout spend: 0.353 for this seed, below the 0.5 target, which no forecast from the purchase
        // history reaches on this population (see shouldRankHoldoutSpendAsWellAsTheTrueModelAllows).
        assertThat(metrics.get("accuracy.clv_spearman")).isGreaterThanOrEqualTo(0.30);
        assertThat(metrics.get("accuracy.clv_spearman")).isLessThanOrEqualTo(
            metrics.get("accuracy.expected_purchases_spearman") + 0.05);
        assertThat(metrics.get("accuracy.churn_brier")).isBetween(0.0, 0.25);
        assertThat(result.bins()).isNotEmpty();
        assertThat(result.bins().get(0).x()).isZero();
    }

    @Test
    void shouldRankHoldoutSpendAsWellAsTheTrueModelAllows() {
        // This seed: zero spend 0.735, oracle 0.696, known rates 0.602, true model 0.357, CLV 0.353; over seeds 1-30
        // the oracle stays within 0.67-0.71, the known rates within 0.58-0.62, the true model within 0.32-0.39, and
        // CLV within 0.01 of the true model.
        final double clv = metrics.get("accuracy.clv_spearman");
        final double trueModel = metrics.get("accuracy.clv_spearman_true_model");
        assertThat(metrics.get("accuracy.holdout_zero_spend_share")).isBetween(0.70, 0.78);
        // The latent state decides the holdout spend: the simulation is not noise.
        assertThat(metrics.get("accuracy.clv_spearman_oracle")).isGreaterThan(0.6);
        assertThat(metrics.get("accuracy.clv_spearman_known_rates")).isBetween(0.5, 0.65);
        // The purchase history with the true parameters ranks below the 0.5 target, and the engine's fitted CLV loses
        // nothing against it.
        assertThat(trueModel).isLessThan(0.45);
        assertThat(clv).isCloseTo(trueModel, within(0.03));
    }

    @Test
    void shouldReportAReliabilityDiagramWhosePredictionsFollowTheObservedShare() {
        assertThat(result.reliability()).hasSize(10);
        final Accuracy.Reliability lowest = result.reliability().get(0);
        final Accuracy.Reliability highest = result.reliability().get(9);
        assertThat(highest.predicted()).isGreaterThan(lowest.predicted());
        assertThat(highest.observed()).isGreaterThan(lowest.observed());
        for (final Accuracy.Reliability decile : result.reliability()) {
            assertThat(decile.observed()).isCloseTo(decile.predicted(), within(0.15));
        }
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
    void shouldWriteFilesFromWhichThePAliveAucCanBeRecomputed() throws Exception {
        final List<String> truth = Files.readAllLines(out.resolve("truth.csv"));
        final List<String> predictions = Files.readAllLines(out.resolve("predictions.csv"));
        assertThat(predictions.get(0)).isEqualTo("customer_id,churn_risk,p_alive,expected_holdout_purchases,clv");
        assertThat(predictions).hasSameSizeAs(truth).hasSize(CUSTOMERS + 1);
        final int alive = Arrays.asList(truth.get(0).split(",")).indexOf("alive_at_calibration_end");
        final double[] risk = new double[CUSTOMERS];
        final boolean[] dead = new boolean[CUSTOMERS];
        for (int i = 1; i <= CUSTOMERS; i++) {
            final String[] t = truth.get(i).split(",");
            final String[] p = predictions.get(i).split(",");
            assertThat(p[0]).isEqualTo(t[0]);
            risk[i - 1] = 1 - Double.parseDouble(p[2]);
            dead[i - 1] = !Boolean.parseBoolean(t[alive]);
        }
        assertThat(Accuracy.auc(risk, dead)).isEqualTo(metrics.get("accuracy.p_alive_auc"));
        assertThat(out.resolve("truth.json")).exists();
    }
}
