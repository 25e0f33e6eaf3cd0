package io.profilestream.domain;

import io.profilestream.profile.ChangeKind;
import io.profilestream.profile.ChangeType;

/**
 * A profile entered or left a lifecycle stage, a segment or a persona.
 *
 * @param kind segment, lifecycle stage or persona
 * @param id the segment id, stage name or persona id
 * @param version the definition version (0 for lifecycle stages, and for a definition that no longer exists)
 * @param change entered or exited
 * @param reason why, in kebab-case for {@code SegmentChange.reason} (segments and personas:
 *               {@code io.profilestream.segments.ChangeReason}), or {@code null}
 */
public record MembershipChange(ChangeKind kind, String id, long version, ChangeType change, String reason) {

    /**
     * A change without a reason.
     */
    public MembershipChange(final ChangeKind kind, final String id, final long version, final ChangeType change) {
        this(kind, id, version, change, null);
    }

    public static MembershipChange entered(final ChangeKind kind, final String id, final long version) {
        return new MembershipChange(kind, id, version, ChangeType.ENTERED);
    }

    public static MembershipChange exited(final ChangeKind kind, final String id, final long version) {
        return new MembershipChange(kind, id, version, ChangeType.EXITED);
    }
}
