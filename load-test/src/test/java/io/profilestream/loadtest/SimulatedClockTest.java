package io.profilestream.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class SimulatedClockTest {

    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private static final long WALL = 5_000_000_000L;

    @Test
    void shouldPinTheSimulatedStartToTheFirstCall() {
        final SimulatedClock clock = new SimulatedClock(START, 3_600);

        assertThat(clock.due(START.plus(Duration.ofHours(2)), WALL)).isEqualTo(WALL + TimeUnit.SECONDS.toNanos(2));
        assertThat(clock.due(START, WALL + 999)).isEqualTo(WALL);
        assertThat(clock.due(START.plus(Duration.ofDays(1)), WALL + 1)).isEqualTo(WALL + TimeUnit.SECONDS.toNanos(24));
    }

    @Test
    void shouldMakeEventsFromThePastDueAtOnce() {
        final SimulatedClock clock = new SimulatedClock(START, 86_400);
        clock.due(START, WALL);
        final long now = WALL + TimeUnit.SECONDS.toNanos(10);

        assertThat(clock.due(START.plus(Duration.ofDays(3)), now)).isLessThan(now);
        assertThat(clock.due(START.minus(Duration.ofHours(1)), now)).isLessThan(WALL);
    }

    @Test
    void shouldRunInRealTimeAtASpeedUpOfOne() {
        final SimulatedClock clock = new SimulatedClock(START, 1);

        assertThat(clock.due(START.plusMillis(1_500), WALL)).isEqualTo(WALL + TimeUnit.MILLISECONDS.toNanos(1_500));
    }

    @Test
    void shouldNotOverflowForFarFutureEvents() {
        final SimulatedClock clock = new SimulatedClock(START, 0.001);

        assertThat(clock.due(START.plus(Duration.ofDays(365_000)), WALL)).isGreaterThan(WALL);
    }

    @Test
    void shouldRejectASpeedUpThatIsNotPositive() {
        assertThatThrownBy(() -> new SimulatedClock(START, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SimulatedClock(START, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
