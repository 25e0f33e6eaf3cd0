package io.profilestream.loadtest;

import java.time.Duration;
import java.util.Objects;

/**
 * What to generate and how fast: the population's size and seed, the target rate and when to stop.
 *
 * @param customers number of customers (anonymous-only visitors come on top)
 * @param seed the seed the population and its events are drawn from
 * @param eventsPerSecond target rate; 0 for as fast as possible
 * @param maxEvents stop after this many events; 0 for no limit
 * @param maxDuration stop after this long; {@link Duration#ZERO} for no limit
 */
public record GeneratorSettings(int customers,
                                long seed,
                                double eventsPerSecond,
                                long maxEvents,
                                Duration maxDuration) {

    /** Default target rate in events per second. */
    public static final double DEFAULT_EVENTS_PER_SECOND = 200;

    public GeneratorSettings {
        Objects.requireNonNull(maxDuration, "maxDuration");
        if (customers <= 0) {
            throw new IllegalArgumentException("The number of customers must be positive.");
        }
        if (eventsPerSecond < 0 || Double.isNaN(eventsPerSecond) || Double.isInfinite(eventsPerSecond)) {
            throw new IllegalArgumentException(
                "The rate must be zero (as fast as possible) or a positive number of events per second.");
        }
        if (maxEvents < 0) {
            throw new IllegalArgumentException("The maximum number of events must be zero (no limit) or positive.");
        }
        if (maxDuration.isNegative()) {
            throw new IllegalArgumentException("The maximum duration must be zero (no limit) or positive.");
        }
    }

    /**
     * The defaults for a seed: 2,000 customers at 200 events per second, without limit.
     */
    public static GeneratorSettings defaults(final long seed) {
        return new GeneratorSettings(Population.DEFAULT_CUSTOMERS, seed, DEFAULT_EVENTS_PER_SECOND, 0, Duration.ZERO);
    }

    public GeneratorSettings withCustomers(final int count) {
        return new GeneratorSettings(count, seed, eventsPerSecond, maxEvents, maxDuration);
    }

    public GeneratorSettings withEventsPerSecond(final double rate) {
        return new GeneratorSettings(customers, seed, rate, maxEvents, maxDuration);
    }

    public GeneratorSettings withMaxEvents(final long count) {
        return new GeneratorSettings(customers, seed, eventsPerSecond, count, maxDuration);
    }

    public GeneratorSettings withMaxDuration(final Duration duration) {
        return new GeneratorSettings(customers, seed, eventsPerSecond, maxEvents, duration);
    }
}
