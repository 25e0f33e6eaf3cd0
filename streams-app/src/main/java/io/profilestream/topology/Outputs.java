package io.profilestream.topology;

/**
 * Names of the sinks the processors forward to; {@link ProfileTopology} wires each to its topic and serde.
 * Kafka Streams puts every processor that writes to one sink node into one sub-topology, and so into one task with
 * all of their source partitions; each sub-topology therefore has sinks of its own, even where two write to the same
 * topic.
 */
final class Outputs {

    // Identity resolution: the identity resolver, the unlinker and the custom-event router.
    /** Clicks and merge requests by profile id, on the engine's profile-events topic. */
    static final String RESOLVED_EVENTS = "resolved-events-sink";
    /** The identity audit trail: links, re-links, quarantines, unlinks. */
    static final String IDENTITY_EVENTS = "identity-events-sink";
    /** Clicks that arrived on another task's partition, on the identity inbox (identity-commands) by anonymousId. */
    static final String REROUTED_CLICKS = "rerouted-clicks-sink";

    // The relay of the rare inputs.
    /** Customer traits, erasure requests and custom events that name their customer, onto profile-events unchanged. */
    static final String RELAYED_EVENTS = "relayed-events-sink";
    /**
     * Custom events with only an anonymous id, and clicks an earlier version left on rerouted-clicks, on the identity
     * inbox (identity-commands) by anonymousId.
     */
    static final String RELAYED_TO_INBOX = "relayed-to-inbox-sink";

    // The profile processor.
    /** Anonymous profiles moved to the customer they merge into, on the profile-events topic. */
    static final String MOVED_PROFILES = "moved-profiles-sink";
    /** Merges, for the identity audit trail. */
    static final String MERGE_IDENTITY_EVENTS = "merge-identity-events-sink";
    /** Unlink commands by anonymousId, sent when a customer is erased, on the identity inbox (identity-commands). */
    static final String IDENTITY_COMMANDS = "identity-commands-sink";
    /** Latest profiles, and tombstones. */
    static final String PROFILE_UPDATES = "profile-updates-sink";
    /** Segment, persona and lifecycle changes. */
    static final String SEGMENT_CHANGES = "segment-changes-sink";
    /** Purchases and emails that arrived on another task's partition, on the profile-events topic by customer id. */
    static final String REROUTED_EVENTS = "rerouted-events-sink";

    private Outputs() {
    }

    /** Custom events, keyed by the profile they belong to, to {@code profile-events}. */
    static final String ROUTED_CUSTOM_EVENTS = "routed-custom-events-sink";

    /** This task's co-purchase rows, to the compacted {@code co-purchase} topic every instance reads. */
    static final String CO_PURCHASE = "co-purchase-sink";
}
