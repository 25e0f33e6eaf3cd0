package io.profilestream.topology;

import java.time.Duration;
import java.util.Set;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

import io.profilestream.events.ClickEvent;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.serde.EngineSerdes;
import io.profilestream.config.Topics;
import io.profilestream.config.EngineSettings;

/**
 * Builds the engine's topology; it does no I/O, so tests and the application call the same function.
 *
 * <pre>
 * clickstream-events -> validate -> identity resolver -> profile-events (internal) -+
 * purchase-events    -> validate ------------------------------------------------->+
 * email-events       -> validate ------------------------------------------------->+-> profile processor
 * erasure-requests   -> validate ------------------------------------------------->+   -> profile-updates
 * customer-traits    -> validate ------------------------------------------------->+   -> segment-changes
 * </pre>
 * {@link IdentityTopology} draws the identity-resolution parts in detail.
 */
public final class ProfileTopology {

    private ProfileTopology() {
    }

    /**
     * Returns the topology for the given settings, serdes and metrics.
     */
    public static Topology build(final EngineSettings settings,
                                 final EngineSerdes serdes,
                                 final EngineMetrics metrics) {
        final Topics topics = settings.topics();
        final StreamsBuilder builder = new StreamsBuilder();
        final Serde<String> keys = serdes.key();
        final EventTimestampExtractor eventTime = new EventTimestampExtractor(settings.validator().maxFutureSkewMs());

        builder.addGlobalStore(Stores.modelParameters(serdes), topics.modelParameters(),
            Consumed.with(keys, serdes.modelParameters()).withName("model-parameters-source"),
            () -> new GlobalStoreUpdater<>(Stores.MODEL_PARAMETERS));
        builder.addGlobalStore(Stores.segmentDefinitions(serdes), topics.segmentDefinitions(),
            Consumed.with(keys, serdes.segmentDefinition()).withName("segment-definitions-source"),
            () -> new GlobalStoreUpdater<>(Stores.SEGMENT_DEFINITIONS));

        final KStream<String, ClickEvent> clicks = builder
            .stream(topics.clickstream(), Consumed.with(keys, serdes.click())
                .withTimestampExtractor(eventTime)
                .withName("clickstream-source"))
            .processValues(() -> new ValidateEvent<>(settings.validator()),
                Named.as("validate-clicks"));

        final KStream<String, SpecificRecord> events = IdentityTopology
            .resolveClicks(builder, clicks, settings, serdes, metrics)
            .merge(validated(builder, topics.purchases(), serdes.purchase(), keys, eventTime, settings, "purchases"),
                Named.as("merge-purchases"))
            .merge(validated(builder, topics.email(), serdes.email(), keys, eventTime, settings, "emails"),
                Named.as("merge-emails"))
            .merge(validated(builder, topics.erasure(), serdes.erasure(), keys, eventTime, settings, "erasures"),
                Named.as("merge-erasures"))
            .merge(validated(builder, topics.customerTraits(), serdes.traits(), keys, eventTime, settings, "traits"),
                Named.as("merge-traits"));

        final KStream<String, SpecificRecord> output = events
            .process(profileProcessor(settings, serdes, metrics), Named.as("profile-processor"));
        IdentityTopology.routeProcessorOutput(output, settings, serdes, metrics)
            .to(topics.profileUpdates(), Produced.with(keys, serdes.profile()).withName("profile-updates-sink"));
        return builder.build();
    }

    private static <V extends SpecificRecord> KStream<String, SpecificRecord> validated(
        final StreamsBuilder builder,
        final String topic,
        final Serde<V> serde,
        final Serde<String> keys,
        final EventTimestampExtractor eventTime,
        final EngineSettings settings,
        final String name) {
        final KStream<String, V> stream = builder
            .stream(topic, Consumed.with(keys, serde).withTimestampExtractor(eventTime).withName(name + "-source"))
            .processValues(() -> new ValidateEvent<>(settings.validator()),
                Named.as("validate-" + name));
        return upcast(stream, name);
    }

    private static <V extends SpecificRecord> KStream<String, SpecificRecord> upcast(final KStream<String, V> stream,
                                                                                    final String name) {
        return stream.mapValues(value -> (SpecificRecord) value, Named.as("as-event-" + name));
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
}
