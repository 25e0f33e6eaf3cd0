package io.profilestream.identity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.profilestream.events.ClickEvent;
import io.profilestream.internal.IdentityLink;
import io.profilestream.internal.LinkStatus;
import io.profilestream.profile.IdentityAction;

/**
 * Decides what a click does to the identity graph: which profile it belongs to, and whether it links, re-links or
 * quarantines its anonymous id. It has no Kafka dependency and no I/O.
 * <ul>
 * <li>The first click that names a customer links the anonymous id to that customer and asks for the anonymous
 * profile to be merged into the customer's.</li>
 * <li>A later click naming another customer (a shared device) re-links the anonymous id to that customer; profiles
 * are never merged again, so two customers' profiles never fuse.</li>
 * <li>An anonymous id seen with more distinct customers, or with more clicks without a customer, than the limits
 * is quarantined for good: its anonymous clicks stay on its own anonymous profile and it is never merged.</li>
 * </ul>
 * A click that names a customer always belongs to that customer.
 */
public final class IdentityPolicy {

    /** Quarantine reason: the anonymous id was seen with more distinct customers than allowed. */
    public static final String TOO_MANY_CUSTOMERS = "too-many-customers";
    /** Quarantine reason: the anonymous id sent more clicks without a customer than allowed. */
    public static final String TOO_MANY_EVENTS = "too-many-events";

    private final int maxCustomers;
    private final long maxAnonymousEvents;

    /**
     * A policy with the given quarantine limits.
     *
     * @param maxCustomers distinct customers an anonymous id may be seen with
     * @param maxAnonymousEvents clicks without a customer an anonymous id may send
     */
    public IdentityPolicy(final int maxCustomers, final long maxAnonymousEvents) {
        if (maxCustomers < 1 || maxAnonymousEvents < 1) {
            throw new IllegalArgumentException("Quarantine limits must be positive.");
        }
        this.maxCustomers = maxCustomers;
        this.maxAnonymousEvents = maxAnonymousEvents;
    }

    /**
     * What one change to the graph was: the action, the customer it concerns, the customer linked before (for a
     * re-link) and a reason (for a quarantine).
     */
    public record Change(IdentityAction action, String customerId, String previousCustomerId, String reason) {
    }

    /**
     * The outcome of one click.
     *
     * @param link the new state of the anonymous id, to store
     * @param profileId the profile the click belongs to
     * @param mergeAnonymousProfile whether the anonymous profile must now move into {@code profileId}
     * @param changes the changes to report, in order
     */
    public record Resolution(IdentityLink link, String profileId, boolean mergeAnonymousProfile, List<Change> changes) {
    }

    /**
     * Resolves one click against the current state of its anonymous id.
     *
     * @param current what is known about the anonymous id, or null when it is new; not changed
     * @param click a validated click
     */
    public Resolution resolve(final IdentityLink current, final ClickEvent click) {
        final String anonymousId = click.getAnonymousId();
        final Instant time = click.getTimestamp();
        final IdentityLink link = current == null ? newLink(anonymousId) : copyOf(current);
        if (link.getFirstSeen() == null || time.isBefore(link.getFirstSeen())) {
            link.setFirstSeen(time);
        }
        if (link.getLastSeen() == null || time.isAfter(link.getLastSeen())) {
            link.setLastSeen(time);
        }
        final String customerId = click.getCustomerId();
        final String anonymousProfile = ProfileIds.anonymous(anonymousId);
        if (customerId == null) {
            link.setEvents(link.getEvents() + 1);
        }
        if (link.getStatus() == LinkStatus.QUARANTINED) {
            return new Resolution(link, customerId != null ? customerId : anonymousProfile, false, List.of());
        }
        if (customerId != null && !link.getCustomers().contains(customerId)) {
            final List<String> customers = new ArrayList<>(link.getCustomers());
            customers.add(customerId);
            link.setCustomers(customers);
        }
        final String reason = link.getCustomers().size() > maxCustomers ? TOO_MANY_CUSTOMERS
            : link.getEvents() > maxAnonymousEvents ? TOO_MANY_EVENTS
            : null;
        if (reason != null) {
            final String concerned = customerId != null ? customerId : link.getCustomerId();
            link.setStatus(LinkStatus.QUARANTINED);
            link.setQuarantinedAt(time);
            link.setQuarantineReason(reason);
            return new Resolution(link, customerId != null ? customerId : anonymousProfile, false,
                List.of(new Change(IdentityAction.QUARANTINED, concerned, link.getCustomerId(), reason)));
        }
        if (customerId == null) {
            final String profileId = link.getStatus() == LinkStatus.LINKED ? link.getCustomerId() : anonymousProfile;
            return new Resolution(link, profileId, false, List.of());
        }
        if (link.getStatus() == LinkStatus.ANONYMOUS) {
            link.setStatus(LinkStatus.LINKED);
            link.setCustomerId(customerId);
            link.setLinkedAt(time);
            link.setMerged(true);
            return new Resolution(link, customerId, true,
                List.of(new Change(IdentityAction.LINKED, customerId, null, null)));
        }
        if (!customerId.equals(link.getCustomerId())) {
            final String previous = link.getCustomerId();
            link.setCustomerId(customerId);
            link.setLinkedAt(time);
            return new Resolution(link, customerId, false,
                List.of(new Change(IdentityAction.RELINKED, customerId, previous, null)));
        }
        return new Resolution(link, customerId, false, List.of());
    }

    /**
     * Forgets a customer on one anonymous id, for erasure.
     * Returns the new state (null when nothing is left to keep) and whether the id was linked to that customer.
     *
     * @param current what is known about the anonymous id; not changed
     * @param customerId the erased customer
     */
    public Unlink unlink(final IdentityLink current, final String customerId) {
        final boolean linked = customerId.equals(current.getCustomerId());
        if (linked && current.getStatus() != LinkStatus.QUARANTINED) {
            return new Unlink(null, true);
        }
        final IdentityLink link = copyOf(current);
        final List<String> customers = new ArrayList<>(link.getCustomers());
        customers.remove(customerId);
        link.setCustomers(customers);
        if (linked) {
            link.setCustomerId(null);
            link.setLinkedAt(null);
        }
        return new Unlink(link, linked);
    }

    /**
     * A copy of a link whose fields can be set without changing the original, which the caller may still hold (the
     * identity task keeps links decoded). It shares the field values: each is immutable, or a list that this class
     * replaces whole instead of changing it ({@code customers}); Avro's builder would copy every one of them, which
     * measured at 2% of the stream thread with a click per call.
     */
    private static IdentityLink copyOf(final IdentityLink link) {
        final IdentityLink copy = new IdentityLink();
        for (int field = 0; field < IdentityLink.SCHEMA$.getFields().size(); field++) {
            copy.put(field, link.get(field));
        }
        return copy;
    }

    /**
     * The outcome of an unlink: the state to keep (null to delete it) and whether a link to the customer was removed.
     */
    public record Unlink(IdentityLink link, boolean unlinked) {
    }

    private static IdentityLink newLink(final String anonymousId) {
        return IdentityLink.newBuilder()
            .setAnonymousId(anonymousId)
            .setStatus(LinkStatus.ANONYMOUS)
            .setCustomers(new ArrayList<>())
            .build();
    }
}
