package io.profilestream.segments;

import java.util.Objects;

import io.profilestream.profile.ChangeKind;
import io.profilestream.profile.ChangeType;

/**
 * One profile entered or left one segment or persona: the domain part of a {@code SegmentChange} record, to which
 * the processor adds the ids, the cause and the times.
 *
 * @param kind              {@link ChangeKind#SEGMENT} or {@link ChangeKind#PERSONA}
 * @param id                the segment or persona id
 * @param definitionVersion the version of the definition that decided, or 0 when there is no definition any more
 * @param change            {@link ChangeType#ENTERED} or {@link ChangeType#EXITED}
 * @param reason            why
 */
public record MembershipChange(ChangeKind kind,
                               String id,
                               long definitionVersion,
                               ChangeType change,
                               ChangeReason reason) {

    /**
     * Checks no component is null.
     */
    public MembershipChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(reason, "reason");
    }

    static MembershipChange entered(final ChangeKind kind, final CompiledDefinition definition) {
        return new MembershipChange(kind, definition.id(), definition.version(), ChangeType.ENTERED,
            ChangeReason.MATCHED);
    }

    static MembershipChange exited(final ChangeKind kind,
                                   final String id,
                                   final long version,
                                   final ChangeReason reason) {
        return new MembershipChange(kind, id, version, ChangeType.EXITED, reason);
    }

    @Override
    public String toString() {
        return change + " " + kind + " " + id + " v" + definitionVersion + " (" + reason.text() + ")";
    }
}
