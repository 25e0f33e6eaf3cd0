package io.profilestream.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's accuracy measures on a small population.
 */
class AccuracyTest {

    @Test
    void aucIsOneForAPerfectScoreAHalfForTiesAndZeroWhenReversed() {
        final boolean[] flags = {false, false, true, true};
        assertThat(Accuracy.auc(new double[] {0.1, 0.2, 0.8, 0.9}, flags)).isEqualTo(1.0);
        assertThat(Accuracy.auc(new double[] {0.5, 0.5, 0.5, 0.5}, flags)).isEqualTo(0.5);
        assertThat(Accuracy.auc(new double[] {0.9, 0.8, 0.2, 0.1}, flags)).isEqualTo(0.0);
        assertThat(Accuracy.auc(new double[] {0.1, 0.3, 0.2, 0.9}, flags)).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void measuresTheModelAgainstTheTruth(@TempDir final Path out) throws Exception {
        final Accuracy.Result result = Accuracy.measure(3_000, 11L, 273, 273, out);

        assertThat(result.metrics().get("accuracy.churn_auc")).isBetween(0.0, 1.0);
        assertThat(result.metrics().get("accuracy.p_dead_auc")).isBetween(0.5, 1.0);
        assertThat(result.metrics().get("accuracy.churn_auc_repeat_buyers")).isBetween(0.0, 1.0);
        assertThat(result.metrics().get("accuracy.holdout_calibration_mape")).isNotNegative().isFinite();
        assertThat(result.metrics()).containsKeys("accuracy.parameter_abs_error.r",
            "accuracy.parameter_abs_error.alpha_days", "accuracy.parameter_abs_error.a",
            "accuracy.parameter_abs_error.b");
        assertThat(result.bins()).isNotEmpty();
        assertThat(result.bins().get(0).x()).isZero();
    }

    @Test
    void writesFilesFromWhichTheChurnAucCanBeRecomputed(@TempDir final Path out) throws Exception {
        final double auc = Accuracy.measure(2_000, 5L, 273, 273, out).metrics().get("accuracy.churn_auc");

        final List<String> truth = Files.readAllLines(out.resolve("truth.csv"));
        final List<String> predictions = Files.readAllLines(out.resolve("predictions.csv"));
        assertThat(predictions.get(0)).isEqualTo("customer_id,churn_risk,p_alive,expected_holdout_purchases");
        assertThat(predictions).hasSameSizeAs(truth).hasSize(2_001);
        final int alive = Arrays.asList(truth.get(0).split(",")).indexOf("alive_at_calibration_end");
        final double[] risk = new double[2_000];
        final boolean[] dead = new boolean[2_000];
        for (int i = 1; i <= 2_000; i++) {
            final String[] t = truth.get(i).split(",");
            final String[] p = predictions.get(i).split(",");
            assertThat(p[0]).isEqualTo(t[0]);
            risk[i - 1] = Double.parseDouble(p[1]);
            dead[i - 1] = !Boolean.parseBoolean(t[alive]);
        }
        assertThat(Accuracy.auc(risk, dead)).isEqualTo(auc);
        assertThat(out.resolve("truth.json")).exists();
    }
}
