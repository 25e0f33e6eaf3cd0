package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.profilestream.config.EngineSettings;
import io.profilestream.config.Topics;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.CustomerTraits;
import io.profilestream.events.Device;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.EmailEventType;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.identity.EmailHasher;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;
import io.profilestream.testing.TestNamespace;
import io.profilestream.testing.TraceScan;
import io.profilestream.topology.ProfileTopology;

/**
 * An erasure filed over HTTP leaves no trace: on two instances with standby replicas, every state store the topology
 * declares (active and standby copies), the latest record of every key of every changelog topic of the application
 * and of {@code profile-updates} hold neither the customer's id, nor its anonymous ids, nor its email hash, except as
 * keys whose latest record is a tombstone. Stores and changelogs are found from the topology and the broker, so a new
 * store is scanned without a change here. The topics that keep history by design get their configured retention.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class ErasureTraceIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String KEY = "erasure-key";
    private static final String SALT = "erasure-salt";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private final String customer = "cust-" + UUID.randomUUID();
    private final String phone = "phone-" + UUID.randomUUID();
    private final String laptop = "laptop-" + UUID.randomUUID();
    private final String email = UUID.randomUUID() + "@example.com";
    private EngineNodes nodes;
    private EngineHarness producer;
    private int sent;

    @AfterEach
    void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void shouldLeaveNoTraceInAnyStoreChangelogOrProfileUpdateOfEitherInstance(final KafkaCluster cluster,
                                                                              final TestNamespace namespace)
        throws Exception {
        nodes = new EngineNodes(cluster, namespace, Map.of("topics.partitions", "4", "api.key", KEY,
            "segments.default.catalogue", "false", "identity.email.hash.salt", SALT, "commit.interval.ms", "200",
            "num.standby.replicas", "1", "topics.dlq.retention.ms", "86400000", "session.timeout.ms", "6000",
            "heartbeat.interval.ms", "1500"));
        producer = nodes.inProcess("a");
        final EngineHarness other = nodes.inProcess("b");
        final int a = producer.startApp().httpPort();
        final int b = other.startApp().httpPort();
        await().atMost(WAIT).until(() -> nodes.json(a, "/api/v1/instances") != null
            && nodes.json(a, "/api/v1/instances").path("instances").size() == 2);
        assertThat(nodes.put(a, "/api/v1/segments/buyers", "{\"name\":\"Buyers\",\"kind\":\"SEGMENT\","
            + "\"expression\":\"profile.transactions.orders >= 1\"}", KEY).statusCode()).isEqualTo(200);

        IntStream.range(0, 20).forEach(i -> order("kept-" + i));
        click(phone, null, ClickType.PAGE_VIEW);
        click(phone, customer, ClickType.LOGIN);
        click(laptop, customer, ClickType.LOGIN);
        click(laptop, null, ClickType.SEARCH);
        traits();
        order(customer);
        emailOpened();
        await().atMost(WAIT).untilAsserted(() -> {
            final var profile = nodes.json(b, "/api/v1/profiles/" + customer);
            assertThat(profile).isNotNull();
            assertThat(profile.at("/transactions/orders").asInt()).isEqualTo(1);
            assertThat(profile.at("/behaviour/pageViews").asInt()).isEqualTo(1);
            assertThat(profile.at("/email/opens").asInt()).isEqualTo(1);
            assertThat(profile.at("/identity/emailHash").asText()).isEqualTo(EmailHasher.withSalt(SALT).hash(email));
            assertThat(profile.path("segments").toString()).contains("buyers");
            // The laptop's last click applied: the erasure is filed after every event of the customer was processed
            // (one still in flight then, with its link not yet written, would be new data after the erasure).
            assertThat(profile.at("/behaviour/searches").asInt()).isEqualTo(1);
            assertThat(profile.at("/identity/anonymousIds").toString()).contains(phone, laptop);
        });
        final TraceScan scan = new TraceScan(List.of(customer, phone, laptop, EmailHasher.withSalt(SALT).hash(email)));
        final List<KafkaStreams> instances = List.of(producer.app.streams(), other.app.streams());
        await().atMost(WAIT).ignoreExceptionsInstanceOf(InvalidStateStoreException.class)
            .untilAsserted(() -> assertThat(storeTraces(scan, instances))
            .as("the scan finds the customer before the erasure").isNotEmpty());

        assertThat(nodes.post(b, "/api/v1/erasures", "{\"customerId\":\"" + customer + "\"}").statusCode())
            .isEqualTo(202);

        await().atMost(WAIT).untilAsserted(() -> {
            for (final int port : List.of(a, b)) {
                assertThat(nodes.get(port, "/api/v1/profiles/" + customer).statusCode()).isEqualTo(404);
                assertThat(nodes.get(port, "/api/v1/profiles/" + phone).statusCode()).isEqualTo(404);
                assertThat(nodes.get(port, "/api/v1/identities/" + laptop).statusCode()).isEqualTo(404);
            }
        });
        await().atMost(WAIT).ignoreExceptionsInstanceOf(InvalidStateStoreException.class).untilAsserted(() -> {
            final List<String> traces = new ArrayList<>(storeTraces(scan, instances));
            traces.addAll(topicTraces(scan, changelogs()));
            traces.addAll(topicTraces(scan, List.of(producer.topics.profileUpdates())));
            assertThat(traces).isEmpty();
        });
        assertThat(nodes.json(a, "/api/v1/profiles/kept-3")).isNotNull();
        assertHistoryRetention();
    }

    /** Entries that mention an id, in every store of the topology on every instance, standby copies included. */
    private List<String> storeTraces(final TraceScan scan, final List<KafkaStreams> instances) {
        final List<String> found = new ArrayList<>();
        final Set<String> stores = new TreeSet<>(stores(false));
        stores.addAll(stores(true));
        for (final String store : stores) {
            for (final KafkaStreams streams : instances) {
                found.addAll(scan.store(store, queryable(streams, store)));
            }
        }
        return found;
    }

    /** Every store the topology declares: the global ones, or those of its tasks. */
    private Set<String> stores(final boolean global) {
        final TopologyDescription description = ProfileTopology.build(EngineSettings.from(producer.config),
            producer.serdes, new EngineMetrics(new SimpleMeterRegistry())).describe();
        final Set<String> stores = new TreeSet<>();
        if (global) {
            description.globalStores().forEach(store -> stores.addAll(store.processor().stores()));
        } else {
            description.subtopologies().forEach(subtopology -> subtopology.nodes().forEach(node -> {
                if (node instanceof TopologyDescription.Processor processor) {
                    stores.addAll(processor.stores());
                }
            }));
        }
        assertThat(stores).isNotEmpty();
        return stores;
    }

    private static Object queryable(final KafkaStreams streams, final String store) {
        try {
            final ReadOnlyKeyValueStore<Object, Object> keyValues = streams.store(StoreQueryParameters
                .fromNameAndType(store, QueryableStoreTypes.keyValueStore()).enableStaleStores());
            // The type is checked when the store is first used.
            keyValues.approximateNumEntries();
            return keyValues;
        } catch (final InvalidStateStoreException notKeyValue) {
            return streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.windowStore())
                .enableStaleStores());
        }
    }

    /** The application's changelog topics as the broker lists them; there is one for every store of the tasks. */
    private List<String> changelogs() throws Exception {
        final String prefix = producer.config.get("application.id") + "-";
        try (Admin admin = admin()) {
            final List<String> changelogs = admin.listTopics().names().get().stream()
                .filter(topic -> topic.startsWith(prefix) && topic.endsWith("-changelog")).sorted().toList();
            assertThat(changelogs).containsAll(stores(false).stream().map(store -> prefix + store + "-changelog")
                .toList());
            return changelogs;
        }
    }

    /** Keys whose latest committed record is not a tombstone and whose key or value mentions an id. */
    private List<String> topicTraces(final TraceScan scan, final List<String> topics) {
        final Map<Bytes, ConsumerRecord<byte[], byte[]>> latest = new HashMap<>();
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, producer.bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "trace-scan-" + UUID.randomUUID());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
            consumer.subscribe(topics);
            int emptyPolls = 0;
            while (emptyPolls < 3) {
                final var batch = consumer.poll(Duration.ofMillis(500));
                if (batch.isEmpty() && !consumer.assignment().isEmpty()) {
                    emptyPolls++;
                }
                batch.forEach(record -> latest.put(key(record), record));
            }
        }
        return latest.values().stream()
            .filter(record -> record.value() != null && (scan.mentions(record.key()) || scan.mentions(record.value())))
            .map(record -> record.topic() + ": " + TraceScan.text(record.key()))
            .collect(Collectors.toList());
    }

    private static Bytes key(final ConsumerRecord<byte[], byte[]> record) {
        final byte[] topic = (record.topic() + "\u0000").getBytes(StandardCharsets.UTF_8);
        final byte[] key = record.key() == null ? new byte[0] : record.key();
        final byte[] both = new byte[topic.length + key.length];
        System.arraycopy(topic, 0, both, 0, topic.length);
        System.arraycopy(key, 0, both, topic.length, key.length);
        return Bytes.wrap(both);
    }

    /** The history topics got their configured retention; profile-updates and the changelogs a compaction lag. */
    private void assertHistoryRetention() throws Exception {
        final Topics topics = producer.topics;
        try (Admin admin = admin()) {
            final Map<String, String> expected = Map.of(topics.segmentChanges(), "604800000",
                topics.identityEvents(), "604800000", topics.deadLetterQueue(), "86400000");
            final Map<ConfigResource, Config> configs = admin.describeConfigs(expected.keySet().stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList()).all().get();
            expected.forEach((topic, retention) -> assertThat(configs.get(new ConfigResource(
                ConfigResource.Type.TOPIC, topic)).get(TopicConfig.RETENTION_MS_CONFIG).value())
                .as("retention of %s", topic).isEqualTo(retention));
            final List<String> compacted = new ArrayList<>(changelogs());
            compacted.add(topics.profileUpdates());
            final Map<ConfigResource, Config> lags = admin.describeConfigs(compacted.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList()).all().get();
            lags.forEach((topic, config) -> assertThat(config.get(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG).value())
                .as("compaction lag of %s", topic.name()).isEqualTo("604800000"));
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, producer.bootstrapServers));
    }

    private void click(final String anonymousId, final String customerId, final ClickType type) {
        final ClickEvent click = ClickEvent.newBuilder().setEventId("e-" + sent++).setAnonymousId(anonymousId)
            .setCustomerId(customerId).setSessionId("s-" + anonymousId).setType(type).setTimestamp(NOW)
            .setChannel("organic").setDevice(Device.MOBILE).build();
        producer.send(producer.topics.clickstream(), anonymousId,
            producer.serdes.click().serialize(producer.topics.clickstream(), click));
    }

    private void order(final String customerId) {
        final String eventId = "p-" + sent++;
        final PurchaseEvent order = PurchaseEvent.newBuilder().setEventId(eventId).setOrderId("o-" + eventId)
            .setCustomerId(customerId).setType(PurchaseType.ORDER).setTimestamp(NOW).setCurrency("USD")
            .setTotalMinor(2_500).setItems(List.of(LineItem.newBuilder().setSku("s").setCategory("books")
                .setQuantity(1).setUnitPriceMinor(2_500).build())).build();
        producer.send(producer.topics.purchases(), customerId,
            producer.serdes.purchase().serialize(producer.topics.purchases(), order));
    }

    private void traits() {
        final CustomerTraits traits = CustomerTraits.newBuilder().setCustomerId(customer).setUpdatedAt(NOW)
            .setEventId("t-" + sent++).setEmail(email).setCity("Utrecht").build();
        producer.send(producer.topics.customerTraits(), customer,
            producer.serdes.traits().serialize(producer.topics.customerTraits(), traits));
    }

    private void emailOpened() {
        final EmailEvent opened = EmailEvent.newBuilder().setEventId("m-" + sent++).setCustomerId(customer)
            .setCampaignId("welcome").setType(EmailEventType.OPENED).setTimestamp(NOW).build();
        producer.send(producer.topics.email(), customer,
            producer.serdes.email().serialize(producer.topics.email(), opened));
    }
}
