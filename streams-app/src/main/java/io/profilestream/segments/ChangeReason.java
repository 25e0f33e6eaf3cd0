package io.profilestream.segments;

import java.util.Locale;

/**
 * Why a profile entered or left a segment or persona; {@link #text()} fills {@code SegmentChange.reason}.
 */
public enum ChangeReason {
    /** The rule matches now and did not before. */
    MATCHED,
    /** The rule no longer matches. */
    NO_LONGER_MATCHES,
    /** The rule failed for this profile, which counts as not matching. */
    EVALUATION_ERROR,
    /** The definition is disabled. */
    DISABLED,
    /** No definition of this kind has the id any more (deleted, or changed from segment to persona or back). */
    DELETED,
    /** The stored definition does not compile (for instance it was written by an outside producer). */
    INVALID,
    /** The persona still matches, but a persona earlier in the order now matches too and wins. */
    OUTRANKED;

    /**
     * The reason as kebab-case text, e.g. {@code no-longer-matches}.
     */
    public String text() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
