package io.profilestream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * RFM quintiles from quantile sketches, and the fixed fallback.
 */
class RfmTest {

    @Test
    void shouldCutAUniformPopulationIntoFifths() {
        final RfmSketch sketch = new RfmSketch();
        for (int i = 1; i <= 100_000; i++) {
            sketch.update(i % 1000, i % 500, i % 10_000);
        }
        final RfmBreakpoints breakpoints = sketch.freeze(1_000, RfmBreakpoints.DEFAULT_FIXED);

        assertThat(breakpoints.population()).isEqualTo(100_000);
        assertThat(breakpoints.recencyDays()[1]).isCloseTo(400, within(20.0));
        assertThat(breakpoints.monetary()[3]).isCloseTo(8_000, within(200.0));
        assertThat(breakpoints.score(5, 490, 9_900)).isEqualTo(new RfmScore(5, 5, 5));
        assertThat(breakpoints.score(990, 3, 10)).isEqualTo(new RfmScore(1, 1, 1));
        assertThat(breakpoints.score(500, 250, 5_000).code()).isEqualTo("333");
    }

    @Test
    void shouldFallBackToFixedBreakpointsForSmallPopulations() {
        final RfmSketch sketch = new RfmSketch().update(1, 1, 1).update(2, 2, 2);

        assertThat(sketch.freeze(100, RfmBreakpoints.DEFAULT_FIXED)).isSameAs(RfmBreakpoints.DEFAULT_FIXED);
        assertThat(new RfmSketch().freeze(0, RfmBreakpoints.DEFAULT_FIXED)).isSameAs(RfmBreakpoints.DEFAULT_FIXED);
        assertThat(RfmBreakpoints.DEFAULT_FIXED.score(10, 1, 1_000)).isEqualTo(new RfmScore(5, 1, 1));
        assertThat(RfmBreakpoints.DEFAULT_FIXED.score(400, 9, 60_000)).isEqualTo(new RfmScore(1, 5, 5));
    }

    @Test
    void shouldMergeAndSerialiseSketches() {
        final RfmSketch left = new RfmSketch();
        final RfmSketch right = new RfmSketch();
        for (int i = 0; i < 5_000; i++) {
            left.update(i, i, i);
            right.update(i + 5_000, i + 5_000, i + 5_000);
        }
        final RfmSketch merged = RfmSketch.fromByteArray(left.merge(right).toByteArray());

        assertThat(merged.count()).isEqualTo(10_000);
        assertThat(merged.freeze(1, RfmBreakpoints.DEFAULT_FIXED).frequency()[1]).isCloseTo(4_000, within(200.0));
    }

    @Test
    void shouldScoreTiesOnABreakpointIntoTheLowerFifth() {
        final RfmBreakpoints breakpoints = RfmBreakpoints.fixed(new double[] {10, 20, 30, 40},
            new double[] {1, 1, 2, 5}, new double[] {1, 2, 3, 4});

        assertThat(breakpoints.score(10, 1, 1)).isEqualTo(new RfmScore(5, 1, 1));
        assertThat(breakpoints.score(10.5, 2, 4.5)).isEqualTo(new RfmScore(4, 3, 5));
    }

    @Test
    void shouldRejectMalformedBreakpoints() {
        assertThatThrownBy(() -> RfmBreakpoints.fixed(new double[] {1, 2, 3}, new double[] {1, 2, 3, 4},
            new double[] {1, 2, 3, 4})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RfmBreakpoints.fixed(new double[] {4, 3, 2, 1}, new double[] {1, 2, 3, 4},
            new double[] {1, 2, 3, 4})).isInstanceOf(IllegalArgumentException.class);
    }
}
