package io.profilestream.config;

import java.util.List;


/**
 * The one place that names the engine's topics; every name comes from configuration.
 *
 * @param clickstream click events, keyed by anonymousId
 * @param purchases orders and refunds, keyed by customerId
 * @param email email events, keyed by customerId
 * @param erasure erasure requests, keyed by customerId
 * @param customerTraits CRM and sign-up traits, keyed by customerId
 * @param profileUpdates latest profiles (compacted), keyed by profile id
 * @param segmentChanges segment, lifecycle and persona changes, keyed by customerId
 * @param segmentDefinitions the segment catalogue (compacted), keyed by segment id
 * @param modelParameters fitted model parameters (compacted), keyed by model name
 * @param deadLetterQueue rejected records with their reason in headers
 * @param identityEvents the identity audit trail (links, merges, re-links, quarantines, unlinks), keyed by customerId
 */
public record Topics(String clickstream,
                     String purchases,
                     String email,
                     String erasure,
                     String profileUpdates,
                     String segmentChanges,
                     String segmentDefinitions,
                     String modelParameters,
                     String deadLetterQueue,
                     String customerTraits,
                     String identityEvents) {

    /** Name of the internal repartition topic that carries events keyed by profile id (prefixed by the app id). */
    public static final String PROFILE_EVENTS = "profile-events";
    /** Name of the internal repartition topic that carries identity commands keyed by anonymousId. */
    public static final String IDENTITY_COMMANDS = "identity-commands";
    /**
     * The profile-events repartition topic as a sink names it: Kafka Streams adds the application id to a sink
     * whose topic is one of its internal topics, so writing here feeds the same topic the DSL repartition reads.
     */
    public static final String PROFILE_EVENTS_SINK = PROFILE_EVENTS + "-repartition";

    public static Topics from(final ProfileStreamConfig config) {
        return new Topics(
            config.get("topics.clickstream"),
            config.get("topics.purchases"),
            config.get("topics.email"),
            config.get("topics.erasure"),
            config.get("topics.profile.updates"),
            config.get("topics.segment.changes"),
            config.get("topics.segment.definitions"),
            config.get("topics.model.parameters"),
            config.get("topics.dlq"),
            config.get("topics.customer.traits"),
            config.get("topics.identity.events"));
    }

    /** The input topics, which must share one partition count. */
    public List<String> inputs() {
        return List.of(clickstream, purchases, email, erasure, customerTraits);
    }

    /** Output and catalogue topics that are compacted. */
    /**
     * Output logs whose records carry event time, which in a replay can be months old: the broker stamps them with
     * the append time instead, so time-based retention does not delete a replay's output as it is written.
     */
    public List<String> appendTimeStamped() {
        return List.of(segmentChanges, identityEvents, deadLetterQueue);
    }

    public List<String> compacted() {
        return List.of(profileUpdates, segmentDefinitions, modelParameters);
    }

    /** Every topic the engine reads or writes, except internal ones. */
    public List<String> all() {
        return List.of(clickstream, purchases, email, erasure, profileUpdates, segmentChanges, segmentDefinitions,
            modelParameters, deadLetterQueue, customerTraits, identityEvents);
    }
}
