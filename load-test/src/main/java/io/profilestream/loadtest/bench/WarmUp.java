package io.profilestream.loadtest.bench;

import java.time.Duration;
import java.time.Instant;

import io.profilestream.loadtest.EventGenerator;
import io.profilestream.loadtest.GeneratorSettings;
import io.profilestream.loadtest.Noise;
import io.profilestream.loadtest.Population;
import io.profilestream.loadtest.SimulatedTime;

/**
 * The warm-up input the bench pre-loads into the event topics before the measured input, so that every Streams
 * application, the engine in its own JVM included, has run its code on other records before it is timed.
 * It comes from another population: another seed, customers numbered after the measured population's (so no
 * customer has events in both), as many customers per event as the measured input.
 * Its simulated time ends just before the measured input's start: in event-time mode no measured event is late
 * against a warm-up event, and the warm-up's profiles come due for time-driven re-evaluation while the measured input's
 * time passes, as the measured input's own profiles do (a gap of months would make them all due at its first record).
 * Anonymous ids are 16 random hexadecimal digits drawn from each population's seed: two populations with a million
 * anonymous ids each share one with a probability of about 5 in 100 million.
 */
final class WarmUp {

    /** Added to the bench's seed for the warm-up population; the live runs use the seed plus 3 to 5. */
    static final long SEED_OFFSET = 6;
    /** Simulated time between the warm-up's last event and the measured input's first. */
    static final Duration GAP = Duration.ofMinutes(1);

    private WarmUp() {
    }

    /**
     * The generator settings of the warm-up input.
     * The warm-up's simulated span is found by replaying its events without I/O (the simulation does not depend on
     * where its time starts), then it is placed to end {@link #GAP} before {@code measuredStart}, and bounded there.
     *
     * @param events events of the warm-up, at least one
     * @param measuredEvents events of the measured input
     * @param measuredCustomers customers of the measured population (numbered from 1)
     * @param seed the measured population's seed
     * @param measuredStart the simulated start of the measured input
     */
    static GeneratorSettings settings(final long events,
                                      final long measuredEvents,
                                      final int measuredCustomers,
                                      final long seed,
                                      final Instant measuredStart) {
        if (events <= 0 || measuredEvents <= 0) {
            throw new IllegalArgumentException("A warm-up needs events, and a measured input to come before.");
        }
        final int customers = (int) Math.max(1, Math.round((double) measuredCustomers * events / measuredEvents));
        final GeneratorSettings placeless = new GeneratorSettings(customers, seed + SEED_OFFSET, 0, events,
            Duration.ZERO).withFirstCustomer(measuredCustomers + 1);
        final long spanMillis = spanMillis(placeless.population(), events);
        final Instant start = measuredStart.minus(GAP).minusMillis(spanMillis);
        final double days = (spanMillis + GAP.toMillis() / 2.0) / Duration.ofDays(1).toMillis();
        return placeless.withTime(SimulatedTime.simulated(start, 0, days));
    }

    /** Simulated milliseconds from the start to the {@code events}-th event (or to the last, if fewer come). */
    private static long spanMillis(final Population population, final long events) {
        final EventGenerator replay = EventGenerator.simulated(population, SimulatedTime.simulated(Instant.EPOCH, 0, 0),
            Noise.NONE);
        long replayed = 0;
        while (replayed < events && replay.next() != null) {
            replayed++;
        }
        return replay.simulatedNow().toEpochMilli();
    }
}
