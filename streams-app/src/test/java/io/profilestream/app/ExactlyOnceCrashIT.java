package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.profilestream.config.Topics;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.Device;
import io.profilestream.events.ErasureRequest;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.SegmentChange;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;
import io.profilestream.testing.TestNamespace;

/**
 * Exactly-once output across a hard crash: the engine runs in its own JVM, is killed with SIGKILL mid-stream and
 * restarted; the {@code segment-changes} log read with {@code read_committed} must have no duplicate and no missing
 * transition, and agree with the final profiles.
 * The engine's output goes to {@code engine-first.log} and {@code engine-second.log} in the test's directory, which is
 * kept when the test fails.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class ExactlyOnceCrashIT {

    private static final int CUSTOMERS = 300;
    private static final int PURCHASES_EACH = 8;
    private static final Duration WAIT = Duration.ofMinutes(3);

    private EngineHarness harness;
    private Process engine;

    @AfterEach
    void stop() throws InterruptedException {
        if (engine != null) {
            engine.destroyForcibly().waitFor();
        }
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void shouldPublishEveryTransitionExactlyOnceAcrossAHardCrash(final KafkaCluster cluster,
                                                                 final TestNamespace namespace) throws Exception {
        harness = new EngineHarness(cluster, namespace,
            Map.of("topics.partitions", "3", "commit.interval.ms", "200"));
        final Path config = namespace.directory().resolve("engine.properties");
        final Properties properties = new Properties();
        properties.putAll(harness.config.asMap());
        try (var out = Files.newBufferedWriter(config)) {
            properties.store(out, "ExactlyOnceCrashIT");
        }
        final long inputs = produceHistories();

        engine = startEngine(config, "first");
        await().atMost(WAIT).until(() -> consumed() >= inputs / 3);
        engine.destroyForcibly().waitFor();
        assertThat(consumed()).as("the crash happened mid-stream").isLessThan(inputs);

        engine = startEngine(config, "second");
        await().atMost(WAIT).until(() -> consumed() >= inputs);
        engine.destroy();
        engine.waitFor();

        final List<SegmentChange> changes = harness.readAll(harness.topics.segmentChanges()).stream()
            .map(record -> harness.serdes.segmentChange().deserialize(record.value()))
            .collect(Collectors.toList());
        assertThat(changes).isNotEmpty();
        assertThat(changes.stream().map(SegmentChange::getEventId).distinct().count())
            .as("no change is published twice").isEqualTo(changes.size());

        final Map<String, Set<String>> current = new HashMap<>();
        final Map<String, List<String>> histories = new HashMap<>();
        changes.forEach(change -> histories.computeIfAbsent(change.getCustomerId(), id -> new ArrayList<>())
            .add(change.getChange() + " " + change.getKind() + ":" + change.getSegmentId() + " by "
                + change.getCauseEventId()));
        for (final SegmentChange change : changes) {
            final Set<String> memberships = current.computeIfAbsent(change.getCustomerId(), id -> new HashSet<>());
            final String membership = change.getKind() + ":" + change.getSegmentId();
            switch (change.getChange()) {
                case ENTERED -> assertThat(memberships.add(membership))
                    .as("%s entered %s twice in a row: %s", change.getCustomerId(), membership,
                        histories.get(change.getCustomerId())).isTrue();
                case EXITED -> assertThat(memberships.remove(membership))
                    .as("%s exited %s without entering it: %s", change.getCustomerId(), membership,
                        histories.get(change.getCustomerId())).isTrue();
                default -> throw new IllegalStateException();
            }
        }
        final Map<String, CustomerProfile> finalProfiles = new HashMap<>();
        for (final ConsumerRecord<String, byte[]> record : harness.readAll(harness.topics.profileUpdates())) {
            finalProfiles.put(record.key(), record.value() == null ? null
                : harness.serdes.profile().deserialize(record.value()));
        }
        for (int i = 0; i < CUSTOMERS; i++) {
            final String customer = customerId(i);
            final CustomerProfile profile = finalProfiles.get(customer);
            final Set<String> expected = new HashSet<>();
            if (profile != null) {
                expected.add("LIFECYCLE:" + profile.getLifecycleStage().name());
                profile.getSegments().forEach(segment -> expected.add("SEGMENT:" + segment));
                if (profile.getPersona() != null) {
                    expected.add("PERSONA:" + profile.getPersona());
                }
            }
            assertThat(current.getOrDefault(customer, Set.of())).as("memberships of %s", customer)
                .isEqualTo(expected);
        }
    }

    private static String customerId(final int i) {
        return String.format("c-%04d", i);
    }

    /** Sign-up, purchases on distinct days, and an erasure for every tenth customer; returns the record count. */
    private long produceHistories() {
        final Topics topics = harness.topics;
        final Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
        long count = 0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            harness.bootstrapServers))) {
            new TopicProvisioner(admin, topics).provision(true, 3, (short) 1);
        }
        for (int i = 0; i < CUSTOMERS; i++) {
            final String customer = customerId(i);
            final String anonymous = "anon-" + i;
            harness.send(topics.clickstream(), anonymous, harness.serdes.click().serialize(topics.clickstream(),
                ClickEvent.newBuilder().setEventId("signup-" + i).setAnonymousId(anonymous).setCustomerId(customer)
                    .setSessionId("s-" + i).setType(ClickType.SIGN_UP).setTimestamp(today.minus(Duration.ofDays(90)))
                    .setChannel("direct").setDevice(Device.DESKTOP).build()));
            count++;
            for (int p = 0; p < PURCHASES_EACH; p++) {
                final Instant time = today.minus(Duration.ofDays(80 - 10L * p + i % 7));
                harness.send(topics.purchases(), customer, harness.serdes.purchase().serialize(topics.purchases(),
                    PurchaseEvent.newBuilder().setEventId("p-" + i + "-" + p).setOrderId("o-" + i + "-" + p)
                        .setCustomerId(customer).setType(PurchaseType.ORDER).setTimestamp(time).setCurrency("USD")
                        .setTotalMinor(1_000).setItems(List.of(LineItem.newBuilder().setSku("s").setCategory("books")
                            .setQuantity(1).setUnitPriceMinor(1_000).build())).build()));
                count++;
            }
            if (i % 10 == 0) {
                harness.send(topics.erasure(), customer, harness.serdes.erasure().serialize(topics.erasure(),
                    ErasureRequest.newBuilder().setRequestId("erase-" + i).setCustomerId(customer)
                        .setRequestedAt(today).build()));
                count++;
            }
        }
        return count;
    }

    /** Input records whose offsets the engine has committed. */
    private long consumed() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            harness.bootstrapServers))) {
            final Map<TopicPartition, OffsetAndMetadata> committed = admin
                .listConsumerGroupOffsets(harness.config.get("application.id"))
                .partitionsToOffsetAndMetadata().get();
            final Set<String> inputs = Set.copyOf(harness.topics.inputs());
            return committed.entrySet().stream()
                .filter(entry -> inputs.contains(entry.getKey().topic()) && entry.getValue() != null)
                .mapToLong(entry -> entry.getValue().offset())
                .sum();
        }
    }

    private Process startEngine(final Path config, final String name) throws IOException {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-cp", System.getProperty("java.class.path"),
            "io.profilestream.cli.ProfileStreamCli", "run", "--config", config.toString()));
        return new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(config.resolveSibling("engine-" + name + ".log").toFile())
            .start();
    }
}
