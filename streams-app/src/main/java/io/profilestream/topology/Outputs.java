package io.profilestream.topology;

/**
 * Names of the sinks the processors forward to, one per output topic; {@link ProfileTopology} wires each to its
 * topic and serde.
 */
final class Outputs {

    /** Clicks and merge requests by profile id (identity resolver), moved anonymous profiles (profile processor). */
    static final String PROFILE_EVENTS = "profile-events-sink";
    /** Unlink commands by anonymousId, sent when a customer is erased. */
    static final String IDENTITY_COMMANDS = "identity-commands-sink";
    /** The identity audit trail. */
    static final String IDENTITY_EVENTS = "identity-events-sink";
    /** Latest profiles, and tombstones. */
    static final String PROFILE_UPDATES = "profile-updates-sink";
    /** Segment, persona and lifecycle changes. */
    static final String SEGMENT_CHANGES = "segment-changes-sink";

    private Outputs() {
    }
}
