package io.profilestream.loadtest;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.config.Topics;
import io.profilestream.registry.SchemaRegistryClient;
import io.profilestream.serde.EngineSerdes;

/**
 * Synthetic traffic running in a background thread: a population, its event generator and a producer.
 * The {@code generate} command and the demo both start it here; {@link #close()} stops it, flushes and closes the
 * producer.
 */
public final class LoadGenerator implements AutoCloseable {

    /** How many events {@link #sampleCustomerIds(int)} replays at most. */
    static final int SAMPLE_REPLAY_EVENTS = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
    private static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final Population population;
    private final SimulatedTime time;
    private final EventGenerator generator;
    private final EventProducer runner;
    private final Thread thread;
    private volatile EventProducer.Stats result;
    private volatile RuntimeException failure;

    private LoadGenerator(final EventGenerator generator,
                          final SimulatedTime time,
                          final Producer<String, byte[]> producer,
                          final EventProducer runner) {
        this.population = generator.population();
        this.time = time;
        this.generator = generator;
        this.runner = runner;
        this.thread = new Thread(() -> runAndClose(producer), "profilestream-load-generator");
        this.thread.setDaemon(true);
    }

    /**
     * Starts producing events in a background thread: live (timestamps from the system clock) or simulated, as the
     * settings say.
     *
     * @param bootstrapServers the Kafka cluster
     * @param registry the schema registry client the values' schemas are registered with
     * @param topics where clicks, purchases and email events go
     * @param settings population, rate and limits
     * @param progress receives a progress line every second and a summary at the end (from the background thread)
     */
    public static LoadGenerator start(final String bootstrapServers,
                                      final SchemaRegistryClient registry,
                                      final Topics topics,
                                      final GeneratorSettings settings,
                                      final Consumer<String> progress) {
        final int maxRecordBytes = ProfileStreamConfig.of(Map.of()).getInt("validation.max.record.bytes");
        return start(new KafkaProducer<>(producerConfig(bootstrapServers)), new EngineSerdes(registry, maxRecordBytes),
            topics, settings, Clock.systemUTC(), progress);
    }

    static LoadGenerator start(final Producer<String, byte[]> producer,
                               final EngineSerdes serdes,
                               final Topics topics,
                               final GeneratorSettings settings,
                               final Clock clock,
                               final Consumer<String> progress) {
        final EventGenerator generator = new EventGenerator(settings.population(), clock, settings.time(),
            settings.noise());
        final LoadGenerator loadGenerator = new LoadGenerator(generator, settings.time(), producer,
            new EventProducer(producer, serdes, topics, generator, settings, progress));
        loadGenerator.thread.start();
        final String pace;
        if (settings.time().speedup() > 0) {
            pace = settings.time().speedup() + " times real time";
        } else {
            pace = settings.eventsPerSecond() == 0 ? "full speed" : settings.eventsPerSecond() + " events/s";
        }
        LOG.info("The load generator started with {} customers at {}, {}.", settings.customers(), pace,
            settings.time().isLive() ? "live" : "simulated from " + settings.time().start());
        return loadGenerator;
    }

    /**
     * The producer settings: idempotent, acknowledged by all in-sync replicas, string keys and byte-array values.
     */
    public static Map<String, Object> producerConfig(final String bootstrapServers) {
        return Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers, "bootstrapServers"),
            ProducerConfig.CLIENT_ID_CONFIG, "profilestream-load-generator",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, 5,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    }

    /**
     * Customers whose profiles will soon exist and hold an order: the first to order in this run's event stream.
     * Computed by replaying the stream from the seed, so it costs no I/O and does not disturb the running generator.
     */
    public List<String> sampleCustomerIds(final int count) {
        return EventGenerator.firstActiveCustomers(population, time, count, SAMPLE_REPLAY_EVENTS);
    }

    public Population population() {
        return population;
    }

    /**
     * How many of the generated records were late, duplicated or malformed; exact once generation has ended
     * ({@link #awaitCompletion()}), not to be read while it runs.
     */
    public EventGenerator.Counts generatorCounts() {
        if (thread.isAlive()) {
            throw new IllegalStateException("The generator's counts can be read once generation has ended.");
        }
        return generator.counts();
    }

    /** The counts so far. */
    public EventProducer.Stats stats() {
        return result != null ? result : runner.stats();
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    /**
     * Waits until generation ends (a limit was reached, or {@link #close()} was called) and returns the final counts.
     *
     * @throws IllegalStateException when generation stopped on an error (for example a missing topic), with its message
     */
    public EventProducer.Stats awaitCompletion() throws InterruptedException {
        thread.join();
        return outcome();
    }

    /**
     * Waits at most the given time for generation to end; returns whether it has.
     */
    public boolean awaitCompletion(final Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    /**
     * Stops generating, flushes what was sent, closes the producer and waits for the background thread.
     */
    @Override
    public void close() {
        runner.close();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(PRODUCER_CLOSE_TIMEOUT.toSeconds() + 5));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("The load generator thread did not stop in time.");
        }
    }

    private EventProducer.Stats outcome() {
        if (failure != null) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        return stats();
    }

    private void runAndClose(final Producer<String, byte[]> producer) {
        try {
            result = runner.run();
        } catch (final RuntimeException e) {
            failure = e;
            LOG.error("The load generator stopped on an error.", e);
        } finally {
            try {
                producer.close(PRODUCER_CLOSE_TIMEOUT);
            } catch (final RuntimeException e) {
                LOG.warn("Closing the producer failed.", e);
            }
        }
    }
}
