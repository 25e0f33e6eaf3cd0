package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.profilestream.config.Topics;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.Device;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.EmailEventType;
import io.profilestream.events.ErasureRequest;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;
import io.profilestream.testing.TestNamespace;
import io.profilestream.topology.DeadLetterQueueHandler;

/**
 * The engine end to end on a real broker and a real schema registry with exactly-once processing: Avro events in,
 * profiles out on {@code profile-updates} and over HTTP, bad records in the dead-letter queue, state kept across
 * a restart, and every topic of {@link Topics} provisioned as designed (co-partitioned, compacted, append-time).
 * Subclasses say where the broker and the registry come from by registering a {@link KafkaClusterExtension}; the
 * assertions are the same for every kind of cluster, and every test has its own application id, topics and state
 * directory on it.
 */
@Tag("integration")
abstract class AbstractProfileStreamIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private EngineHarness harness;

    @BeforeEach
    void start(final KafkaCluster cluster,
               final TestNamespace namespace) {
        harness = new EngineHarness(cluster, namespace, Map.of());
        harness.startApp();
    }

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void shouldBuildLiveProfilesFromAllThreeStreamsAndServeThem() {
        assertThat(harness.app.streams().metadataForLocalThreads()).isNotEmpty();
        sendClick("k1", "anon-1", "c1", ClickType.LOGIN);
        sendClick("k2", "anon-1", "c1", ClickType.PRODUCT_VIEW);
        sendClick("k3", "anon-2", null, ClickType.PAGE_VIEW);
        sendOrder("p1", "c1", 4_500, "USD");
        sendOrder("p2", "c1", 1_000, "EUR");
        sendEmail("m1", "c1", EmailEventType.OPENED);

        await().atMost(WAIT).untilAsserted(() -> {
            final HttpResponse<String> response = harness.get("/api/v1/profiles/c1");
            assertThat(response.statusCode()).isEqualTo(200);
            final JsonNode profile = harness.json(response.body());
            assertThat(profile.at("/behaviour/logins").asLong()).isEqualTo(1);
            assertThat(profile.at("/behaviour/productViews").asLong()).isEqualTo(1);
            assertThat(profile.at("/transactions/orders").asLong()).isEqualTo(2);
            assertThat(profile.at("/transactions/revenueMinor").asLong()).isEqualTo(4_500 + 1_100);
            assertThat(profile.at("/email/opens").asLong()).isEqualTo(1);
            assertThat(profile.at("/identity/anonymousIds/0").asText()).isEqualTo("anon-1");
        });
        await().atMost(WAIT).untilAsserted(() ->
            assertThat(harness.get("/api/v1/profiles/anon:anon-2").statusCode()).isEqualTo(200));
        assertThat(harness.get("/api/v1/profiles/nobody").statusCode()).isEqualTo(404);
        assertThat(harness.get("/health/ready").statusCode()).isEqualTo(200);

        final Optional<CustomerProfile> latest = latestUpdate("c1");
        assertThat(latest).isPresent();
        assertThat(latest.get().getTransactions().getOrders()).isEqualTo(2);
        assertThat(latest.get().getIdentity().getVersion()).isEqualTo(5);

        final String metrics = harness.get("/metrics").body();
        assertThat(metrics).contains("profilestream_events_total{outcome=\"applied\",topic=\""
            + harness.topics.purchases() + "\"} 2.0");
        assertThat(metrics).contains("kafka_stream_");
    }

    @Test
    void shouldSendAPoisonRecordOnEachInputToTheDeadLetterQueueAndApplyTheNextGoodOne() {
        final List<String> inputs = harness.topics.inputs();
        for (final String topic : inputs) {
            harness.send(topic, "c9", ("garbage for " + topic).getBytes(StandardCharsets.UTF_8));
        }
        sendClick("k1", "anon-9", "c9", ClickType.PAGE_VIEW);
        sendOrder("p1", "c9", 100, "USD");
        sendEmail("m1", "c9", EmailEventType.SENT);
        sendOrder("bad-currency", "c9", 100, "JPY");

        await().atMost(WAIT).untilAsserted(() -> {
            final HttpResponse<String> response = harness.get("/api/v1/profiles/c9");
            assertThat(response.statusCode()).isEqualTo(200);
            final JsonNode profile = harness.json(response.body());
            assertThat(profile.at("/behaviour/pageViews").asLong()).isEqualTo(1);
            assertThat(profile.at("/transactions/orders").asLong()).isEqualTo(1);
            assertThat(profile.at("/email/sent").asLong()).isEqualTo(1);
        });
        await().atMost(WAIT).untilAsserted(() -> {
            final List<ConsumerRecord<String, byte[]>> dead = harness.readAll(harness.topics.deadLetterQueue());
            assertThat(dead).hasSize(inputs.size() + 1);
            for (final String topic : inputs) {
                final ConsumerRecord<String, byte[]> record = dead.stream()
                    .filter(r -> topic.equals(header(r, DeadLetterQueueHandler.HEADER_TOPIC)))
                    .filter(r -> "undecodable".equals(header(r, DeadLetterQueueHandler.HEADER_REASON)))
                    .findFirst().orElseThrow();
                assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("garbage for " + topic);
                assertThat(record.key()).isEqualTo("c9");
                assertThat(header(record, DeadLetterQueueHandler.HEADER_OFFSET)).isNotBlank();
                assertThat(header(record, DeadLetterQueueHandler.HEADER_PARTITION)).isNotBlank();
            }
            assertThat(dead).anySatisfy(r ->
                assertThat(header(r, DeadLetterQueueHandler.HEADER_REASON)).isEqualTo("unknown-currency"));
        });
        assertThat(harness.get("/metrics").body())
            .contains("profilestream_dlq_total{reason=\"undecodable\"} " + (double) inputs.size());
    }

    @Test
    void shouldEraseACustomerAndPublishATombstone() {
        sendOrder("p1", "c5", 100, "USD");
        await().atMost(WAIT).until(() -> harness.get("/api/v1/profiles/c5").statusCode() == 200);

        harness.send(harness.topics.erasure(), "c5", harness.serdes.erasure().serialize(harness.topics.erasure(),
            ErasureRequest.newBuilder().setRequestId("r1").setCustomerId("c5").setRequestedAt(NOW).build()));

        await().atMost(WAIT).until(() -> harness.get("/api/v1/profiles/c5").statusCode() == 404);
        await().atMost(WAIT).untilAsserted(() -> {
            final List<ConsumerRecord<String, byte[]>> updates = harness.readAll(harness.topics.profileUpdates());
            final ConsumerRecord<String, byte[]> last = updates.stream().filter(r -> "c5".equals(r.key()))
                .reduce((a, b) -> b).orElseThrow();
            assertThat(last.value()).isNull();
        });
    }

    @Test
    void shouldResumeFromItsStateAfterARestartWithoutApplyingAnythingTwice() {
        sendOrder("p1", "c7", 100, "USD");
        sendOrder("p2", "c7", 100, "USD");
        await().atMost(WAIT).until(() -> orders("c7") == 2);

        harness.stopApp();
        sendOrder("p2", "c7", 100, "USD");
        sendOrder("p3", "c7", 100, "USD");
        harness.startApp();

        await().atMost(WAIT).until(() -> orders("c7") == 3);
        assertThat(latestUpdate("c7").orElseThrow().getTransactions().getRevenueMinor()).isEqualTo(300);
    }

    @Test
    void shouldPublishAProfileOncePerCommitNotOncePerEvent() {
        harness.stopApp();
        final int orders = 20;
        for (int i = 0; i < orders; i++) {
            sendOrder("batch-" + i, "c8", 100, "USD");
        }
        harness.startApp();

        await().atMost(WAIT).until(() -> orders("c8") == orders);
        await().atMost(WAIT).untilAsserted(() ->
            assertThat(latestUpdate("c8").orElseThrow().getTransactions().getOrders()).isEqualTo(orders));
        // Read in one poll and applied within one commit interval, the twenty orders give (nearly always) one update.
        assertThat(harness.readAll(harness.topics.profileUpdates()).stream().filter(r -> "c8".equals(r.key())))
            .hasSizeLessThan(orders);
    }

    @Test
    void shouldProvisionEveryTopicOfTopicsAsDesigned() throws Exception {
        final Topics topics = harness.topics;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            harness.bootstrapServers))) {
            final Map<String, TopicDescription> described = admin.describeTopics(topics.all()).allTopicNames().get();
            assertThat(described).containsOnlyKeys(topics.all());
            assertThat(topics.coPartitioned().stream().map(topic -> described.get(topic).partitions().size())
                .distinct()).as("co-partitioned").hasSize(1);
            final Map<ConfigResource, Config> configs = admin.describeConfigs(topics.all().stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList()).all().get();
            for (final String topic : topics.all()) {
                final Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
                assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).as("cleanup of %s", topic)
                    .isEqualTo(topics.compacted().contains(topic) ? "compact" : "delete");
                assertThat(config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value()).as("timestamps of %s", topic)
                    .isEqualTo(topics.appendTimeStamped().contains(topic) ? "LogAppendTime" : "CreateTime");
            }
        }
    }

    private long orders(final String customerId) {
        final HttpResponse<String> response = harness.get("/api/v1/profiles/" + customerId);
        return response.statusCode() == 200
            ? harness.json(response.body()).at("/transactions/orders").asLong()
            : -1;
    }

    private Optional<CustomerProfile> latestUpdate(final String key) {
        return harness.readAll(harness.topics.profileUpdates()).stream()
            .filter(r -> key.equals(r.key()) && r.value() != null)
            .reduce((a, b) -> b)
            .map(r -> harness.serdes.profile().deserialize(r.value()));
    }

    private static String header(final ConsumerRecord<String, byte[]> record, final String name) {
        final Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private void sendClick(final String eventId, final String anonymousId, final String customerId,
                           final ClickType type) {
        final ClickEvent click = ClickEvent.newBuilder()
            .setEventId(eventId)
            .setAnonymousId(anonymousId)
            .setCustomerId(customerId)
            .setSessionId("s-" + anonymousId)
            .setType(type)
            .setTimestamp(NOW)
            .setCategory(type == ClickType.PRODUCT_VIEW ? "outdoor" : null)
            .setChannel("organic")
            .setDevice(Device.DESKTOP)
            .build();
        harness.send(harness.topics.clickstream(), anonymousId,
            harness.serdes.click().serialize(harness.topics.clickstream(), click));
    }

    private void sendOrder(final String eventId, final String customerId, final long totalMinor,
                           final String currency) {
        final PurchaseEvent order = PurchaseEvent.newBuilder()
            .setEventId(eventId)
            .setOrderId("o-" + eventId)
            .setCustomerId(customerId)
            .setType(PurchaseType.ORDER)
            .setTimestamp(NOW)
            .setCurrency(currency)
            .setTotalMinor(totalMinor)
            .setItems(List.of(LineItem.newBuilder().setSku("sku-1").setCategory("outdoor").setQuantity(1)
                .setUnitPriceMinor(totalMinor).build()))
            .build();
        harness.send(harness.topics.purchases(), customerId,
            harness.serdes.purchase().serialize(harness.topics.purchases(), order));
    }

    private void sendEmail(final String eventId, final String customerId, final EmailEventType type) {
        final EmailEvent email = EmailEvent.newBuilder()
            .setEventId(eventId)
            .setCustomerId(customerId)
            .setCampaignId("welcome")
            .setType(type)
            .setTimestamp(NOW)
            .build();
        harness.send(harness.topics.email(), customerId,
            harness.serdes.email().serialize(harness.topics.email(), email));
    }
}
