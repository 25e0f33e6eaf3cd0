package io.profilestream.loadtest.bench;

import java.time.Duration;

import io.profilestream.config.Topics;
import io.profilestream.loadtest.GeneratorSettings;

/**
 * Where live events go: the bench's broker, registry and topics.
 *
 * @param servers the broker's bootstrap servers
 * @param registryUrl the schema registry
 * @param topics the engine's topics
 */
record Live(String servers, String registryUrl, Topics topics) {

    /**
     * A live generator (wall-clock event times) of the bench's population at a rate, for a time.
     *
     * @param options the bench's options (population size)
     * @param seed the seed of this run's events, distinct from the pre-loaded ones and the other live runs
     * @param eventsPerSecond the rate, at least one event a second
     * @param seconds how long it runs
     */
    GeneratorSettings settings(final Bench.Options options,
                               final long seed,
                               final double eventsPerSecond,
                               final long seconds) {
        return new GeneratorSettings(options.customers(), seed, Math.max(1, eventsPerSecond), 0,
            Duration.ofSeconds(seconds));
    }
}
