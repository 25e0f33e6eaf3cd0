package io.profilestream.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.embedded.EmbeddedKafkaBroker;
import io.profilestream.registry.EmbeddedSchemaRegistry;
import io.profilestream.registry.RestSchemaRegistryClient;
import io.profilestream.serde.EngineSerdes;
import io.profilestream.config.Topics;

/**
 * A Kafka cluster, a schema registry and the engine for integration tests; each harness has its own application id,
 * topics and state directory.
 * The cluster is either an embedded broker with the embedded registry that the harness starts and stops, or one
 * that runs elsewhere (containers, say), which the harness only connects to.
 */
final class EngineHarness implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The embedded broker this harness started, or null when it runs against an external cluster. */
    final EmbeddedKafkaBroker broker;
    /** The embedded registry this harness started, or null when it runs against an external registry. */
    final EmbeddedSchemaRegistry registry;
    final String bootstrapServers;
    final String registryUrl;
    final EngineSerdes serdes;
    final Topics topics;
    final ProfileStreamConfig config;
    final KafkaProducer<String, byte[]> producer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ProfileStreamApp app;

    /**
     * Starts an embedded broker and the embedded registry of its own, under {@code dir}, closed with the harness.
     */
    EngineHarness(final Path dir,
                  final Map<String, String> overrides) {
        this(dir, EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0), overrides);
    }

    /**
     * Connects to a cluster and a registry that run elsewhere; closing the harness leaves them running.
     */
    EngineHarness(final Path dir,
                  final String bootstrapServers,
                  final String registryUrl,
                  final Map<String, String> overrides) {
        this(dir, null, null, bootstrapServers, registryUrl, overrides);
    }

    private EngineHarness(final Path dir,
                          final EmbeddedKafkaBroker broker,
                          final Map<String, String> overrides) {
        this(dir, broker, startRegistry(broker), overrides);
    }

    private EngineHarness(final Path dir,
                          final EmbeddedKafkaBroker broker,
                          final EmbeddedSchemaRegistry registry,
                          final Map<String, String> overrides) {
        this(dir, broker, registry, broker.bootstrapServers(), registry.url(), overrides);
    }

    private EngineHarness(final Path dir,
                          final EmbeddedKafkaBroker broker,
                          final EmbeddedSchemaRegistry registry,
                          final String bootstrapServers,
                          final String registryUrl,
                          final Map<String, String> overrides) {
        this.broker = broker;
        this.registry = registry;
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        serdes = new EngineSerdes(new RestSchemaRegistryClient(registryUrl), 262_144);
        final Map<String, String> settings = new HashMap<>();
        settings.put("application.id", "it-" + UUID.randomUUID());
        settings.put("bootstrap.servers", bootstrapServers);
        settings.put("schema.registry.url", registryUrl);
        settings.put("http.host", "127.0.0.1");
        settings.put("http.port", "0");
        settings.put("topics.partitions", "2");
        settings.put("work.dir", dir.resolve("work").toString());
        settings.put("currency.rates", "EUR:1.10");
        settings.putAll(overrides);
        config = ProfileStreamConfig.of(settings);
        topics = Topics.from(config);
        final Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
    }

    private static EmbeddedSchemaRegistry startRegistry(final EmbeddedKafkaBroker broker) {
        try {
            return EmbeddedSchemaRegistry.start(broker.bootstrapServers(), 0);
        } catch (final RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    ProfileStreamApp startApp() {
        app = ProfileStreamApp.start(config, new RestSchemaRegistryClient(registryUrl));
        return app;
    }

    void send(final String topic, final String key, final byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (final Exception e) {
            throw new IllegalStateException("Could not produce a test record.", e);
        }
    }

    HttpResponse<String> get(final String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (final IOException e) {
            throw new IllegalStateException("HTTP call failed.", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode json(final String body) {
        try {
            return JSON.readTree(body);
        } catch (final IOException e) {
            throw new IllegalStateException("Not JSON: " + body, e);
        }
    }

    /** Reads every committed record of a topic from the beginning until none arrives for a moment. */
    List<ConsumerRecord<String, byte[]>> readAll(final String topic) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
            new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            int emptyPolls = 0;
            while (emptyPolls < 3) {
                final var batch = consumer.poll(Duration.ofMillis(500));
                if (batch.isEmpty() && !consumer.assignment().isEmpty()) {
                    emptyPolls++;
                }
                batch.forEach(records::add);
            }
        }
        return records;
    }

    void stopApp() {
        if (app != null) {
            app.close();
            app = null;
        }
    }

    @Override
    public void close() {
        stopApp();
        producer.close();
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
