package io.profilestream.topology;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

import io.profilestream.config.EngineSettings;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.config.Topics;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.CustomerTraits;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.ErasureRequest;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.internal.IdentityLink;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.IdentityEvent;
import io.profilestream.profile.SegmentChange;
import io.profilestream.registry.InMemorySchemaRegistryClient;
import io.profilestream.serde.EngineSerdes;

/**
 * A {@link TopologyTestDriver} around the engine's real topology, serdes and exception handlers.
 */
final class TopologyFixture implements AutoCloseable {

    static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    /** The driver's wall clock: well after every test event, so none is in the future. */
    static final Instant WALL_CLOCK = START.plus(java.time.Duration.ofDays(400));

    final ProfileStreamConfig config;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    final EngineSerdes serdes;
    final TopologyTestDriver driver;
    final Topics topics;
    final TestInputTopic<String, ClickEvent> clicks;
    final TestInputTopic<String, PurchaseEvent> purchases;
    final TestInputTopic<String, EmailEvent> emails;
    final TestInputTopic<String, ErasureRequest> erasures;
    final TestInputTopic<String, CustomerTraits> traits;
    final TestOutputTopic<String, CustomerProfile> updates;
    final TestOutputTopic<String, byte[]> dlq;
    final TestOutputTopic<String, SegmentChange> changes;
    final TestOutputTopic<String, IdentityEvent> identityEvents;

    TopologyFixture() {
        this(Map.of(), null);
    }

    TopologyFixture(final Map<String, String> overrides, final Properties extra) {
        this(overrides, extra, 0);
    }

    /**
     * A driver around the topology built for {@code inputPartitions} input partitions; the driver delivers every
     * record on partition 0, so a key whose murmur2 partition is another one arrives misrouted.
     */
    TopologyFixture(final Map<String, String> overrides, final Properties extra, final int inputPartitions) {
        final Map<String, String> settings = new HashMap<>();
        settings.put("application.id", "topology-test");
        settings.put("bootstrap.servers", "unused:9092");
        settings.put("currency.rates", "EUR:1.10");
        settings.putAll(overrides);
        config = ProfileStreamConfig.of(settings);
        serdes = new EngineSerdes(registry, config.getInt("validation.max.record.bytes"));
        final EngineSettings engineSettings = EngineSettings.from(config);
        topics = engineSettings.topics();
        final Properties properties = StreamsProperties.from(config, new EngineMetrics(meters));
        if (extra != null) {
            properties.putAll(extra);
        }
        if (!properties.containsKey(StreamsConfig.STATE_DIR_CONFIG)) {
            properties.put(StreamsConfig.STATE_DIR_CONFIG,
                System.getProperty("java.io.tmpdir") + "/profilestream-ttd-" + System.nanoTime());
        }
        driver = new TopologyTestDriver(ProfileTopology.build(engineSettings, serdes, new EngineMetrics(meters),
            Clock.systemUTC(), inputPartitions), properties, WALL_CLOCK);
        final StringSerializer keys = new StringSerializer();
        clicks = driver.createInputTopic(topics.clickstream(), keys, serdes.click().serializer());
        purchases = driver.createInputTopic(topics.purchases(), keys, serdes.purchase().serializer());
        emails = driver.createInputTopic(topics.email(), keys, serdes.email().serializer());
        erasures = driver.createInputTopic(topics.erasure(), keys, serdes.erasure().serializer());
        traits = driver.createInputTopic(topics.customerTraits(), keys, serdes.traits().serializer());
        updates = driver.createOutputTopic(topics.profileUpdates(), new StringDeserializer(),
            serdes.profile().deserializer());
        changes = driver.createOutputTopic(topics.segmentChanges(), new StringDeserializer(),
            serdes.segmentChange().deserializer());
        dlq = driver.createOutputTopic(topics.deadLetterQueue(), new StringDeserializer(), new ByteArrayDeserializer());
        identityEvents = driver.createOutputTopic(topics.identityEvents(), new StringDeserializer(),
            serdes.identityEvent().deserializer());
    }

    TestInputTopic<String, byte[]> raw(final String topic) {
        return driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer());
    }

    KeyValueStore<String, CustomerProfile> profiles() {
        return driver.getKeyValueStore(Stores.PROFILES);
    }

    CustomerProfile profile(final String id) {
        return profiles().get(id);
    }

    KeyValueStore<String, IdentityLink> links() {
        return driver.getKeyValueStore(Stores.IDENTITY_LINKS);
    }

    IdentityLink link(final String anonymousId) {
        return links().get(anonymousId);
    }

    List<CustomerProfile> updateValues() {
        return updates.readValuesToList();
    }

    double counter(final String name, final String... tags) {
        final var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        driver.close();
    }
}
