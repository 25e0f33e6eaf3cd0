package io.profilestream.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PacerTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long START = 123_456_789L;

    @Test
    void shouldSpaceEventsEvenlyAtTheTargetRate() {
        final Pacer pacer = new Pacer(200);
        long previous = pacer.acquire(START);

        assertThat(previous).isEqualTo(START);
        for (int i = 1; i < 1_000; i++) {
            final long due = pacer.acquire(START);
            assertThat(due - previous).isBetween(4_999_999L, 5_000_001L);
            previous = due;
        }
        assertThat(previous - START).isEqualTo(4_995_000_000L);
    }

    @Test
    void shouldNotDriftWhenTheIntervalIsNotAWholeNumberOfNanoseconds() {
        final Pacer pacer = new Pacer(3);
        long due = 0;
        for (int i = 0; i <= 3_000; i++) {
            due = pacer.acquire(START);
        }

        assertThat(due - START).isEqualTo(1_000 * SECOND);
    }

    @Test
    void shouldCatchUpOnSlotsMissedByLessThanTheLagLimit() {
        final Pacer pacer = new Pacer(100);
        pacer.acquire(START);

        final long late = START + SECOND / 2;
        assertThat(pacer.acquire(late)).isEqualTo(START + SECOND / 100);
        assertThat(pacer.acquire(late)).isEqualTo(START + 2 * SECOND / 100);
    }

    @Test
    void shouldRestartTheScheduleInsteadOfBurstingAfterALongStall() {
        final Pacer pacer = new Pacer(100);
        pacer.acquire(START);

        final long stalled = START + 5 * SECOND;
        assertThat(pacer.acquire(stalled)).isEqualTo(stalled);
        assertThat(pacer.acquire(stalled)).isEqualTo(stalled + SECOND / 100);
    }

    @Test
    void shouldNotPaceAtRateZero() {
        final Pacer pacer = new Pacer(0);

        assertThat(pacer.acquire(START)).isEqualTo(START);
        assertThat(pacer.acquire(START)).isEqualTo(START);
        assertThat(pacer.acquire(START + 7)).isEqualTo(START + 7);
    }

    @Test
    void shouldRejectANegativeRate() {
        assertThatThrownBy(() -> new Pacer(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
