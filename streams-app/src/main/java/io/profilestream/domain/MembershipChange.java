package io.profilestream.domain;

import io.profilestream.profile.ChangeKind;
import io.profilestream.profile.ChangeType;

/**
 * A profile entered or left a lifecycle stage, a segment or a persona.
 *
 * @param kind segment, lifecycle stage or persona
 * @param id the segment id, stage name or persona id
 * @param version the definition version (0 for lifecycle stages)
 * @param change entered or exited
 */
public record MembershipChange(ChangeKind kind, String id, long version, ChangeType change) {

    public static MembershipChange entered(final ChangeKind kind, final String id, final long version) {
        return new MembershipChange(kind, id, version, ChangeType.ENTERED);
    }

    public static MembershipChange exited(final ChangeKind kind, final String id, final long version) {
        return new MembershipChange(kind, id, version, ChangeType.EXITED);
    }
}
