package io.profilestream.loadtest;

import java.time.Duration;
import java.util.Objects;

/**
 * What to generate and how fast: the population, how time runs, the noise, the pace and when to stop.
 *
 * @param customers number of customers (anonymous-only visitors come on top)
 * @param seed the seed the population and its events are drawn from
 * @param eventsPerSecond target rate; 0 for as fast as possible (or, with a speed-up, in step with simulated time)
 * @param maxEvents stop after this many events; 0 for no limit
 * @param maxDuration stop after this long; {@link Duration#ZERO} for no limit
 * @param purchases the population's BG/NBD purchase model
 * @param time live, or simulated from a start, with an optional speed-up and number of days
 * @param noise late, duplicate and malformed records to mix in
 * @param firstCustomer the number of the population's first customer (1 for {@code c-000001}); another number keeps a
 *                      second population's customers apart from the first's in the same topics
 */
public record GeneratorSettings(int customers,
                                long seed,
                                double eventsPerSecond,
                                long maxEvents,
                                Duration maxDuration,
                                PurchaseModel purchases,
                                SimulatedTime time,
                                Noise noise,
                                int firstCustomer) {

    /** Default target rate in events per second. */
    public static final double DEFAULT_EVENTS_PER_SECOND = 200;

    public GeneratorSettings {
        Objects.requireNonNull(maxDuration, "maxDuration");
        Objects.requireNonNull(purchases, "purchases");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(noise, "noise");
        if (customers <= 0) {
            throw new IllegalArgumentException("The number of customers must be positive.");
        }
        if (firstCustomer <= 0) {
            throw new IllegalArgumentException("Customers are numbered from a positive number.");
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
        if (eventsPerSecond > 0 && time.speedup() > 0) {
            throw new IllegalArgumentException("Pace the events either by a rate or by a speed-up of simulated time, "
                + "not both.");
        }
    }

    /**
     * Settings whose customers are numbered from 1.
     */
    public GeneratorSettings(final int customers,
                             final long seed,
                             final double eventsPerSecond,
                             final long maxEvents,
                             final Duration maxDuration,
                             final PurchaseModel purchases,
                             final SimulatedTime time,
                             final Noise noise) {
        this(customers, seed, eventsPerSecond, maxEvents, maxDuration, purchases, time, noise, 1);
    }

    /**
     * Live settings with the default population model and no noise.
     */
    public GeneratorSettings(final int customers,
                             final long seed,
                             final double eventsPerSecond,
                             final long maxEvents,
                             final Duration maxDuration) {
        this(customers, seed, eventsPerSecond, maxEvents, maxDuration, PurchaseModel.DEFAULT, SimulatedTime.LIVE,
            Noise.NONE);
    }

    /**
     * The defaults for a seed: 2,000 customers, live at 200 events per second, without limit or noise.
     */
    public static GeneratorSettings defaults(final long seed) {
        return new GeneratorSettings(Population.DEFAULT_CUSTOMERS, seed, DEFAULT_EVENTS_PER_SECOND, 0, Duration.ZERO);
    }

    /**
     * The population these settings describe, drawn from the seed.
     */
    public Population population() {
        return Population.generate(customers, seed, purchases, firstCustomer);
    }

    public GeneratorSettings withCustomers(final int count) {
        return new GeneratorSettings(count, seed, eventsPerSecond, maxEvents, maxDuration, purchases, time, noise,
            firstCustomer);
    }

    public GeneratorSettings withEventsPerSecond(final double rate) {
        return new GeneratorSettings(customers, seed, rate, maxEvents, maxDuration, purchases, time, noise,
            firstCustomer);
    }

    public GeneratorSettings withMaxEvents(final long count) {
        return new GeneratorSettings(customers, seed, eventsPerSecond, count, maxDuration, purchases, time, noise,
            firstCustomer);
    }

    public GeneratorSettings withMaxDuration(final Duration duration) {
        return new GeneratorSettings(customers, seed, eventsPerSecond, maxEvents, duration, purchases, time, noise,
            firstCustomer);
    }

    public GeneratorSettings withPurchases(final PurchaseModel model) {
        return new GeneratorSettings(customers, seed, eventsPerSecond, maxEvents, maxDuration, model, time, noise,
            firstCustomer);
    }

    public GeneratorSettings withTime(final SimulatedTime simulatedTime) {
        return new GeneratorSettings(customers, seed, eventsPerSecond, maxEvents, maxDuration, purchases,
            simulatedTime, noise, firstCustomer);
    }

    public GeneratorSettings withNoise(final Noise mixedIn) {
        return new GeneratorSettings(customers, seed, eventsPerSecond, maxEvents, maxDuration, purchases, time,
            mixedIn, firstCustomer);
    }

    public GeneratorSettings withFirstCustomer(final int number) {
        return new GeneratorSettings(customers, seed, eventsPerSecond, maxEvents, maxDuration, purchases, time, noise,
            number);
    }
}
