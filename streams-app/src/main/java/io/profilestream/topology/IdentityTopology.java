package io.profilestream.topology;

import java.time.Duration;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

import io.profilestream.events.ClickEvent;
import io.profilestream.internal.IdentityCommand;
import io.profilestream.internal.ProfileMerge;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.IdentityEvent;
import io.profilestream.profile.SegmentChange;
import io.profilestream.serde.EngineSerdes;
import io.profilestream.config.Topics;
import io.profilestream.config.EngineSettings;

/**
 * The identity-resolution parts of the topology.
 *
 * <pre>
 * clicks -> identity-resolver (by anonymousId) -+-> identity-events
 *           identity-links-store                +-> profile-events (clicks and merge requests, by profile id)
 *           click-dedup-store
 *
 * profile processor -+-> profile-events        (moved anonymous profiles, by customer id)
 *                    +-> identity-commands     (unlinks on erasure, by anonymousId) -> identity-unlinker
 *                    +-> identity-events                                                -> identity-events
 *                    +-> profile-updates
 * </pre>
 * The resolver and the unlinker share the resolver's stores, so they run in the same tasks; the profile processor
 * writes into {@code profile-events}, the repartition topic it reads, which is how a moved profile reaches the
 * partition that owns the customer.
 */
final class IdentityTopology {

    private static final String RESOLVER_OUTPUT = "identity-resolver-";
    private static final String PROCESSOR_OUTPUT = "profile-processor-output-";

    private IdentityTopology() {
    }

    /**
     * Resolves clicks to their profiles and returns what the profile processor reads from {@code profile-events}:
     * clicks and merge requests keyed by profile id.
     */
    static KStream<String, SpecificRecord> resolveClicks(final StreamsBuilder builder,
                                                        final KStream<String, ClickEvent> clicks,
                                                        final EngineSettings settings,
                                                        final EngineSerdes serdes,
                                                        final EngineMetrics metrics) {
        builder.addStateStore(Stores.identityLinks(serdes));
        builder.addStateStore(Stores.clickDedup(serdes, Duration.ofMillis(settings.dedupRetentionMs())));
        final Map<String, KStream<String, SpecificRecord>> outputs = clicks
            .process(() -> new IdentityResolver(settings, metrics), Named.as("identity-resolver"),
                Stores.IDENTITY_LINKS, Stores.CLICK_DEDUP)
            .split(Named.as(RESOLVER_OUTPUT))
            .branch((key, value) -> value instanceof IdentityEvent,
                Branched.withConsumer(events -> toIdentityEvents(events, settings, serdes, "identity-resolver"),
                    "identity-events"))
            .defaultBranch(Branched.as("profile-events"));
        final Serde<String> keys = serdes.key();
        return outputs.get(RESOLVER_OUTPUT + "profile-events")
            .repartition(Repartitioned.<String, SpecificRecord>as(Topics.PROFILE_EVENTS)
                .withKeySerde(keys)
                .withValueSerde(serdes.profileEvent()));
    }

    /**
     * Routes what the profile processor emits besides profiles and returns the profiles (and tombstones).
     */
    static KStream<String, CustomerProfile> routeProcessorOutput(final KStream<String, SpecificRecord> output,
                                                                 final EngineSettings settings,
                                                                 final EngineSerdes serdes,
                                                                 final EngineMetrics metrics) {
        final Serde<String> keys = serdes.key();
        final Map<String, KStream<String, SpecificRecord>> outputs = output
            .split(Named.as(PROCESSOR_OUTPUT))
            .branch((key, value) -> value instanceof ProfileMerge, Branched.withConsumer(merges -> merges
                .to(Topics.PROFILE_EVENTS_SINK, Produced.with(keys, serdes.profileEvent())
                    .withName("merges-to-profile-events")), "merges"))
            .branch((key, value) -> value instanceof IdentityCommand, Branched.withConsumer(commands ->
                unlink(commands, settings, serdes, metrics), "identity-commands"))
            .branch((key, value) -> value instanceof IdentityEvent, Branched.withConsumer(events ->
                toIdentityEvents(events, settings, serdes, "profile-processor"), "identity-events"))
            .branch((key, value) -> value instanceof SegmentChange, Branched.withConsumer(changes -> changes
                .mapValues(value -> (SegmentChange) value, Named.as("as-segment-change"))
                .to(settings.topics().segmentChanges(), Produced.with(keys, serdes.segmentChange())
                    .withName("segment-changes-sink")), "segment-changes"))
            .defaultBranch(Branched.as("profiles"));
        return outputs.get(PROCESSOR_OUTPUT + "profiles")
            .mapValues(value -> (CustomerProfile) value, Named.as("as-profile-update"));
    }

    private static void unlink(final KStream<String, SpecificRecord> commands,
                               final EngineSettings settings,
                               final EngineSerdes serdes,
                               final EngineMetrics metrics) {
        commands
            .mapValues(value -> (IdentityCommand) value, Named.as("as-identity-command"))
            .repartition(Repartitioned.<String, IdentityCommand>as(Topics.IDENTITY_COMMANDS)
                .withKeySerde(serdes.key())
                .withValueSerde(serdes.identityCommand()))
            .process(() -> new IdentityUnlinker(settings, metrics), Named.as("identity-unlinker"),
                Stores.IDENTITY_LINKS, Stores.CLICK_DEDUP)
            .to(settings.topics().identityEvents(), Produced.with(serdes.key(), serdes.identityEvent())
                .withName("identity-unlinker-identity-events-sink"));
    }

    private static void toIdentityEvents(final KStream<String, SpecificRecord> events,
                                         final EngineSettings settings,
                                         final EngineSerdes serdes,
                                         final String from) {
        events
            .mapValues(value -> (IdentityEvent) value, Named.as(from + "-as-identity-event"))
            .to(settings.topics().identityEvents(), Produced.with(serdes.key(), serdes.identityEvent())
                .withName(from + "-identity-events-sink"));
    }
}
