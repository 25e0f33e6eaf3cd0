package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.zip.CRC32;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.CustomEvent;
import io.profilestream.events.Device;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.EmailEventType;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;
import io.profilestream.testing.TestNamespace;

/**
 * Producers that do not partition like Kafka's Java client: records of one customer on partitions other than their
 * key's murmur2 partition still make one profile, served over HTTP, and each detour is counted.
 * One test picks the partitions itself; the other runs Confluent's Python client (librdkafka, whose default
 * partitioner hashes with CRC32) through {@code tools/interop/produce.py}, and is skipped where Debian's
 * python3-confluent-kafka, python3-avro and python3-requests are not installed.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class MisroutedRecordsIT {

    private static final int PARTITIONS = 4;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    /** The python3 on the path, then Debian's, which has the python3-* packages when another one comes first. */
    private static final List<String> PYTHONS = List.of("python3", "/usr/bin/python3");

    private EngineHarness harness;
    private TestNamespace namespace;

    @BeforeEach
    void start(final KafkaCluster cluster, final TestNamespace namespace) {
        this.namespace = namespace;
        harness = new EngineHarness(cluster, namespace, Map.of("topics.partitions", Integer.toString(PARTITIONS)));
        harness.startApp();
    }

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void shouldBuildOneProfileFromRecordsOnAnyPartition() {
        final String customer = "c-misrouted";
        final String anonymous = "anon-misrouted";
        final String clicks = harness.topics.clickstream();
        final String purchases = harness.topics.purchases();
        final String emails = harness.topics.email();

        send(clicks, wrong(anonymous), anonymous, harness.serdes.click().serialize(clicks,
            click("k1", anonymous, customer, ClickType.LOGIN)));
        send(clicks, murmur2(anonymous), anonymous, harness.serdes.click().serialize(clicks,
            click("k2", anonymous, null, ClickType.PAGE_VIEW)));
        send(purchases, wrong(customer), customer, harness.serdes.purchase().serialize(purchases,
            order("p1", customer, 2_000)));
        send(purchases, murmur2(customer), customer, harness.serdes.purchase().serialize(purchases,
            order("p2", customer, 500)));
        send(emails, wrong(customer), customer, harness.serdes.email().serialize(emails, email("m1", customer)));

        await().atMost(WAIT).untilAsserted(() -> {
            final JsonNode profile = profile(customer);
            assertThat(profile.at("/behaviour/logins").asLong()).isEqualTo(1);
            assertThat(profile.at("/behaviour/pageViews").asLong()).isEqualTo(1);
            assertThat(profile.at("/transactions/orders").asLong()).isEqualTo(2);
            assertThat(profile.at("/transactions/revenueMinor").asLong()).isEqualTo(2_500);
            assertThat(profile.at("/email/opens").asLong()).isEqualTo(1);
        });
        final String metrics = harness.get("/metrics").body();
        for (final String topic : List.of(clicks, purchases, emails)) {
            assertThat(metrics).contains("profilestream_misrouted_records_total{topic=\"" + topic + "\"} 1.0");
        }
        final JsonNode link = harness.json(harness.get("/api/v1/identities/" + anonymous).body());
        assertThat(link.at("/customerId").asText()).as("the link is kept by the task that owns the anonymous id")
            .isEqualTo(customer);

        // A custom event with only the anonymous id, on another partition than the task that holds the link: the
        // link must still be found, or the event would start an anonymous profile that no merge ever moves.
        final String custom = harness.topics.customEvents();
        send(custom, wrong(anonymous), anonymous, harness.serdes.customEvent().serialize(custom,
            CustomEvent.newBuilder().setEventId("t1").setAnonymousId(anonymous).setName("ticket_opened")
                .setTimestamp(NOW.plusSeconds(10)).build()));
        await().atMost(WAIT).untilAsserted(() -> assertThat(profile(customer).path("customEvents"))
            .extracting(event -> event.path("eventId").asText()).containsExactly("t1"));
        assertThat(harness.get("/metrics").body())
            .contains("profilestream_misrouted_records_total{topic=\"" + custom + "\"} 1.0");
    }

    @Test
    void shouldServeBothClicksAndPurchaseOfAConfluentPythonProducerWithLibrdkafkasDefaultPartitioner()
        throws Exception {
        final String interpreter = PYTHONS.stream().filter(MisroutedRecordsIT::hasConfluentClient).findFirst()
            .orElse(null);
        Assumptions.assumeTrue(interpreter != null, "python3 with confluent_kafka, avro and requests");
        // A customer whose ids librdkafka's consistent_random (CRC32) puts on other partitions than murmur2 does.
        final String customer = IntStream.range(0, 1_000).mapToObj(i -> "c-py-" + i)
            .filter(id -> crc32(id) != murmur2(id) && crc32("anon-" + id) != murmur2("anon-" + id))
            .findFirst().orElseThrow();
        final Process python = new ProcessBuilder(interpreter, script().toString(),
            "--bootstrap", harness.bootstrapServers, "--registry", harness.registryUrl, "--customer", customer,
            "--topic-suffix=-" + namespace.id())
            .redirectErrorStream(true)
            .redirectOutput(namespace.directory().resolve("produce.py.log").toFile())
            .start();
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as("produce.py.log: %s",
            Files.readString(namespace.directory().resolve("produce.py.log"))).isZero();

        await().atMost(WAIT).untilAsserted(() -> {
            final JsonNode profile = profile(customer);
            assertThat(profile.at("/behaviour/logins").asLong()).isEqualTo(1);
            assertThat(profile.at("/behaviour/productViews").asLong()).isEqualTo(1);
            assertThat(profile.at("/behaviour/pageViews").asLong()).isEqualTo(1);
            assertThat(profile.at("/transactions/orders").asLong()).isEqualTo(2);
            assertThat(profile.at("/transactions/revenueMinor").asLong()).isEqualTo(2_000);
            assertThat(profile.at("/email/opens").asLong()).isEqualTo(1);
            assertThat(profile.at("/email/clicks").asLong()).isEqualTo(1);
        });
        assertThat(harness.get("/metrics").body())
            .contains("profilestream_misrouted_records_total{topic=\"" + harness.topics.purchases() + "\"} 2.0");
    }

    private JsonNode profile(final String id) {
        final var response = harness.get("/api/v1/profiles/" + id);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return harness.json(response.body());
    }

    private void send(final String topic, final int partition, final String key, final byte[] value) {
        try {
            harness.producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
        } catch (final Exception e) {
            throw new IllegalStateException("Could not produce a test record.", e);
        }
    }

    /** The Java client's default partition of a key. */
    private static int murmur2(final String key) {
        return BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), PARTITIONS);
    }

    /** librdkafka's {@code consistent_random} partition of a key: CRC32 of its bytes. */
    private static int crc32(final String key) {
        final CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % PARTITIONS);
    }

    private static int wrong(final String key) {
        return (murmur2(key) + 1) % PARTITIONS;
    }

    private static boolean hasConfluentClient(final String python) {
        try {
            final Process check = new ProcessBuilder(python, "-c", "import confluent_kafka, avro, requests")
                .redirectErrorStream(true).start();
            return check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0;
        } catch (final IOException e) {
            return false;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path script() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("tools/interop/produce.py"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("tools/interop/produce.py above the working directory").isNotNull();
        return dir.resolve("tools/interop/produce.py");
    }

    private static ClickEvent click(final String eventId,
                                    final String anonymousId,
                                    final String customerId,
                                    final ClickType type) {
        return ClickEvent.newBuilder().setEventId(eventId).setAnonymousId(anonymousId).setCustomerId(customerId)
            .setSessionId("s-" + anonymousId).setType(type).setTimestamp(NOW).setChannel("organic")
            .setDevice(Device.DESKTOP).build();
    }

    private static PurchaseEvent order(final String eventId, final String customerId, final long totalMinor) {
        return PurchaseEvent.newBuilder().setEventId(eventId).setOrderId("o-" + eventId).setCustomerId(customerId)
            .setType(PurchaseType.ORDER).setTimestamp(NOW).setCurrency("USD").setTotalMinor(totalMinor)
            .setItems(List.of(LineItem.newBuilder().setSku("sku-1").setCategory("outdoor").setQuantity(1)
                .setUnitPriceMinor(totalMinor).build()))
            .build();
    }

    private static EmailEvent email(final String eventId, final String customerId) {
        return EmailEvent.newBuilder().setEventId(eventId).setCustomerId(customerId).setCampaignId("welcome")
            .setType(EmailEventType.OPENED).setTimestamp(NOW).build();
    }
}
