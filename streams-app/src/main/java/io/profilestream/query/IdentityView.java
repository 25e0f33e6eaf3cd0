package io.profilestream.query;

import java.time.Instant;

import io.profilestream.identity.ProfileIds;
import io.profilestream.internal.IdentityLink;
import io.profilestream.internal.LinkStatus;

/**
 * What {@code GET /api/v1/identities/{anonymousId}} shows about one anonymous id: its status, the customer it is
 * linked to and the profile its clicks go to.
 * Other customers seen with the id are counted, never named.
 * Times are ISO-8601 strings, or null.
 *
 * @param anonymousId the anonymous id
 * @param status ANONYMOUS (never linked), LINKED or QUARANTINED
 * @param customerId the linked customer, only while LINKED
 * @param profileId the profile the id's anonymous clicks go to: the customer while LINKED, otherwise
 *                  {@code anon:<anonymousId>}
 * @param linkedAt event time of the login that made the link
 * @param merged whether the anonymous profile was merged into a customer
 * @param distinctCustomers how many customers were seen with the id
 * @param anonymousEvents clicks without a customer id seen with the id
 * @param firstSeen event time of the first click
 * @param lastSeen event time of the latest click
 * @param quarantinedAt event time of the quarantine
 * @param quarantineReason too-many-customers or too-many-events
 */
public record IdentityView(String anonymousId,
                           String status,
                           String customerId,
                           String profileId,
                           String linkedAt,
                           boolean merged,
                           int distinctCustomers,
                           long anonymousEvents,
                           String firstSeen,
                           String lastSeen,
                           String quarantinedAt,
                           String quarantineReason) {

    /**
     * The view of a stored link.
     */
    public static IdentityView of(final IdentityLink link) {
        final boolean linked = link.getStatus() == LinkStatus.LINKED;
        return new IdentityView(link.getAnonymousId(),
            link.getStatus().name(),
            linked ? link.getCustomerId() : null,
            linked ? link.getCustomerId() : ProfileIds.anonymous(link.getAnonymousId()),
            linked ? text(link.getLinkedAt()) : null,
            link.getMerged(),
            link.getCustomers().size(),
            link.getEvents(),
            text(link.getFirstSeen()),
            text(link.getLastSeen()),
            text(link.getQuarantinedAt()),
            link.getQuarantineReason());
    }

    /**
     * Whether the id resolves to a customer.
     */
    public boolean linked() {
        return LinkStatus.LINKED.name().equals(status) && customerId != null;
    }

    private static String text(final Instant time) {
        return time == null ? null : time.toString();
    }
}
