package io.profilestream.loadtest;

import java.time.Clock;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * What the parts of one simulated run share: the population, the random stream every decision is drawn from, the
 * agenda, the visitors' states, and how events get their ids and timestamps.
 *
 * <p>In simulated mode an event carries the simulated time of the happening that yields it; live, it carries the
 * clock's time when it is built.
 * Instances are not safe for concurrent use.
 */
final class SimulationContext {

    private final Population population;
    private final SplittableRandom random;
    private final Agenda agenda;
    private final VisitorStates states;
    private final Clock clock;
    private final long startMillis;

    /**
     * A context.
     *
     * @param population who browses, buys and reads email
     * @param random the stream every decision is drawn from
     * @param clock where live timestamps come from, or {@code null} for simulated timestamps
     * @param startMillis the simulated start in milliseconds since the epoch (0 live)
     */
    SimulationContext(final Population population,
                      final SplittableRandom random,
                      final Clock clock,
                      final long startMillis) {
        this.population = population;
        this.random = random;
        this.agenda = new Agenda();
        this.states = new VisitorStates(population);
        this.clock = clock;
        this.startMillis = startMillis;
    }

    Population population() {
        return population;
    }

    Catalogue catalogue() {
        return population.catalogue();
    }

    SplittableRandom random() {
        return random;
    }

    Agenda agenda() {
        return agenda;
    }

    VisitorStates states() {
        return states;
    }

    /** The simulated time of the latest happening, in milliseconds from the start. */
    long now() {
        return agenda.now();
    }

    void schedule(final long at, final Agenda.Step step) {
        agenda.schedule(at, step);
    }

    /** The simulated time of the latest happening, as an instant (live: counted from the epoch). */
    Instant simulatedNow() {
        return Instant.ofEpochMilli(startMillis + agenda.now());
    }

    /** The timestamp of an event built now; reads the clock once when live. */
    Instant stamp() {
        return Instant.ofEpochMilli(clock != null ? clock.millis() : startMillis + agenda.now());
    }

    /** A new event id, drawn from the random stream. */
    String eventId() {
        return Sampling.uuid(random).toString();
    }
}
