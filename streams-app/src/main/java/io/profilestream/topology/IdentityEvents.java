package io.profilestream.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import io.profilestream.identity.IdentityPolicy;
import io.profilestream.identity.ProfileIds;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.profile.IdentityAction;
import io.profilestream.profile.IdentityEvent;

/**
 * Builds the audit records of the identity graph and counts them, so every change is both published and measured.
 */
final class IdentityEvents {

    /** Record header that says why a profile changed; {@value #MERGE} for a change caused by a merge. */
    static final String CAUSE_HEADER = "profilestream.cause";
    /** Cause of a profile change made by moving an anonymous profile into a customer's. */
    static final String MERGE = "merge";

    private final EngineMetrics metrics;

    IdentityEvents(final EngineMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * The record of one change, counted in {@code profilestream_identity_changes_total}.
     *
     * @param anonymousId the anonymous id whose link changed
     * @param change what happened and to which customer
     * @param causeEventId the event that caused it
     * @param eventTime event time of the cause
     * @param now processing time
     */
    IdentityEvent create(final String anonymousId,
                         final IdentityPolicy.Change change,
                         final String causeEventId,
                         final Instant eventTime,
                         final Instant now) {
        metrics.identityChange(change.action());
        final String id = String.join("|", change.action().name(), anonymousId,
            String.valueOf(change.customerId()), causeEventId);
        return IdentityEvent.newBuilder()
            .setEventId(UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8)).toString())
            .setAction(change.action())
            .setAnonymousId(anonymousId)
            .setCustomerId(change.customerId())
            .setPreviousCustomerId(change.previousCustomerId())
            .setCauseEventId(causeEventId)
            .setReason(change.reason())
            .setEventTime(eventTime)
            .setEmittedAt(now)
            .build();
    }

    /**
     * The key of an identity event: its customer, or the anonymous profile id when no customer is involved.
     */
    static String key(final IdentityEvent event) {
        return event.getCustomerId() != null ? event.getCustomerId() : ProfileIds.anonymous(event.getAnonymousId());
    }

    /**
     * A change that concerns one customer and no other.
     */
    static IdentityPolicy.Change change(final IdentityAction action, final String customerId, final String reason) {
        return new IdentityPolicy.Change(action, customerId, null, reason);
    }
}
