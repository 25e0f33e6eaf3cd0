package io.profilestream.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

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
    void measuresTheModelAgainstTheTruth() {
        final Accuracy.Result result = Accuracy.measure(3_000, 11L, 273, 273);

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
}
