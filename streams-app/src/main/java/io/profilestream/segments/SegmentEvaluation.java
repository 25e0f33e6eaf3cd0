package io.profilestream.segments;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.profilestream.domain.MembershipChange;
import io.profilestream.profile.CustomerProfile;

/**
 * The memberships of one profile after evaluation, and how they differ from before.
 * When nothing changed, {@link #segments()} is the previous list itself and {@link #changes()} is empty.
 */
public final class SegmentEvaluation {

    private final List<String> segments;
    private final String persona;
    private final List<MembershipChange> changes;
    private final int errors;
    private final int evaluated;
    private final int skipped;

    SegmentEvaluation(final List<String> segments,
                      final String persona,
                      final List<MembershipChange> changes,
                      final int errors,
                      final int evaluated,
                      final int skipped) {
        this.segments = segments;
        this.persona = persona;
        this.changes = changes;
        this.errors = errors;
        this.evaluated = evaluated;
        this.skipped = skipped;
    }

    /**
     * Ids of the segments the profile is a member of, in id order (unmodifiable).
     */
    public List<String> segments() {
        return segments;
    }

    /**
     * The profile's persona, if one matches.
     */
    public Optional<String> persona() {
        return Optional.ofNullable(persona);
    }

    /**
     * The changes, segments first in id order, then the persona (EXITED for the old one before ENTERED for the
     * new one).
     */
    public List<MembershipChange> changes() {
        return changes;
    }

    /**
     * Whether any membership changed.
     */
    public boolean changed() {
        return !changes.isEmpty();
    }

    /**
     * How many rules failed for this profile (each was reported to the error listener).
     */
    public int errors() {
        return errors;
    }

    /** How many rules were evaluated. */
    public int evaluated() {
        return evaluated;
    }

    /** How many rules kept their previous answer because none of their inputs changed. */
    public int skipped() {
        return skipped;
    }

    /**
     * Writes the memberships into the profile ({@code segments} and {@code persona}) when they changed.
     */
    public void applyTo(final CustomerProfile profile) {
        if (changed()) {
            profile.setSegments(new ArrayList<>(segments));
            profile.setPersona(persona);
        }
    }

    @Override
    public String toString() {
        return "SegmentEvaluation(segments=" + segments + ", persona=" + persona + ", changes=" + changes
            + ", errors=" + errors + ")";
    }
}
