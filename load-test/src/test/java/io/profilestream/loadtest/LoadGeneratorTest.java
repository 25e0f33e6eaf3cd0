package io.profilestream.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.config.Topics;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.registry.InMemorySchemaRegistryClient;
import io.profilestream.serde.EngineSerdes;

class LoadGeneratorTest {

    private static final Topics TOPICS = Topics.from(ProfileStreamConfig.of(Map.of()));
    private static final GeneratorSettings SETTINGS = GeneratorSettings.defaults(21)
        .withCustomers(300)
        .withEventsPerSecond(0);

    private final EngineSerdes serdes = new EngineSerdes(new InMemorySchemaRegistryClient(), Integer.MAX_VALUE);

    @Test
    void shouldStopAtTheEventLimitAndCloseTheProducer() throws InterruptedException {
        final MockProducer<String, byte[]> producer = mockProducer();

        try (LoadGenerator generator = start(producer, SETTINGS.withMaxEvents(300))) {
            final EventProducer.Stats stats = generator.awaitCompletion();

            assertThat(stats.generated()).isEqualTo(300);
            assertThat(stats.acknowledged()).isEqualTo(300);
            assertThat(generator.isRunning()).isFalse();
            assertThat(producer.closed()).isTrue();
        }
    }

    @Test
    void shouldStopFlushAndCloseTheProducerOnClose() {
        final MockProducer<String, byte[]> producer = mockProducer();
        final LoadGenerator generator = start(producer, SETTINGS);
        await().atMost(Duration.ofSeconds(30)).until(() -> generator.stats().sent() > 1_000);

        generator.close();

        assertThat(generator.isRunning()).isFalse();
        assertThat(producer.closed()).isTrue();
        assertThat(generator.stats().acknowledged()).isEqualTo(generator.stats().sent());
        assertThat(generator.stats().errors()).isZero();
    }

    @Test
    void shouldReportWhyGenerationCouldNotStart() {
        final MockProducer<String, byte[]> producer = mockProducer();
        producer.partitionsForException = new TimeoutException("Topic not present in metadata after 60000 ms.");

        try (LoadGenerator generator = start(producer, SETTINGS)) {
            assertThatThrownBy(generator::awaitCompletion)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not available");
            assertThat(producer.closed()).isTrue();
        }
    }

    @Test
    void shouldNameSampleCustomersWhoseOrdersArriveFirst() throws InterruptedException {
        final MockProducer<String, byte[]> producer = mockProducer();
        try (LoadGenerator generator = start(producer, SETTINGS.withMaxEvents(20_000))) {
            final List<String> sample = generator.sampleCustomerIds(5);
            generator.awaitCompletion();

            final Set<String> firstBuyers = new LinkedHashSet<>();
            for (final ProducerRecord<String, byte[]> record : producer.history()) {
                if (record.topic().equals(TOPICS.purchases()) && firstBuyers.size() < 5) {
                    final PurchaseEvent purchase = serdes.purchase().deserialize(record.value());
                    if (purchase.getType() == PurchaseType.ORDER) {
                        firstBuyers.add(purchase.getCustomerId());
                    }
                }
            }
            assertThat(sample).hasSize(5).containsExactlyElementsOf(firstBuyers);
        }
    }

    @Test
    void shouldRunASimulationToItsEndAndCountTheNoise() throws InterruptedException {
        final MockProducer<String, byte[]> producer = mockProducer();
        final SimulatedTime time = SimulatedTime.simulated(Instant.parse("2025-01-01T00:00:00Z"), 0, 10);
        final GeneratorSettings settings = SETTINGS.withTime(time).withNoise(new Noise(0.01, 0.01, 0.01));

        try (LoadGenerator generator = start(producer, settings)) {
            final List<String> sample = generator.sampleCustomerIds(3);
            final EventProducer.Stats stats = generator.awaitCompletion();

            final EventGenerator.Counts counts = generator.generatorCounts();
            assertThat(stats.generated()).isEqualTo(counts.delivered()).isEqualTo(producer.history().size());
            assertThat(counts.malformed()).isPositive();
            assertThat(producer.history()).allMatch(record -> record.timestamp() == null);
            assertThat(sample).hasSize(3).allMatch(id -> id.startsWith("c-"));
        }
    }

    @Test
    void shouldConfigureAnIdempotentProducerAcknowledgedByAllReplicas() {
        final Map<String, Object> config = LoadGenerator.producerConfig("127.0.0.1:9");

        assertThat(config)
            .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9")
            .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
            .containsEntry(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
            assertThat(producer.metrics()).isNotEmpty();
        }
    }

    private LoadGenerator start(final MockProducer<String, byte[]> producer, final GeneratorSettings settings) {
        return LoadGenerator.start(producer, serdes, TOPICS, settings, Clock.systemUTC(), line -> { });
    }

    /**
     * A producer that completes sends only when flushed, so acknowledgements prove the flush.
     */
    private static MockProducer<String, byte[]> mockProducer() {
        return new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    }
}
