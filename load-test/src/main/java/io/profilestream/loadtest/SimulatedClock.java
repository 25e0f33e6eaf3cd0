package io.profilestream.loadtest;

import java.time.Instant;

/**
 * Paces a stream of simulated time against the wall clock, with simulated time running {@code speedup} times faster.
 *
 * <p>The simulated start is pinned to the wall clock at the first call; from then on an event is due when the wall
 * clock has caught up with its simulated time.
 * Events whose time has already passed (late events, or every event while the sender is behind) are due at once, so
 * a sender that falls behind catches up rather than shifting the schedule.
 * Time is passed in as {@link System#nanoTime()} readings, so the schedule can be tested without waiting.
 * Instances are not safe for concurrent use.
 */
public final class SimulatedClock {

    /** The furthest ahead an event can be due, about 31 years, to keep nanosecond arithmetic from overflowing. */
    private static final double MAX_OFFSET_NANOS = 1e18;

    private final long startMillis;
    private final double speedup;
    private long wallStartNanos;
    private boolean started;

    /**
     * Creates a clock.
     *
     * @param start the simulated start
     * @param speedup simulated seconds per wall-clock second; positive
     */
    public SimulatedClock(final Instant start, final double speedup) {
        if (!(speedup > 0) || Double.isInfinite(speedup)) {
            throw new IllegalArgumentException("The speed-up must be a positive factor.");
        }
        this.startMillis = start.toEpochMilli();
        this.speedup = speedup;
    }

    /**
     * Returns when an event of the given simulated time is due, as a {@link System#nanoTime()} reading.
     *
     * @param simulated the event's simulated time
     * @param nowNanos the current {@link System#nanoTime()}
     */
    public long due(final Instant simulated, final long nowNanos) {
        if (!started) {
            started = true;
            wallStartNanos = nowNanos;
        }
        final double offsetNanos = (simulated.toEpochMilli() - startMillis) * 1e6 / speedup;
        return wallStartNanos + (long) Math.max(-MAX_OFFSET_NANOS, Math.min(MAX_OFFSET_NANOS, offsetNanos));
    }
}
