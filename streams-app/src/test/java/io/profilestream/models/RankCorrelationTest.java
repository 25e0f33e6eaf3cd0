package io.profilestream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RankCorrelationTest {

    @Test
    void shouldCorrelateRanksAsSpearmanDoes() {
        assertThat(RankCorrelation.spearman(new double[] {1, 2, 3, 4}, new double[] {10, 20, 30, 40})).isEqualTo(1.0);
        assertThat(RankCorrelation.spearman(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1})).isEqualTo(-1.0);
        assertThat(RankCorrelation.spearman(new double[] {1, 2, 3, 4}, new double[] {1, 100, 2, 3}))
            .isCloseTo(0.4, within(1e-12));
    }

    @Test
    void shouldGiveTiesTheirMidRank() {
        assertThat(RankCorrelation.midRanks(new double[] {0, 5, 0, 0, 2})).containsExactly(2, 5, 2, 2, 4);
        // Mid-ranks 1.5 1.5 3 4 against 1 2.5 2.5 4: covariance 3.75 over variances 4.5 and 4.5.
        assertThat(RankCorrelation.spearman(new double[] {1, 1, 2, 3}, new double[] {1, 2, 2, 3}))
            .isCloseTo(3.75 / 4.5, within(1e-12));
    }

    @Test
    void shouldRejectSeriesOfDifferentLengths() {
        assertThatThrownBy(() -> RankCorrelation.spearman(new double[] {1, 2}, new double[] {1}))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
