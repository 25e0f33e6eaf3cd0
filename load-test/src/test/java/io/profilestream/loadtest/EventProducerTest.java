package io.profilestream.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.config.Topics;
import io.profilestream.registry.InMemorySchemaRegistryClient;
import io.profilestream.registry.SchemaRegistryClient;
import io.profilestream.registry.SchemaRegistryException;
import io.profilestream.serde.EngineSerdes;
import io.profilestream.serde.RegistryAvroSerde;

class EventProducerTest {

    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final Topics TOPICS = Topics.from(ProfileStreamConfig.of(Map.of()));
    private static final GeneratorSettings UNLIMITED = GeneratorSettings.defaults(11)
        .withCustomers(200)
        .withEventsPerSecond(0);

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final List<String> progress = new CopyOnWriteArrayList<>();

    @Test
    void shouldSendValuesThatDecodeWithTheEngineSerdes() {
        final MockProducer<String, byte[]> producer = mockProducer();
        final EventProducer runner = runner(producer, UNLIMITED.withMaxEvents(2_000), generator(), System::nanoTime);

        final EventProducer.Stats stats = runner.run();

        final EventGenerator expected = generator();
        final EngineSerdes reader = new EngineSerdes(registry, Integer.MAX_VALUE);
        assertThat(stats.generated()).isEqualTo(2_000);
        assertThat(stats.sent()).isEqualTo(2_000);
        assertThat(stats.acknowledged()).isEqualTo(2_000);
        assertThat(stats.errors()).isZero();
        assertThat(producer.flushed()).isTrue();
        assertThat(producer.history()).hasSize(2_000);
        for (final ProducerRecord<String, byte[]> record : producer.history()) {
            final GeneratedEvent event = expected.next();
            assertThat(record.topic()).isEqualTo(TOPICS.of(event.kind()));
            assertThat(record.key()).isEqualTo(event.key());
            assertThat(record.timestamp()).isEqualTo(event.timestamp().toEpochMilli());
            final Object decoded = switch (event.kind()) {
                case CLICK -> reader.click().deserialize(record.value());
                case PURCHASE -> reader.purchase().deserialize(record.value());
                case EMAIL -> reader.email().deserialize(record.value());
                default -> throw new AssertionError("The generator produced a " + event.kind() + " event.");
            };
            assertThat(decoded).isEqualTo(event.value());
        }
        for (final String topic : List.of(TOPICS.clickstream(), TOPICS.purchases(), TOPICS.email())) {
            assertThat(registry.getLatest(RegistryAvroSerde.subject(topic)).version()).isEqualTo(1);
        }
    }

    @Test
    void shouldStopWhenTheSimulationEndsAndSendMalformedRecordsAsTheyAre() {
        final MockProducer<String, byte[]> producer = mockProducer();
        final SimulatedTime time = SimulatedTime.simulated(START, 0, 3);
        final Noise noise = new Noise(0.02, 0.02, 0.1);
        final Population population = Population.generate(UNLIMITED.customers(), UNLIMITED.seed());
        final List<GeneratedEvent> expected = SimulationTest.drain(EventGenerator.simulated(population, time, noise));
        final GeneratorSettings settings = UNLIMITED.withTime(time).withNoise(noise);

        final EventProducer.Stats stats = runner(producer, settings, EventGenerator.simulated(population, time, noise),
            System::nanoTime).run();

        assertThat(stats.generated()).isEqualTo(expected.size());
        assertThat(stats.errors()).isZero();
        assertThat(producer.history()).hasSize(expected.size());
        assertThat(expected).anyMatch(event -> event.defect() == Defect.GARBAGE_BYTES);
        for (int i = 0; i < expected.size(); i++) {
            final GeneratedEvent event = expected.get(i);
            final ProducerRecord<String, byte[]> record = producer.history().get(i);
            assertThat(record.topic()).isEqualTo(TOPICS.of(event.kind()));
            assertThat(record.key()).isEqualTo(event.key());
            assertThat(record.timestamp()).as("left to the producer: brokers refuse or expire simulated times")
                .isNull();
            if (event.value() == null) {
                assertThat(record.value()).isEqualTo(event.rawValue());
            }
        }
        assertThat(progress.get(progress.size() - 1)).startsWith("Done: " + expected.size() + " events");
    }

    @Test
    void shouldHoldEachEventUntilTheSimulatedClockReachesIt() {
        final FakeNanoClock nanos = new FakeNanoClock(TimeUnit.MILLISECONDS.toNanos(10));
        final SimulatedTime time = SimulatedTime.simulated(START, 86_400, 3);
        final GeneratorSettings settings = UNLIMITED.withTime(time);
        final Population population = Population.generate(UNLIMITED.customers(), UNLIMITED.seed());
        final EventGenerator source = EventGenerator.simulated(population, time, Noise.NONE);

        final EventProducer.Stats stats = runner(mockProducer(), settings, source, nanos).run();

        final Instant last = source.simulatedNow();
        final long lastDueNanos = Duration.between(START, last).toNanos() / 86_400;
        assertThat(last).isAfter(START.plus(Duration.ofDays(2)));
        assertThat(stats.generated()).isPositive();
        assertThat(stats.elapsed().toNanos()).isGreaterThanOrEqualTo(lastDueNanos);
        assertThat(progress.subList(0, progress.size() - 1))
            .isNotEmpty()
            .allSatisfy(line -> assertThat(line).contains(", simulated time 2026-03-0"));
    }

    @Test
    void shouldCountFailuresReportedToTheCallback() {
        final FailingEveryTenth producer = new FailingEveryTenth();

        final EventProducer.Stats stats = runner(producer, UNLIMITED.withMaxEvents(500), generator(), System::nanoTime)
            .run();

        assertThat(stats.sent()).isEqualTo(500);
        assertThat(stats.errors()).isEqualTo(50);
        assertThat(stats.acknowledged()).isEqualTo(450);
        assertThat(progress.get(progress.size() - 1)).contains("450 acknowledged", "50 errors");
    }

    @Test
    void shouldCountFailuresToSerializeWhenTheRegistryIsDown() {
        final MockProducer<String, byte[]> producer = mockProducer();
        final EngineSerdes serdes = new EngineSerdes(new UnreachableRegistry(), Integer.MAX_VALUE);
        final EventProducer runner = new EventProducer(producer, serdes, TOPICS, generator(),
            UNLIMITED.withMaxEvents(100), progress::add);

        final EventProducer.Stats stats = runner.run();

        assertThat(stats.generated()).isEqualTo(100);
        assertThat(stats.sent()).isZero();
        assertThat(stats.errors()).isEqualTo(100);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldCountFailuresThrownBySend() {
        final MockProducer<String, byte[]> producer = mockProducer();
        producer.sendException = new TimeoutException("The buffer stayed full.");

        final EventProducer.Stats stats = runner(producer, UNLIMITED.withMaxEvents(20), generator(), System::nanoTime)
            .run();

        assertThat(stats.sent()).isZero();
        assertThat(stats.errors()).isEqualTo(20);
    }

    @Test
    void shouldFailFastWhenATopicIsNotAvailable() {
        final MockProducer<String, byte[]> producer = mockProducer();
        producer.partitionsForException = new TimeoutException("Topic not present in metadata after 60000 ms.");
        final EventProducer runner = runner(producer, UNLIMITED, generator(), System::nanoTime);

        assertThatThrownBy(runner::run)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("Topic " + TOPICS.clickstream() + " is not available");
        assertThat(producer.history()).isEmpty();
        assertThat(progress.get(progress.size() - 1)).startsWith("Done: 0 events");
    }

    @Test
    void shouldReportProgressOncePerSecond() {
        final FakeNanoClock nanos = new FakeNanoClock(TimeUnit.MILLISECONDS.toNanos(1));
        final EventProducer runner = runner(mockProducer(), UNLIMITED.withMaxEvents(3_000), generator(), nanos);

        runner.run();

        final List<String> lines = List.copyOf(progress);
        final long seconds = TimeUnit.NANOSECONDS.toSeconds(nanos.now());
        assertThat(lines.subList(0, lines.size() - 1))
            .hasSizeBetween((int) seconds - 1, (int) seconds)
            .allSatisfy(line -> assertThat(line)
                .matches("\\d+\\.\\d events/s, \\d+ total, \\d+ acknowledged, 0 errors\\."));
        assertThat(lines.get(lines.size() - 1)).startsWith("Done: 3000 events");
    }

    @Test
    void shouldStopWhenTheDurationIsUp() {
        final FakeNanoClock nanos = new FakeNanoClock(TimeUnit.MILLISECONDS.toNanos(1));
        final EventProducer runner = runner(mockProducer(), UNLIMITED.withMaxDuration(Duration.ofSeconds(2)),
            generator(), nanos);

        final EventProducer.Stats stats = runner.run();

        assertThat(stats.generated()).isPositive();
        assertThat(stats.elapsed()).isBetween(Duration.ofSeconds(2), Duration.ofMillis(2_010));
    }

    @Test
    void shouldStopAndFlushOnClose() throws Exception {
        final MockProducer<String, byte[]> producer = mockProducer();
        final EventProducer runner = runner(producer, UNLIMITED, generator(), System::nanoTime);
        final CompletableFuture<EventProducer.Stats> run = CompletableFuture.supplyAsync(runner::run);
        await().atMost(Duration.ofSeconds(30)).until(() -> runner.stats().sent() > 1_000);

        runner.close();

        final EventProducer.Stats stats = run.get(30, TimeUnit.SECONDS);
        assertThat(stats.errors()).isZero();
        assertThat(stats.acknowledged()).isEqualTo(stats.sent());
        assertThat(producer.flushed()).isTrue();
        assertThat(progress.get(progress.size() - 1)).startsWith("Done: ");
    }

    @Test
    void shouldStopAndFlushWhenInterrupted() throws Exception {
        final MockProducer<String, byte[]> producer = mockProducer();
        final EventProducer runner = runner(producer, UNLIMITED.withEventsPerSecond(50), generator(), System::nanoTime);
        final Thread thread = new Thread(runner::run, "event-producer-test");
        thread.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> runner.stats().sent() > 0);

        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(thread.isAlive()).isFalse();
        assertThat(producer.flushed()).isTrue();
        assertThat(runner.stats().errors()).isZero();
    }

    private EventGenerator generator() {
        return new EventGenerator(Population.generate(UNLIMITED.customers(), UNLIMITED.seed()),
            Clock.fixed(START, ZoneOffset.UTC));
    }

    private EventProducer runner(final MockProducer<String, byte[]> producer,
                                 final GeneratorSettings settings,
                                 final EventSource source,
                                 final LongSupplier nanoClock) {
        return new EventProducer(producer, new EngineSerdes(registry, Integer.MAX_VALUE), TOPICS, source, settings,
            progress::add, nanoClock);
    }

    /**
     * A producer that completes sends only when flushed, so acknowledgements prove the flush.
     */
    private static MockProducer<String, byte[]> mockProducer() {
        return new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * A clock for the run loop that moves forward a fixed step every time it is read.
     */
    private static final class FakeNanoClock implements LongSupplier {
        private final long step;
        private final AtomicLong nanos = new AtomicLong(-5_000_000_000L);

        private FakeNanoClock(final long step) {
            this.step = step;
        }

        long now() {
            return nanos.get() + 5_000_000_000L;
        }

        @Override
        public long getAsLong() {
            return nanos.getAndAdd(step);
        }
    }

    /**
     * Completes every send at once, failing every tenth through its callback.
     */
    private static final class FailingEveryTenth extends MockProducer<String, byte[]> {
        private int sends;

        private FailingEveryTenth() {
            super(false, null, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(final ProducerRecord<String, byte[]> record,
                                                        final Callback callback) {
            final Future<RecordMetadata> future = super.send(record, callback);
            if (++sends % 10 == 0) {
                errorNext(new TimeoutException("The broker did not answer in time."));
            } else {
                completeNext();
            }
            return future;
        }
    }

    /**
     * A registry that cannot be reached.
     */
    private static final class UnreachableRegistry implements SchemaRegistryClient {
        @Override
        public int register(final String subject, final Schema schema) {
            throw new SchemaRegistryException("The schema registry cannot be reached.", null);
        }

        @Override
        public Schema getSchemaById(final int id) {
            throw new SchemaRegistryException("The schema registry cannot be reached.", null);
        }

        @Override
        public RegisteredSchema getLatest(final String subject) {
            throw new SchemaRegistryException("The schema registry cannot be reached.", null);
        }

        @Override
        public boolean testCompatibility(final String subject, final Schema schema) {
            throw new SchemaRegistryException("The schema registry cannot be reached.", null);
        }
    }
}
