package io.profilestream.app;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
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
import io.profilestream.config.Topics;
import io.profilestream.registry.RestSchemaRegistryClient;
import io.profilestream.serde.EngineSerdes;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.TestNamespace;

/**
 * The engine for integration tests, on a cluster and registry that the test shares with others, under the test's own
 * application id, topics and state directory.
 * Closing stops the engine and the harness's producer; the cluster keeps running.
 */
final class EngineHarness implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final String bootstrapServers;
    final String registryUrl;
    final EngineSerdes serdes;
    final Topics topics;
    final ProfileStreamConfig config;
    final KafkaProducer<String, byte[]> producer;
    private final Map<String, String> clientSettings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ProfileStreamApp app;

    /**
     * Configures the engine for one test on a cluster; the app is not started yet.
     *
     * @param cluster the cluster and registry
     * @param namespace the test's application id, topics and state directory
     * @param overrides engine settings of this test, applied last
     */
    EngineHarness(final KafkaCluster cluster,
                  final TestNamespace namespace,
                  final Map<String, String> overrides) {
        this.bootstrapServers = cluster.bootstrapServers();
        this.registryUrl = cluster.registryUrl();
        this.clientSettings = cluster.clientSettings();
        serdes = new EngineSerdes(new RestSchemaRegistryClient(registryUrl), 262_144);
        final Map<String, String> settings = new HashMap<>(namespace.settings());
        settings.putAll(clientSettings);
        settings.put("bootstrap.servers", bootstrapServers);
        settings.put("schema.registry.url", registryUrl);
        settings.put("http.host", "127.0.0.1");
        settings.put("http.port", "0");
        settings.put("topics.partitions", "2");
        settings.put("currency.rates", "EUR:1.10");
        settings.putAll(overrides);
        config = ProfileStreamConfig.of(settings);
        topics = Topics.from(config);
        final Properties producerConfig = new Properties();
        producerConfig.putAll(clientSettings);
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
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

    /** A GET with the configured read key, or the admin key when only that is set. */
    HttpResponse<String> get(final String path) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + app.httpPort() + path)).timeout(Duration.ofSeconds(10)).GET();
        final String key = config.get("api.read.key", config.get("api.key", null));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (final HttpTimeoutException e) {
            // The engine runs in this JVM: what its threads were doing is the finding, so keep it with the failure.
            printThreads("GET " + path + " did not answer within the request timeout.");
            throw new IllegalStateException("HTTP call timed out: GET " + path + ".", e);
        } catch (final IOException e) {
            throw new IllegalStateException("HTTP call failed.", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Prints every thread of this JVM with its whole stack and what it waits for (ThreadInfo cuts stacks at 8). */
    private static void printThreads(final String why) {
        final StringBuilder dump = new StringBuilder(why).append(" Threads:\n");
        for (final ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            dump.append('"').append(thread.getThreadName()).append("\" ").append(thread.getThreadState());
            if (thread.getLockName() != null) {
                dump.append(" on ").append(thread.getLockName()).append(" owned by ").append(thread.getLockOwnerName());
            }
            dump.append('\n');
            for (final StackTraceElement frame : thread.getStackTrace()) {
                dump.append("\tat ").append(frame).append('\n');
            }
        }
        System.out.print(dump);
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
        props.putAll(clientSettings);
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
        try {
            stopApp();
        } finally {
            producer.close();
        }
    }
}
