package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.profilestream.embedded.EmbeddedKafkaBroker;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.EmailEventType;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.profile.SegmentChange;
import io.profilestream.registry.EmbeddedSchemaRegistry;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.TestNamespace;

/**
 * Outages of the services the engine needs, on a broker and registry of the test's own that it stops and starts
 * again: the engine stays alive, shows the outage on {@code /health/ready} and in metrics while it lasts, replaces a
 * stream thread that fails instead of losing it, and resumes by itself with nothing lost or applied twice.
 */
@Tag("integration")
class OutageIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @TempDir
    private Path directory;
    private EmbeddedKafkaBroker broker;
    private EmbeddedSchemaRegistry registry;
    private EngineHarness harness;

    @BeforeEach
    void start() {
        broker = EmbeddedKafkaBroker.start(directory.resolve("kafka"), 0);
        registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), 0);
        harness = new EngineHarness(new KafkaCluster(broker.bootstrapServers(), registry.url()),
            TestNamespace.create(directory, "outage"), Map.of("health.check.interval.ms", "500",
                "num.stream.threads", "1"));
        harness.startApp();
        await().atMost(WAIT).until(() -> harness.get("/health/ready").statusCode() == 200);
    }

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldRideOutASchemaRegistryOutageReplacingTheThreadThatNeededIt() {
        sendOrder("p1");
        awaitProfile(1, 0);
        // Registered now, read by the engine only during the outage: it must fetch the schema by id, and cannot.
        final byte[] email = harness.serdes.email().serialize(harness.topics.email(), EmailEvent.newBuilder()
            .setEventId("m1").setCustomerId("c1").setCampaignId("welcome").setType(EmailEventType.OPENED)
            .setTimestamp(NOW).build());
        final int port = registry.port();
        registry.close();

        awaitOutage("schema_registry");
        harness.send(harness.topics.email(), "c1", email);
        await().atMost(WAIT).untilAsserted(() -> assertThat(metric("profilestream_stream_thread_replacements_total"))
            .as("the thread that failed on the missing schema was replaced").isPositive());
        assertThat(harness.get("/health/live").statusCode()).isEqualTo(200);
        assertThat(harness.get("/health/ready").statusCode()).isEqualTo(503);

        registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), port);
        sendOrder("p2");
        awaitProfile(2, 1);
        awaitRecovered("schema_registry");
        assertExactlyOnce();
    }

    @Test
    void shouldRideOutABrokerRestart() {
        sendOrder("p1");
        awaitProfile(1, 0);
        final int port = broker.port();
        broker.close();

        awaitOutage("kafka");
        assertThat(harness.get("/health/live").statusCode()).isEqualTo(200);
        broker = EmbeddedKafkaBroker.start(directory.resolve("kafka"), port);
        sendOrder("p2");
        awaitProfile(2, 0);
        awaitRecovered("kafka");
        assertExactlyOnce();
    }

    private void awaitOutage(final String dependency) {
        await().atMost(WAIT).untilAsserted(() -> {
            final HttpResponse<String> ready = harness.get("/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(harness.json(ready.body()).path(dependency).asText()).isEqualTo("DOWN");
            assertThat(metric("profilestream_dependency_up{dependency=\"" + dependency + "\"}")).isZero();
        });
    }

    private void awaitRecovered(final String dependency) {
        await().atMost(WAIT).untilAsserted(() -> {
            final HttpResponse<String> ready = harness.get("/health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(harness.json(ready.body()).path(dependency).asText()).isEqualTo("UP");
            assertThat(metric("profilestream_dependency_up{dependency=\"" + dependency + "\"}")).isEqualTo(1);
        });
        assertThat(metric("profilestream_dependency_outages_total{dependency=\"" + dependency + "\"}")).isEqualTo(1);
        assertThat(metric("kafka_stream_alive_stream_threads")).as("no stream thread is lost").isEqualTo(1);
    }

    /** No segment change was published twice and the profile counts each event once. */
    private void assertExactlyOnce() {
        final List<SegmentChange> changes = harness.readAll(harness.topics.segmentChanges()).stream()
            .map(record -> harness.serdes.segmentChange().deserialize(record.value()))
            .collect(Collectors.toList());
        assertThat(changes).isNotEmpty();
        assertThat(changes.stream().map(SegmentChange::getEventId).distinct().count()).isEqualTo(changes.size());
    }

    private void awaitProfile(final long orders, final long opens) {
        await().atMost(WAIT).untilAsserted(() -> {
            final HttpResponse<String> response = harness.get("/api/v1/profiles/c1");
            assertThat(response.statusCode()).isEqualTo(200);
            final JsonNode profile = harness.json(response.body());
            assertThat(profile.at("/transactions/orders").asLong()).isEqualTo(orders);
            assertThat(profile.at("/email/opens").asLong()).isEqualTo(opens);
        });
    }

    private void sendOrder(final String eventId) {
        harness.send(harness.topics.purchases(), "c1", harness.serdes.purchase().serialize(harness.topics.purchases(),
            PurchaseEvent.newBuilder().setEventId(eventId).setOrderId("o-" + eventId).setCustomerId("c1")
                .setType(PurchaseType.ORDER).setTimestamp(NOW).setCurrency("USD").setTotalMinor(1_000)
                .setItems(List.of(LineItem.newBuilder().setSku("s").setCategory("books").setQuantity(1)
                    .setUnitPriceMinor(1_000).build())).build()));
    }

    /** The value of one series on {@code /metrics}, or -1 when it is not there. */
    private double metric(final String series) {
        return harness.get("/metrics").body().lines()
            .filter(line -> line.startsWith(series + " ") || line.startsWith(series + "{"))
            .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
            .sum();
    }
}
