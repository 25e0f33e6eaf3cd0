package io.profilestream.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import io.profilestream.domain.MembershipChange;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.SegmentChange;

/**
 * Builds {@code segment-changes} records.
 * The event id is a name-based UUID of the profile, the change, the definition version, the cause and its time (for
 * {@value #CAUSE_TIME}, the time the profile became due; for {@value #CAUSE_BACKFILL}, the profile's version instead),
 * so re-emitting the same change (a replay) gives the same id, whatever the wall clock, and consumers can deduplicate
 * on it.
 */
final class SegmentChanges {

    /** Cause of changes that time alone brought about. */
    static final String CAUSE_TIME = "time";
    /** Cause of changes found while filling a new or changed definition. */
    static final String CAUSE_BACKFILL = "backfill";
    /** Cause of changes that merging an anonymous profile into a customer's brought about. */
    static final String CAUSE_MERGE = "merge";

    private SegmentChanges() {
    }

    static SegmentChange of(final CustomerProfile profile,
                            final MembershipChange change,
                            final String cause,
                            final Instant eventTime,
                            final Instant emittedAt,
                            final boolean holdout) {
        final String profileId = profile.getProfileId();
        // A backfill reaches a profile whenever the punctuator gets to it: its changes are named by the profile's
        // state (events applied) instead of that moment.
        final String when = CAUSE_BACKFILL.equals(cause)
            ? "v" + profile.getIdentity().getVersion()
            : Long.toString(eventTime.toEpochMilli());
        final String identity = String.join("\n", profileId, change.kind().name(), change.id(),
            change.change().name(), Long.toString(change.version()), cause, when);
        return SegmentChange.newBuilder()
            .setEventId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString())
            .setCustomerId(profileId)
            .setKind(change.kind())
            .setSegmentId(change.id())
            .setDefinitionVersion(change.version())
            .setChange(change.change())
            .setEventTime(eventTime)
            .setEmittedAt(emittedAt)
            .setCauseEventId(cause)
            .setReason(change.reason())
            .setLifecycleStage(profile.getLifecycleStage() == null ? null : profile.getLifecycleStage().name())
            .setChurnRisk(profile.getScores().getChurnRisk())
            .setClv(profile.getScores().getClv())
            .setHoldout(holdout)
            .build();
    }
}
