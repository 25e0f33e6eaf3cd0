package io.profilestream.loadtest;

/**
 * Spaces events evenly to hold a target rate.
 *
 * <p>Hand-written rather than borrowed (Guava's RateLimiter would be a new dependency for a few lines):
 * the n-th event since the schedule's start is due at {@code start + n / rate} seconds, computed from the count
 * rather than by adding intervals, so rounding never drifts.
 * When the sender falls more than {@link #MAX_LAG_NANOS} behind (a GC pause, a slow broker), the schedule restarts
 * from the current time instead of bursting to catch up on every missed slot.
 * A rate of zero means no pacing: every event is due at once.
 * Time is passed in as {@link System#nanoTime()} readings, so the schedule can be tested without waiting.
 * Instances are not safe for concurrent use.
 */
public final class Pacer {

    /** How far behind schedule the sender may fall before missed slots are forgotten. */
    public static final long MAX_LAG_NANOS = 1_000_000_000L;

    private final double nanosPerEvent;
    private long startNanos;
    private long issued;
    private boolean started;

    /**
     * Creates a pacer.
     *
     * @param eventsPerSecond the target rate; 0 for as fast as possible
     */
    public Pacer(final double eventsPerSecond) {
        if (eventsPerSecond < 0 || Double.isNaN(eventsPerSecond) || Double.isInfinite(eventsPerSecond)) {
            throw new IllegalArgumentException("The rate must be zero (unlimited) or a positive number of events per "
                + "second.");
        }
        this.nanosPerEvent = eventsPerSecond == 0 ? 0 : 1e9 / eventsPerSecond;
    }

    /**
     * Reserves the next slot and returns when it is due, as a {@link System#nanoTime()} reading.
     * The caller waits until then (if that is in the future) and sends one event.
     *
     * @param nowNanos the current {@link System#nanoTime()}
     */
    public long acquire(final long nowNanos) {
        if (nanosPerEvent == 0) {
            return nowNanos;
        }
        if (!started || nowNanos - due(issued) > MAX_LAG_NANOS) {
            started = true;
            startNanos = nowNanos;
            issued = 0;
        }
        return due(issued++);
    }

    private long due(final long index) {
        return startNanos + Math.round(index * nanosPerEvent);
    }
}
