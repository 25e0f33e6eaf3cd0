package io.profilestream.segments;

/**
 * The outcome of one rule for one profile.
 */
public enum Match {
    /** The rule is true. */
    MATCH,
    /** The rule is false. */
    NO_MATCH,
    /** The rule failed for this profile; it counts as not matching and the error was reported. */
    ERROR;

    /**
     * Whether the profile is a member: only a true rule makes one.
     */
    public boolean isMember() {
        return this == MATCH;
    }
}
