package io.profilestream.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.CustomEvent;
import io.profilestream.events.CustomerTraits;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.ErasureRequest;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.internal.MergeRequest;
import io.profilestream.internal.ProfileMerge;

/**
 * The kinds of record the engine consumes, each with its record class, its id and its event time.
 * This is the one place that tells the kinds apart: the validator, the timestamp extractor, the profile processor,
 * the aggregator and the load generator switch over a kind instead of testing record classes one after another.
 * Which topic carries a kind is configuration, answered by {@code Topics.of(EventKind)}.
 */
public enum EventKind {

    /** A page view, search, cart or checkout step, login or sign-up, keyed by anonymousId on input. */
    CLICK(ClickEvent.class, ClickEvent::getEventId, ClickEvent::getTimestamp),
    /** An order or refund, keyed by customerId. */
    PURCHASE(PurchaseEvent.class, PurchaseEvent::getEventId, PurchaseEvent::getTimestamp),
    /** An email sent, delivered, opened, clicked, bounced, unsubscribed or complained about, keyed by customerId. */
    EMAIL(EmailEvent.class, EmailEvent::getEventId, EmailEvent::getTimestamp),
    /**
     * CRM and sign-up traits, keyed by customerId.
     * A record without an event id is identified by its update time, so a redelivery is still applied once.
     */
    TRAITS(CustomerTraits.class,
        traits -> traits.getEventId() != null ? traits.getEventId() : "traits@" + traits.getUpdatedAt().toEpochMilli(),
        CustomerTraits::getUpdatedAt),
    /** A request to forget a customer, keyed by customerId. */
    ERASURE(ErasureRequest.class, ErasureRequest::getRequestId, ErasureRequest::getRequestedAt),
    /** The identity resolver's request to move an anonymous profile out, keyed by the anonymous profile id. */
    MERGE_REQUEST(MergeRequest.class, MergeRequest::getCauseEventId, MergeRequest::getEventTime),
    /**
     * An anonymous profile moved to the customer it merges into, keyed by customerId.
     * Its id names the anonymous id and the login that caused it, so a merge delivered twice is applied once.
     */
    MERGE(ProfileMerge.class, merge -> "merge:" + merge.getAnonymousId() + ":" + merge.getCauseEventId(),
        ProfileMerge::getEventTime),
    /**
     * Any other event a source reports (tickets, app usage, loyalty points), keyed by customerId or anonymousId on
     * input; computed traits aggregate these.
     */
    CUSTOM(CustomEvent.class, CustomEvent::getEventId, CustomEvent::getTimestamp);

    private static final Map<Class<?>, EventKind> BY_CLASS = Map.of(
        ClickEvent.class, CLICK,
        PurchaseEvent.class, PURCHASE,
        EmailEvent.class, EMAIL,
        CustomerTraits.class, TRAITS,
        ErasureRequest.class, ERASURE,
        MergeRequest.class, MERGE_REQUEST,
        ProfileMerge.class, MERGE,
        CustomEvent.class, CUSTOM);

    private final Class<?> type;
    private final Function<Object, String> id;
    private final Function<Object, Instant> time;

    <T> EventKind(final Class<T> type,
                  final Function<T, String> id,
                  final Function<T, Instant> time) {
        this.type = type;
        this.id = event -> id.apply(type.cast(event));
        this.time = event -> time.apply(type.cast(event));
    }

    /**
     * The kind of a record, or empty when the engine does not consume records of its class (or it is null).
     */
    public static Optional<EventKind> find(final Object event) {
        return event == null ? Optional.empty() : Optional.ofNullable(BY_CLASS.get(event.getClass()));
    }

    /**
     * The kind of a record the engine consumes.
     *
     * @throws IllegalArgumentException when the engine does not consume records of its class
     */
    public static EventKind of(final Object event) {
        return find(event).orElseThrow(() -> new IllegalArgumentException("Unsupported event type "
            + (event == null ? "null" : event.getClass().getSimpleName()) + "."));
    }

    /** The record class of this kind. */
    public Class<?> type() {
        return type;
    }

    /** The id under which a record of this kind is deduplicated. */
    public String eventId(final Object event) {
        return id.apply(event);
    }

    /** The event time of a record of this kind. */
    public Instant timestamp(final Object event) {
        return time.apply(event);
    }
}
