package io.profilestream.topology;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

import io.profilestream.config.EngineSettings;
import io.profilestream.config.Topics;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.serde.EngineSerdes;
import io.profilestream.serde.ReadBytes;

/**
 * Builds the engine's topology; it does no I/O, so tests and the application call the same function.
 *
 * Three sub-topologies, each with sinks of its own ({@link Outputs}):
 * <pre>
 * clickstream-events -> validate -> identity-resolver -+-> profile-events (the engine's own topic, by profile id)
 *                                  ^ clicks            +-> identity-events
 * identity-commands  -> inbox -----+ commands -> identity-unlinker ----> identity-events
 *  (by anonymousId)                + custom   -> custom-event-router --> profile-events (reads identity-links-store)
 *
 * customer-traits    -> validate -------------------+-> profile-events
 * erasure-requests   -> validate -------------------+
 * custom-events      -> validate -> custom-event-relay -+  (those naming their customer)
 *                                                       +-> identity-commands (those with only an anonymous id)
 * rerouted-clicks    -------------------------------------> identity-commands (left there by earlier versions)
 *
 * profile-events     ------------->+
 * purchase-events    -> validate ->+-> profile-processor -+-> profile-updates
 * email-events       -> validate ->+   (by profile id)    +-> segment-changes
 *                                                         +-> identity-events   (merges)
 *                                                         +-> profile-events    (moved anonymous profiles)
 *                                                         +-> identity-commands (unlinks on erasure)
 *                                                         +-> co-purchase       (this task's co-purchase counts)
 * co-purchase (global store, every instance) -> CoPurchaseModel, which ranks recommendations.nextCategories
 * </pre>
 * The resolver, the unlinker and the custom-event router share the resolver's stores, so they run in the same tasks;
 * docs/identity.md explains identity resolution.
 * An input record on a partition other than its key's murmur2 partition (a producer with another partitioner) is
 * moved to the task that owns the key ({@link InputRouting}): a click through the identity inbox back into the
 * resolver, a purchase or email through profile-events.
 * Rare inputs reach the busy tasks through one topic each: a task waits for each of its input partitions to be
 * fetched before it picks the next record by time, and Kafka Streams does work on every record for each empty
 * partition of the task (formatting a log text it then discards, in 4.3). Traits and erasure requests reach the
 * profile processor through profile-events; unlink commands, re-routed clicks and custom events with only an
 * anonymous id reach the identity task through its inbox, the {@code identity-commands} topic, so that the identity
 * task reads two topics instead of four.
 */
public final class ProfileTopology {

    static final String IDENTITY_RESOLVER = "identity-resolver";
    static final String IDENTITY_UNLINKER = "identity-unlinker";
    static final String PROFILE_PROCESSOR = "profile-processor";
    static final String CUSTOM_EVENT_ROUTER = "custom-event-router";
    static final String IDENTITY_INBOX = "identity-inbox";
    static final String CUSTOM_EVENT_RELAY = "custom-event-relay";

    private ProfileTopology() {
    }

    /**
     * Returns the topology for the given settings, serdes and metrics, judging event times against the system clock.
     */
    public static Topology build(final EngineSettings settings,
                                 final EngineSerdes serdes,
                                 final EngineMetrics metrics) {
        return build(settings, serdes, metrics, Clock.systemUTC());
    }

    /**
     * Returns the topology for the given settings, serdes and metrics.
     *
     * @param clock the wall clock that event times further ahead than the allowed skew are judged against
     */
    public static Topology build(final EngineSettings settings,
                                 final EngineSerdes serdes,
                                 final EngineMetrics metrics,
                                 final Clock clock) {
        return build(settings, serdes, metrics, clock, 0);
    }

    /**
     * Returns the topology for the given settings, serdes and metrics, moving records that arrive on a partition other
     * than their key's to the task that owns the key.
     *
     * @param clock the wall clock that event times further ahead than the allowed skew are judged against
     * @param inputPartitions the input topics' partition count; 0 or 1 leaves every record where it arrives
     */
    public static Topology build(final EngineSettings settings,
                                 final EngineSerdes serdes,
                                 final EngineMetrics metrics,
                                 final Clock clock,
                                 final int inputPartitions) {
        final Topics topics = settings.topics();
        final Topology topology = new Topology();
        final Deserializer<String> keys = serdes.key().deserializer();
        final EventTimestampExtractor eventTime = new EventTimestampExtractor(settings.validator().maxFutureSkewMs(),
            clock);
        topology.addGlobalStore(Stores.modelParameters(serdes), "model-parameters-source", keys,
            serdes.modelParameters().deserializer(), topics.modelParameters(), "model-parameters-updater",
            () -> new GlobalStoreUpdater<>(Stores.MODEL_PARAMETERS));
        topology.addGlobalStore(Stores.segmentDefinitions(serdes), "segment-definitions-source", keys,
            serdes.segmentDefinition().deserializer(), topics.segmentDefinitions(), "segment-definitions-updater",
            () -> new GlobalStoreUpdater<>(Stores.SEGMENT_DEFINITIONS));
        topology.addGlobalStore(Stores.traitDefinitions(serdes), "trait-definitions-source", keys,
            serdes.traitDefinition().deserializer(), topics.traitDefinitions(), "trait-definitions-updater",
            () -> new GlobalStoreUpdater<>(Stores.TRAIT_DEFINITIONS));
        topology.addGlobalStore(Stores.segmentSnapshots(serdes), "segment-snapshots-source", keys,
            serdes.segmentSnapshot().deserializer(), topics.segmentSnapshots(), "segment-snapshots-updater",
            () -> new GlobalStoreUpdater<>(Stores.SEGMENT_SNAPSHOTS));
        topology.addGlobalStore(Stores.coPurchase(serdes), "co-purchase-source", keys,
            serdes.categoryPairs().deserializer(), topics.coPurchase(), "co-purchase-updater",
            () -> new CoPurchaseUpdater(settings.live().coPurchase()));

        final Input inputs = new Input(topology, settings, eventTime, keys, metrics, inputPartitions);
        // Sub-topology ids name tasks and their state directories, and they follow the order in which each
        // sub-topology's first node is added: keep identity, relay, profile (IdentityTopologyTest checks the ids).
        // The engine's own topics are stamped with the append time (Topics.appendTimeStamped): read event time.
        // The resolver forwards each click it reads unchanged: written in the bytes it was read in (ReadBytes).
        final ReadBytes clickBytes = new ReadBytes();
        topology.addSource((AutoOffsetReset) null, "identity-inbox-source", eventTime, keys,
            serdes.identityInbox().deserializer(), topics.identityCommands());
        topology.addProcessor(IDENTITY_INBOX, IdentityInbox::new, "identity-inbox-source");
        topology.addProcessor(IDENTITY_RESOLVER, () -> new IdentityResolver(settings, metrics),
            inputs.validated("clicks", topics.clickstream(), clickBytes.remembering(serdes.click().deserializer()),
                IDENTITY_RESOLVER, Outputs.REROUTED_CLICKS),
            IDENTITY_INBOX);
        topology.addProcessor(IDENTITY_UNLINKER, () -> new IdentityUnlinker(settings, metrics), IDENTITY_INBOX);
        topology.addProcessor(CUSTOM_EVENT_ROUTER, () -> new CustomEventRouter(settings), IDENTITY_INBOX);
        topology.addStateStore(Stores.identityLinks(serdes), IDENTITY_RESOLVER, IDENTITY_UNLINKER,
            CUSTOM_EVENT_ROUTER);
        topology.addStateStore(Stores.clickDedup(serdes, Duration.ofMillis(settings.dedupRetentionMs())),
            IDENTITY_RESOLVER, IDENTITY_UNLINKER);

        final Serializer<String> keyWriter = serdes.key().serializer();
        topology.addSink(Outputs.REROUTED_CLICKS, topics.identityCommands(), keyWriter,
            serdes.identityInbox().serializer(), "validate-clicks");
        topology.addSink(Outputs.RESOLVED_EVENTS, topics.profileEvents(), keyWriter,
            clickBytes.reusing(serdes.profileEvent().serializer()), IDENTITY_RESOLVER);
        topology.addSink(Outputs.ROUTED_CUSTOM_EVENTS, topics.profileEvents(), keyWriter,
            serdes.profileEvent().serializer(), CUSTOM_EVENT_ROUTER);
        topology.addSink(Outputs.IDENTITY_EVENTS, topics.identityEvents(), keyWriter,
            serdes.identityEvent().serializer(), IDENTITY_RESOLVER, IDENTITY_UNLINKER);

        topology.addProcessor(CUSTOM_EVENT_RELAY, CustomEventRelay::new,
            inputs.validated("custom", topics.customEvents(), serdes.customEvent().deserializer(), null, null));
        // Nothing writes rerouted-clicks any more (re-routed clicks go to the inbox); what an earlier version left
        // there is moved to the inbox, so an upgrade needs no draining first.
        topology.addSource((AutoOffsetReset) null, "rerouted-clicks-source", eventTime, keys,
            serdes.click().deserializer(), topics.reroutedClicks());
        topology.addSink(Outputs.RELAYED_TO_INBOX, topics.identityCommands(), keyWriter,
            serdes.identityInbox().serializer(), CUSTOM_EVENT_RELAY, "rerouted-clicks-source");
        // Validation forwards to its only child, the sink.
        topology.addSink(Outputs.RELAYED_EVENTS, topics.profileEvents(), keyWriter,
            serdes.profileEvent().serializer(),
            inputs.validated("traits", topics.customerTraits(), serdes.traits().deserializer(), null, null),
            inputs.validated("erasures", topics.erasure(), serdes.erasure().deserializer(), null, null),
            CUSTOM_EVENT_RELAY);

        topology.addSource((AutoOffsetReset) null, "profile-events-source", eventTime, keys,
            serdes.profileEvent().deserializer(), topics.profileEvents());
        topology.addProcessor(PROFILE_PROCESSOR, profileProcessor(settings, serdes, metrics),
            "profile-events-source",
            inputs.validated("purchases", topics.purchases(), serdes.purchase().deserializer(), PROFILE_PROCESSOR,
                Outputs.REROUTED_EVENTS),
            inputs.validated("emails", topics.email(), serdes.email().deserializer(), PROFILE_PROCESSOR,
                Outputs.REROUTED_EVENTS));
        topology.addSink(Outputs.REROUTED_EVENTS, topics.profileEvents(), keyWriter,
            serdes.profileEvent().serializer(), "validate-purchases", "validate-emails");
        topology.addSink(Outputs.MOVED_PROFILES, topics.profileEvents(), keyWriter,
            serdes.profileEvent().serializer(), PROFILE_PROCESSOR);
        topology.addSink(Outputs.MERGE_IDENTITY_EVENTS, topics.identityEvents(), keyWriter,
            serdes.identityEvent().serializer(), PROFILE_PROCESSOR);
        topology.addSink(Outputs.IDENTITY_COMMANDS, topics.identityCommands(), keyWriter,
            serdes.identityInbox().serializer(), PROFILE_PROCESSOR);
        // Profiles arrive already encoded, from the store's cache: see ProfileUpdates.
        topology.addSink(Outputs.PROFILE_UPDATES, topics.profileUpdates(), keyWriter, new ByteArraySerializer(),
            PROFILE_PROCESSOR);
        topology.addSink(Outputs.SEGMENT_CHANGES, topics.segmentChanges(), keyWriter,
            serdes.segmentChange().serializer(), PROFILE_PROCESSOR);
        topology.addSink(Outputs.CO_PURCHASE, topics.coPurchase(), keyWriter, serdes.categoryPairs().serializer(),
            PROFILE_PROCESSOR);
        return topology;
    }

    private static ProcessorSupplier<String, SpecificRecord, String, SpecificRecord> profileProcessor(
        final EngineSettings settings,
        final EngineSerdes serdes,
        final EngineMetrics metrics) {
        return new ProcessorSupplier<>() {
            @Override
            public ProfileProcessor get() {
                return new ProfileProcessor(settings, metrics,
                    stored -> serdes.profileUpdate(settings.topics().profileUpdates(), stored));
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(Stores.profiles(serdes),
                    Stores.eventDedup(serdes, Duration.ofMillis(settings.dedupRetentionMs())),
                    Stores.customerLinks(serdes),
                    Stores.reevaluationSchedule(),
                    Stores.segmentMembers(),
                    Stores.segmentBackfill(),
                    Stores.traitBackfill(),
                    Stores.coPurchaseCounts(serdes));
            }
        };
    }

    /**
     * Adds an input topic's source and the validation that follows it.
     */
    private record Input(Topology topology,
                         EngineSettings settings,
                         EventTimestampExtractor eventTime,
                         Deserializer<String> keys,
                         EngineMetrics metrics,
                         int partitions) {

        /**
         * Returns the name of the validating node, which forwards only valid events.
         *
         * @param next the node valid events go on to, or null for every child
         * @param reroute the sink of events that arrived on another task's partition, or null to keep them here
         */
        <V> String validated(final String name,
                             final String topic,
                             final Deserializer<V> deserializer,
                             final String next,
                             final String reroute) {
            // No reset policy of its own: the consumer's auto.offset.reset applies, as for every other source.
            topology.addSource((AutoOffsetReset) null, name + "-source", eventTime, keys, deserializer, topic);
            final InputRouting routing = new InputRouting(topic, partitions, next, reroute, metrics);
            topology.addProcessor("validate-" + name, () -> new ValidateEvent<V>(settings.validator(), routing),
                name + "-source");
            return "validate-" + name;
        }
    }
}
