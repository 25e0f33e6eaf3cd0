package io.profilestream.topology;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

import io.profilestream.config.EngineSettings;
import io.profilestream.config.Topics;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.serde.EngineSerdes;

/**
 * Builds the engine's topology; it does no I/O, so tests and the application call the same function.
 *
 * <pre>
 * clickstream-events -> validate -> identity-resolver -+-> profile-events (the engine's own topic, by profile id)
 *                                   (by anonymousId)   +-> identity-events
 * identity-commands  -------------> identity-unlinker ---> identity-events
 *
 * profile-events     ----------->+
 * purchase-events    -> validate ->+
 * email-events       -> validate ->+-> profile-processor -+-> profile-updates
 * erasure-requests   -> validate ->+   (by profile id)    +-> segment-changes
 * customer-traits    -> validate ->+                      +-> identity-events
 *                                                         +-> profile-events    (moved anonymous profiles)
 *                                                         +-> identity-commands (unlinks on erasure)
 * </pre>
 * Each processor forwards to the sinks named in {@link Outputs}, one per output topic with its own serde.
 * The resolver and the unlinker share the resolver's stores, so they run in the same tasks; docs/identity.md
 * explains identity resolution.
 */
public final class ProfileTopology {

    static final String IDENTITY_RESOLVER = "identity-resolver";
    static final String IDENTITY_UNLINKER = "identity-unlinker";
    static final String PROFILE_PROCESSOR = "profile-processor";

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

        final Input inputs = new Input(topology, settings, eventTime, keys);
        topology.addProcessor(IDENTITY_RESOLVER, () -> new IdentityResolver(settings, metrics),
            inputs.validated("clicks", topics.clickstream(), serdes.click()));
        topology.addSource("identity-commands-source", keys, serdes.identityCommand().deserializer(),
            topics.identityCommands());
        topology.addProcessor(IDENTITY_UNLINKER, () -> new IdentityUnlinker(settings, metrics),
            "identity-commands-source");
        topology.addStateStore(Stores.identityLinks(serdes), IDENTITY_RESOLVER, IDENTITY_UNLINKER);
        topology.addStateStore(Stores.clickDedup(serdes, Duration.ofMillis(settings.dedupRetentionMs())),
            IDENTITY_RESOLVER, IDENTITY_UNLINKER);

        topology.addSource("profile-events-source", keys, serdes.profileEvent().deserializer(), topics.profileEvents());
        topology.addProcessor(PROFILE_PROCESSOR, profileProcessor(settings, serdes, metrics),
            "profile-events-source",
            inputs.validated("purchases", topics.purchases(), serdes.purchase()),
            inputs.validated("emails", topics.email(), serdes.email()),
            inputs.validated("erasures", topics.erasure(), serdes.erasure()),
            inputs.validated("traits", topics.customerTraits(), serdes.traits()));

        final Serializer<String> keyWriter = serdes.key().serializer();
        topology.addSink(Outputs.PROFILE_EVENTS, topics.profileEvents(), keyWriter,
            serdes.profileEvent().serializer(), IDENTITY_RESOLVER, PROFILE_PROCESSOR);
        topology.addSink(Outputs.IDENTITY_COMMANDS, topics.identityCommands(), keyWriter,
            serdes.identityCommand().serializer(), PROFILE_PROCESSOR);
        topology.addSink(Outputs.IDENTITY_EVENTS, topics.identityEvents(), keyWriter,
            serdes.identityEvent().serializer(), IDENTITY_RESOLVER, IDENTITY_UNLINKER, PROFILE_PROCESSOR);
        topology.addSink(Outputs.PROFILE_UPDATES, topics.profileUpdates(), keyWriter, serdes.profile().serializer(),
            PROFILE_PROCESSOR);
        topology.addSink(Outputs.SEGMENT_CHANGES, topics.segmentChanges(), keyWriter,
            serdes.segmentChange().serializer(), PROFILE_PROCESSOR);
        return topology;
    }

    private static ProcessorSupplier<String, SpecificRecord, String, SpecificRecord> profileProcessor(
        final EngineSettings settings,
        final EngineSerdes serdes,
        final EngineMetrics metrics) {
        return new ProcessorSupplier<>() {
            @Override
            public ProfileProcessor get() {
                return new ProfileProcessor(settings, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(Stores.profiles(serdes),
                    Stores.eventDedup(serdes, Duration.ofMillis(settings.dedupRetentionMs())),
                    Stores.customerLinks(serdes),
                    Stores.reevaluationSchedule(),
                    Stores.segmentMembers(),
                    Stores.segmentBackfill());
            }
        };
    }

    /**
     * Adds an input topic's source and the validation that follows it.
     */
    private record Input(Topology topology,
                         EngineSettings settings,
                         EventTimestampExtractor eventTime,
                         Deserializer<String> keys) {

        /** Returns the name of the validating node, which forwards only valid events. */
        <V> String validated(final String name, final String topic, final Serde<V> serde) {
            // No reset policy of its own: the consumer's auto.offset.reset applies, as for every other source.
            topology.addSource((AutoOffsetReset) null, name + "-source", eventTime, keys, serde.deserializer(), topic);
            topology.addProcessor("validate-" + name, () -> new ValidateEvent<V>(settings.validator()),
                name + "-source");
            return "validate-" + name;
        }
    }
}
