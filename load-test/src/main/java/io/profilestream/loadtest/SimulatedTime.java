package io.profilestream.loadtest;

import java.time.Instant;

/**
 * How event time relates to the wall clock.
 *
 * <p>Live (the default): events carry the wall-clock time at which they are generated, and the target rate in events
 * per second sets the pace.
 * Simulated: events carry simulated timestamps counted from {@code start}; the simulated clock runs {@code speedup}
 * times faster than the wall clock, or, with a speed-up of 0, as fast as the target rate (or the machine) allows,
 * which replays months in minutes.
 * The engine then has to run with {@code time.mode=event-time} whenever the simulated time runs ahead of its clock.
 *
 * @param start the simulated instant the run starts at; {@code null} when live
 * @param speedup simulated seconds per wall-clock second; 0 when the pace is a rate (or as fast as possible)
 * @param days simulated days after which the run ends; 0 for no end
 */
public record SimulatedTime(Instant start, double speedup, double days) {

    /** Live time: wall-clock timestamps, no end. */
    public static final SimulatedTime LIVE = new SimulatedTime(null, 0, 0);

    public SimulatedTime {
        if (!(speedup >= 0) || Double.isInfinite(speedup)) {
            throw new IllegalArgumentException("The speed-up must be zero (no clock) or a positive factor.");
        }
        if (!(days >= 0) || Double.isInfinite(days)) {
            throw new IllegalArgumentException("The number of simulated days must be zero (no end) or positive.");
        }
        if (start == null && (speedup > 0 || days > 0)) {
            throw new IllegalArgumentException("A speed-up or a number of simulated days needs a simulated start.");
        }
    }

    /**
     * Simulated time from {@code start}, {@code speedup} times faster than the wall clock, for {@code days} days.
     */
    public static SimulatedTime simulated(final Instant start, final double speedup, final double days) {
        if (start == null) {
            throw new IllegalArgumentException("Simulated time needs a start.");
        }
        return new SimulatedTime(start, speedup, days);
    }

    /** Whether events carry wall-clock time. */
    public boolean isLive() {
        return start == null;
    }

    /** The simulated end, or {@code null} when the run has no end in simulated time. */
    public Instant end() {
        return start == null || days == 0 ? null : start.plusMillis(PurchaseTimeline.toMillis(days));
    }
}
