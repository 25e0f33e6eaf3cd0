package io.profilestream.domain;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.profilestream.errors.DlqReason;
import io.profilestream.errors.RejectedRecordException;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.CustomEvent;
import io.profilestream.events.CustomerTraits;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.ErasureRequest;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;

/**
 * Checks input events before they touch any state; a failed check throws {@link RejectedRecordException}
 * with the reason the record goes to the dead-letter queue.
 * Messages name the field and the rule, never the value.
 */
public final class EventValidator {

    /** Default bound on the extra attributes of one customer traits record. */
    public static final int DEFAULT_MAX_ATTRIBUTES = 50;
    /** Default bound on the length of strings in customer traits. */
    public static final int DEFAULT_MAX_LENGTH = 256;

    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    private static final int MAX_EMAIL_LENGTH = 254;
    private static final int EARLIEST_BIRTH_YEAR = 1900;

    private final long maxFutureSkewMs;
    private final long maxAmountMinor;
    private final Money money;
    private final int maxAttributes;
    private final int maxLength;

    public EventValidator(final long maxFutureSkewMs, final long maxAmountMinor, final Money money) {
        this(maxFutureSkewMs, maxAmountMinor, money, DEFAULT_MAX_ATTRIBUTES, DEFAULT_MAX_LENGTH);
    }

    /**
     * A validator with bounds for customer traits.
     *
     * @param maxAttributes most extra attributes in one customer traits record
     * @param maxLength longest string in customer traits (attribute keys and values included)
     */
    public EventValidator(final long maxFutureSkewMs,
                          final long maxAmountMinor,
                          final Money money,
                          final int maxAttributes,
                          final int maxLength) {
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.maxAmountMinor = maxAmountMinor;
        this.money = money;
        this.maxAttributes = maxAttributes;
        this.maxLength = maxLength;
    }

    public long maxFutureSkewMs() {
        return maxFutureSkewMs;
    }

    /**
     * Validates any input event.
     *
     * @param key the record key, which must equal the id the topic is keyed by
     * @param event a ClickEvent, PurchaseEvent, EmailEvent, ErasureRequest, CustomerTraits or CustomEvent
     * @param nowMs the wall clock; events further ahead than the configured skew are rejected
     */
    public void validate(final String key, final Object event, final long nowMs) {
        final EventKind kind = EventKind.find(event).orElseThrow(() -> new RejectedRecordException(
            DlqReason.INVALID_FIELD, "Unsupported event type "
            + (event == null ? "null" : event.getClass().getSimpleName()) + "."));
        switch (kind) {
            case CLICK -> validateClick(key, (ClickEvent) event, nowMs);
            case PURCHASE -> validatePurchase(key, (PurchaseEvent) event, nowMs);
            case EMAIL -> validateEmail(key, (EmailEvent) event, nowMs);
            case ERASURE -> validateErasure(key, (ErasureRequest) event);
            case TRAITS -> validateTraits(key, (CustomerTraits) event, nowMs);
            case CUSTOM -> validateCustom(key, (CustomEvent) event, nowMs);
            case MERGE_REQUEST, MERGE -> throw new RejectedRecordException(DlqReason.INVALID_FIELD,
                "The engine's own " + kind + " records are not input.");
        }
    }

    private void validateClick(final String key, final ClickEvent click, final long nowMs) {
        required("eventId", click.getEventId());
        required("anonymousId", click.getAnonymousId());
        required("sessionId", click.getSessionId());
        required("channel", click.getChannel());
        if (click.getCustomerId() != null) {
            required("customerId", click.getCustomerId());
        }
        keyMatches(key, click.getAnonymousId(), "anonymousId");
        timestamp(click.getTimestamp(), nowMs);
        if (click.getPriceMinor() != null && (click.getPriceMinor() < 0 || click.getPriceMinor() > maxAmountMinor)) {
            throw invalid("priceMinor must be between 0 and " + maxAmountMinor + ".");
        }
        if (click.getCurrency() != null && !isIsoCurrency(click.getCurrency())) {
            throw new RejectedRecordException(DlqReason.UNKNOWN_CURRENCY, "currency is not an ISO 4217 code.");
        }
    }

    private void validatePurchase(final String key, final PurchaseEvent purchase, final long nowMs) {
        required("eventId", purchase.getEventId());
        required("orderId", purchase.getOrderId());
        required("customerId", purchase.getCustomerId());
        required("currency", purchase.getCurrency());
        keyMatches(key, purchase.getCustomerId(), "customerId");
        timestamp(purchase.getTimestamp(), nowMs);
        if (!money.accepts(purchase.getCurrency())) {
            throw new RejectedRecordException(DlqReason.UNKNOWN_CURRENCY,
                "currency is neither the base currency " + money.base() + " nor has a configured rate.");
        }
        amount("totalMinor", purchase.getTotalMinor());
        amount("discountMinor", purchase.getDiscountMinor());
        final List<LineItem> items = purchase.getItems();
        for (int i = 0; i < items.size(); i++) {
            final LineItem item = items.get(i);
            required("items[" + i + "].sku", item.getSku());
            required("items[" + i + "].category", item.getCategory());
            if (item.getQuantity() <= 0) {
                throw invalid("items[" + i + "].quantity must be positive.");
            }
            amount("items[" + i + "].unitPriceMinor", item.getUnitPriceMinor());
        }
    }

    private void validateEmail(final String key, final EmailEvent email, final long nowMs) {
        required("eventId", email.getEventId());
        required("customerId", email.getCustomerId());
        required("campaignId", email.getCampaignId());
        keyMatches(key, email.getCustomerId(), "customerId");
        timestamp(email.getTimestamp(), nowMs);
    }

    private void validateErasure(final String key, final ErasureRequest erasure) {
        required("requestId", erasure.getRequestId());
        required("customerId", erasure.getCustomerId());
        keyMatches(key, erasure.getCustomerId(), "customerId");
    }

    private void validateTraits(final String key, final CustomerTraits traits, final long nowMs) {
        required("customerId", traits.getCustomerId());
        keyMatches(key, traits.getCustomerId(), "customerId");
        timestamp(traits.getUpdatedAt(), nowMs);
        if (traits.getEventId() != null) {
            required("eventId", traits.getEventId());
        }
        final String email = traits.getEmail();
        if (email != null && (email.length() > MAX_EMAIL_LENGTH || email.indexOf('@') < 1
            || email.indexOf('@') == email.trim().length() - 1)) {
            throw invalid("email must be an address of at most " + MAX_EMAIL_LENGTH + " characters.");
        }
        final Integer birthYear = traits.getBirthYear();
        final int thisYear = Instant.ofEpochMilli(Math.max(nowMs, traits.getUpdatedAt().toEpochMilli()))
            .atZone(ZoneOffset.UTC).getYear();
        if (birthYear != null && (birthYear < EARLIEST_BIRTH_YEAR || birthYear > thisYear)) {
            throw invalid("birthYear must be between " + EARLIEST_BIRTH_YEAR + " and the current year.");
        }
        final String country = traits.getCountry();
        if (country != null && !COUNTRIES.contains(country.trim().toUpperCase(Locale.ROOT))) {
            throw invalid("country must be an ISO 3166-1 alpha-2 code.");
        }
        bounded("gender", traits.getGender());
        bounded("city", traits.getCity());
        bounded("region", traits.getRegion());
        bounded("postalCode", traits.getPostalCode());
        bounded("loyaltyTier", traits.getLoyaltyTier());
        final Map<String, String> attributes = traits.getAttributes();
        if (attributes.size() > maxAttributes) {
            throw invalid("attributes must have at most " + maxAttributes + " entries.");
        }
        for (final Map.Entry<String, String> attribute : attributes.entrySet()) {
            if (attribute.getKey().isBlank() || attribute.getKey().length() > maxLength
                || attribute.getValue() != null && attribute.getValue().length() > maxLength) {
                throw invalid("attribute keys must not be blank and keys and values must have at most "
                    + maxLength + " characters.");
            }
        }
    }

    /**
     * A custom event names a customer or an anonymous visitor, is keyed by the customer id when it has one and by the
     * anonymous id otherwise, and carries at most the traits' attribute limits of properties and metrics.
     */
    private void validateCustom(final String key, final CustomEvent custom, final long nowMs) {
        required("eventId", custom.getEventId());
        required("name", custom.getName());
        bounded("name", custom.getName());
        if (custom.getCustomerId() != null) {
            required("customerId", custom.getCustomerId());
            keyMatches(key, custom.getCustomerId(), "customerId");
        } else {
            required("customerId or anonymousId", custom.getAnonymousId());
            keyMatches(key, custom.getAnonymousId(), "anonymousId");
        }
        timestamp(custom.getTimestamp(), nowMs);
        if (custom.getProperties().size() + custom.getMetrics().size() > maxAttributes) {
            throw invalid("properties and metrics must have at most " + maxAttributes + " entries together.");
        }
        for (final Map.Entry<String, String> property : custom.getProperties().entrySet()) {
            if (property.getKey().isBlank() || property.getKey().length() > maxLength
                || property.getValue() != null && property.getValue().length() > maxLength) {
                throw invalid("property keys must not be blank and keys and values must have at most "
                    + maxLength + " characters.");
            }
        }
        for (final Map.Entry<String, Double> metric : custom.getMetrics().entrySet()) {
            if (metric.getKey().isBlank() || metric.getKey().length() > maxLength
                || metric.getValue() == null || !Double.isFinite(metric.getValue())) {
                throw invalid("metric keys must not be blank or longer than " + maxLength
                    + " characters, and metric values must be finite numbers.");
            }
        }
    }

    private void bounded(final String field, final String value) {
        if (value != null && value.length() > maxLength) {
            throw invalid(field + " must have at most " + maxLength + " characters.");
        }
    }

    private static void required(final String field, final String value) {
        if (value == null || value.isBlank()) {
            throw new RejectedRecordException(DlqReason.MISSING_FIELD, field + " is required and must not be blank.");
        }
    }

    private static void keyMatches(final String key, final String id, final String field) {
        if (!Objects.equals(key, id)) {
            throw new RejectedRecordException(DlqReason.KEY_MISMATCH,
                "The record key must equal the event's " + field + " (the topic is partitioned by it).");
        }
    }

    private void timestamp(final Instant timestamp, final long nowMs) {
        final long millis = timestamp.toEpochMilli();
        if (millis <= 0) {
            throw invalid("timestamp must be after 1970-01-01.");
        }
        if (nowMs > 0 && millis > nowMs + maxFutureSkewMs) {
            throw new RejectedRecordException(DlqReason.FUTURE_TIMESTAMP,
                "timestamp is more than " + maxFutureSkewMs + " ms ahead of the wall clock.");
        }
    }

    private void amount(final String field, final long minor) {
        if (minor < 0 || minor > maxAmountMinor) {
            throw invalid(field + " must be between 0 and " + maxAmountMinor + " minor units.");
        }
    }

    private static boolean isIsoCurrency(final String code) {
        try {
            Currency.getInstance(code.toUpperCase(Locale.ROOT));
            return true;
        } catch (final IllegalArgumentException e) {
            return false;
        }
    }

    private static RejectedRecordException invalid(final String message) {
        return new RejectedRecordException(DlqReason.INVALID_FIELD, message);
    }
}
