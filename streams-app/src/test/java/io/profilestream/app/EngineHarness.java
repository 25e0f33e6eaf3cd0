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
import io.profilestream.topology.Topics;

/**
 * A real broker, the embedded registry and the engine for integration tests; each harness has its own application
 * id, topics and state directory.
 */
final class EngineHarness implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final EmbeddedKafkaBroker broker;
    final EmbeddedSchemaRegistry registry;
    final EngineSerdes serdes;
    final Topics topics;
    final ProfileStreamConfig config;
    final KafkaProducer<String, byte[]> producer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ProfileStreamApp app;

    EngineHarness(final Path dir, final Map<String, String> overrides) {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
        registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), 0);
        serdes = new EngineSerdes(new RestSchemaRegistryClient(registry.url()), 262_144);
        final Map<String, String> settings = new HashMap<>();
        settings.put("application.id", "it-" + UUID.randomUUID());
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("http.host", "127.0.0.1");
        settings.put("http.port", "0");
        settings.put("topics.partitions", "2");
        settings.put("work.dir", dir.resolve("work").toString());
        settings.put("currency.rates", "EUR:1.10");
        settings.putAll(overrides);
        config = ProfileStreamConfig.of(settings);
        topics = Topics.from(config);
        final Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
    }

    ProfileStreamApp startApp() {
        app = ProfileStreamApp.start(config, new RestSchemaRegistryClient(registry.url()));
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
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
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
        registry.close();
        broker.close();
    }
}
