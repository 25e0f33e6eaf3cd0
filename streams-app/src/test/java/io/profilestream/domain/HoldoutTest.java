package io.profilestream.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class HoldoutTest {

    private static long heldOut(final String definitionId, final double percent) {
        return IntStream.range(0, 20_000).filter(i -> Holdout.isHeldOut(definitionId, "c" + i, percent)).count();
    }

    @Test
    void shouldHoldOutTheConfiguredShareOfProfiles() {
        // Binomial(20000, 0.1): standard deviation about 42, so 300 is more than 7 of them.
        assertThat(heldOut("win-back", 10)).isBetween(1_700L, 2_300L);
        assertThat(heldOut("win-back", 50)).isBetween(9_700L, 10_300L);
        assertThat(heldOut("win-back", 0)).isZero();
    }

    @Test
    void shouldAssignTheSameProfileTheSameWayEveryTimeAndIndependentlyPerDefinition() {
        assertThat(Holdout.position("win-back", "c42")).isEqualTo(Holdout.position("win-back", "c42"))
            .isBetween(0.0, 1.0);
        final long inBoth = IntStream.range(0, 20_000)
            .filter(i -> Holdout.isHeldOut("a", "c" + i, 10) && Holdout.isHeldOut("b", "c" + i, 10)).count();
        assertThat(inBoth).isBetween(100L, 300L);
        // Raising the share only adds members to the holdout.
        assertThat(IntStream.range(0, 20_000).filter(i -> Holdout.isHeldOut("a", "c" + i, 10))
            .allMatch(i -> Holdout.isHeldOut("a", "c" + i, 20))).isTrue();
    }

    @Test
    void shouldRefuseAShareOutsideZeroToFifty() {
        assertThatThrownBy(() -> Holdout.check(50.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Holdout.check(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Holdout.check(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Holdout.check(12.5)).isEqualTo(12.5);
    }
}
