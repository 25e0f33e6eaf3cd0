package io.profilestream.loadtest;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.apache.avro.specific.SpecificRecord;

import io.profilestream.domain.EventKind;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.PurchaseEvent;

/**
 * One record ready to be produced: which topic it belongs to, its key, and either its Avro value or raw bytes.
 *
 * <p>Well-formed events carry a value and no defect.
 * Malformed records carry the {@link Defect} the engine will reject them for: an Avro value with a bad field, or,
 * for {@link Defect#GARBAGE_BYTES}, raw bytes instead of a value.
 *
 * @param kind the kind of input, one of {@link #KINDS}
 * @param key the record key (anonymousId for clicks, customerId otherwise)
 * @param value a {@link ClickEvent}, {@link PurchaseEvent} or {@link EmailEvent} matching {@code kind}; {@code null}
 *     for raw bytes
 * @param rawValue the bytes to send as they are, or {@code null} when there is a value
 * @param timestamp the event time, also the record timestamp
 * @param defect why the engine will reject the record, or {@code null} for a well-formed event
 */
public record GeneratedEvent(EventKind kind,
                             String key,
                             SpecificRecord value,
                             byte[] rawValue,
                             Instant timestamp,
                             Defect defect) {

    /** The kinds of input the generator produces, in the order its random choices index them. */
    public static final List<EventKind> KINDS = List.of(EventKind.CLICK, EventKind.PURCHASE, EventKind.EMAIL);

    public GeneratedEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(timestamp, "timestamp");
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("The generator does not produce " + kind + " events.");
        }
        if ((value == null) == (rawValue == null)) {
            throw new IllegalArgumentException("A generated event carries either a value or raw bytes.");
        }
        if (rawValue != null && defect != Defect.GARBAGE_BYTES) {
            throw new IllegalArgumentException("Only garbage is sent as raw bytes.");
        }
        if (value != null) {
            if (!kind.type().isInstance(value)) {
                throw new IllegalArgumentException("A " + kind + " event cannot carry a "
                    + value.getClass().getSimpleName() + ".");
            }
            if (!timestamp.equals(kind.timestamp(value))) {
                throw new IllegalArgumentException("The timestamp must be the event time in the value.");
            }
        } else {
            rawValue = rawValue.clone();
        }
    }

    public static GeneratedEvent click(final ClickEvent click) {
        return new GeneratedEvent(EventKind.CLICK, click.getAnonymousId(), click, null, click.getTimestamp(), null);
    }

    public static GeneratedEvent purchase(final PurchaseEvent purchase) {
        return new GeneratedEvent(EventKind.PURCHASE, purchase.getCustomerId(), purchase, null,
            purchase.getTimestamp(), null);
    }

    public static GeneratedEvent email(final EmailEvent email) {
        return new GeneratedEvent(EventKind.EMAIL, email.getCustomerId(), email, null, email.getTimestamp(), null);
    }

    /**
     * A malformed record whose Avro value is well-typed but breaks one of the engine's rules.
     */
    public static GeneratedEvent malformed(final EventKind kind,
                                           final String key,
                                           final SpecificRecord value,
                                           final Defect defect) {
        if (defect == null || defect == Defect.GARBAGE_BYTES) {
            throw new IllegalArgumentException("A malformed value needs a defect other than garbage bytes.");
        }
        return new GeneratedEvent(kind, key, value, null, EventKind.of(value).timestamp(value), defect);
    }

    /**
     * A record of bytes that are not in the registry wire format.
     */
    public static GeneratedEvent garbage(final EventKind kind,
                                         final String key,
                                         final byte[] bytes,
                                         final Instant timestamp) {
        return new GeneratedEvent(kind, key, null, bytes, timestamp, Defect.GARBAGE_BYTES);
    }

    /** Whether the engine will reject this record. */
    public boolean isMalformed() {
        return defect != null;
    }

    /** A copy of the raw bytes, or {@code null} when there is a value. */
    @Override
    public byte[] rawValue() {
        return rawValue == null ? null : rawValue.clone();
    }

    /**
     * The event id carried in the value; {@code null} for raw bytes.
     */
    public String eventId() {
        return value == null ? null : kind.eventId(value);
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof GeneratedEvent event
            && kind == event.kind
            && Objects.equals(key, event.key)
            && Objects.equals(value, event.value)
            && Arrays.equals(rawValue, event.rawValue)
            && timestamp.equals(event.timestamp)
            && defect == event.defect;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, key, value, Arrays.hashCode(rawValue), timestamp, defect);
    }

    @Override
    public String toString() {
        return "GeneratedEvent[kind=" + kind + ", key=" + key + ", value=" + value
            + (rawValue == null ? "" : ", rawValue=" + rawValue.length + " bytes")
            + ", timestamp=" + timestamp + ", defect=" + defect + "]";
    }
}
