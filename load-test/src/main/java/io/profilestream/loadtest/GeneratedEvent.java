package io.profilestream.loadtest;

import java.time.Instant;
import java.util.Objects;

import org.apache.avro.specific.SpecificRecord;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.PurchaseEvent;

/**
 * One event ready to be produced: which topic it belongs to, its record key and its Avro value.
 *
 * @param kind the input topic kind
 * @param key the record key (anonymousId for clicks, customerId otherwise)
 * @param value a {@link ClickEvent}, {@link PurchaseEvent} or {@link EmailEvent} matching {@code kind}
 */
public record GeneratedEvent(EventKind kind, String key, SpecificRecord value) {

    public GeneratedEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
        final boolean matches = switch (kind) {
            case CLICK -> value instanceof ClickEvent;
            case PURCHASE -> value instanceof PurchaseEvent;
            case EMAIL -> value instanceof EmailEvent;
        };
        if (!matches) {
            throw new IllegalArgumentException("A " + kind + " event cannot carry a "
                + value.getClass().getSimpleName() + ".");
        }
    }

    public static GeneratedEvent click(final ClickEvent click) {
        return new GeneratedEvent(EventKind.CLICK, click.getAnonymousId(), click);
    }

    public static GeneratedEvent purchase(final PurchaseEvent purchase) {
        return new GeneratedEvent(EventKind.PURCHASE, purchase.getCustomerId(), purchase);
    }

    public static GeneratedEvent email(final EmailEvent email) {
        return new GeneratedEvent(EventKind.EMAIL, email.getCustomerId(), email);
    }

    /**
     * The event time carried in the value.
     */
    public Instant timestamp() {
        return switch (kind) {
            case CLICK -> ((ClickEvent) value).getTimestamp();
            case PURCHASE -> ((PurchaseEvent) value).getTimestamp();
            case EMAIL -> ((EmailEvent) value).getTimestamp();
        };
    }

    /**
     * The event id carried in the value.
     */
    public String eventId() {
        return switch (kind) {
            case CLICK -> ((ClickEvent) value).getEventId();
            case PURCHASE -> ((PurchaseEvent) value).getEventId();
            case EMAIL -> ((EmailEvent) value).getEventId();
        };
    }
}
