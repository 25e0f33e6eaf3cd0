package io.profilestream.loadtest;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import io.profilestream.domain.EventKind;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.EmailEventType;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;

/**
 * Malformed records, one {@link Defect} each, mixed in at the {@link Noise}'s malformed rate.
 * Every decision is drawn from the noise stream, so the well-formed events around them stay the same.
 * Instances are not safe for concurrent use.
 */
final class MalformedRecords {

    private static final String UNKNOWN_CURRENCY = "ZZZ";

    private final SimulationContext context;
    private final EmailCampaigns email;
    private final Noise noise;
    private final SplittableRandom noiseRandom;
    private long count;

    /**
     * Malformed records for a run.
     *
     * @param context the run, for its population and timestamps
     * @param email the run's campaigns, whose latest id malformed email events carry
     * @param noise the rates
     * @param noiseRandom the noise stream
     */
    MalformedRecords(final SimulationContext context,
                     final EmailCampaigns email,
                     final Noise noise,
                     final SplittableRandom noiseRandom) {
        this.context = context;
        this.email = email;
        this.noise = noise;
        this.noiseRandom = noiseRandom;
    }

    /** How many malformed records have been made. */
    long count() {
        return count;
    }

    /** Decides whether a malformed record goes out before the next well-formed event. */
    boolean comesNext() {
        return noise.malformedRate() > 0 && Sampling.chance(noiseRandom, noise.malformedProbability());
    }

    /** A malformed record of a random defect, about a random customer. */
    GeneratedEvent next() {
        count++;
        final Defect defect = Defect.values()[noiseRandom.nextInt(Defect.values().length)];
        final Visitor customer = Sampling.pick(noiseRandom, context.population().customers());
        final Instant time = context.stamp();
        final String eventId = Sampling.uuid(noiseRandom).toString();
        return switch (defect) {
            case GARBAGE_BYTES -> garbage(customer, time);
            case BLANK_ID -> blankId(customer, eventId, time);
            case NEGATIVE_QUANTITY -> GeneratedEvent.malformed(EventKind.PURCHASE, customer.customerId(),
                badOrder(customer, eventId, time, -Sampling.between(noiseRandom, 1, 3), Catalogue.CURRENCY), defect);
            case UNKNOWN_CURRENCY -> GeneratedEvent.malformed(EventKind.PURCHASE, customer.customerId(),
                badOrder(customer, eventId, time, 1, UNKNOWN_CURRENCY), defect);
        };
    }

    /**
     * Bytes that do not start with the wire format's magic byte, on any of the three topics.
     */
    private GeneratedEvent garbage(final Visitor customer, final Instant time) {
        final EventKind kind = GeneratedEvent.KINDS.get(noiseRandom.nextInt(GeneratedEvent.KINDS.size()));
        final byte[] bytes = new byte[Sampling.between(noiseRandom, 6, 64)];
        noiseRandom.nextBytes(bytes);
        bytes[0] = (byte) Sampling.between(noiseRandom, 1, 255);
        final String key = kind == EventKind.CLICK ? customer.preferredBrowser().anonymousId() : customer.customerId();
        return GeneratedEvent.garbage(kind, key, bytes, time);
    }

    private GeneratedEvent blankId(final Visitor customer, final String eventId, final Instant time) {
        final String blank = Sampling.chance(noiseRandom, 0.5) ? "" : " ";
        return switch (GeneratedEvent.KINDS.get(noiseRandom.nextInt(GeneratedEvent.KINDS.size()))) {
            case CLICK -> GeneratedEvent.malformed(EventKind.CLICK, customer.preferredBrowser().anonymousId(),
                ClickEvent.newBuilder()
                    .setEventId(blank)
                    .setAnonymousId(customer.preferredBrowser().anonymousId())
                    .setSessionId("s-" + Sampling.hex(noiseRandom, 16))
                    .setType(ClickType.PAGE_VIEW)
                    .setUrl("/")
                    .setTimestamp(time)
                    .setChannel(customer.preferredChannel())
                    .setDevice(customer.preferredBrowser().device())
                    .build(),
                Defect.BLANK_ID);
            case PURCHASE -> GeneratedEvent.malformed(EventKind.PURCHASE, blank,
                PurchaseEvent.newBuilder(badOrder(customer, eventId, time, 1, Catalogue.CURRENCY))
                    .setCustomerId(blank)
                    .build(),
                Defect.BLANK_ID);
            case EMAIL -> GeneratedEvent.malformed(EventKind.EMAIL, customer.customerId(), EmailEvent.newBuilder()
                    .setEventId(blank)
                    .setCustomerId(customer.customerId())
                    .setCampaignId(email.latestCampaignId())
                    .setType(EmailEventType.OPENED)
                    .setTimestamp(time)
                    .build(),
                Defect.BLANK_ID);
            default -> throw new IllegalStateException("The generator does not produce this kind of event.");
        };
    }

    private PurchaseEvent badOrder(final Visitor customer,
                                   final String eventId,
                                   final Instant time,
                                   final int quantity,
                                   final String currency) {
        final Catalogue.Product product = Sampling.pick(noiseRandom,
            context.catalogue().products(Sampling.pick(noiseRandom, customer.interests())));
        return PurchaseEvent.newBuilder()
            .setEventId(eventId)
            .setOrderId("o-" + Sampling.hex(noiseRandom, 16))
            .setCustomerId(customer.customerId())
            .setType(PurchaseType.ORDER)
            .setTimestamp(time)
            .setCurrency(currency)
            .setTotalMinor(product.priceMinor() * Math.abs(quantity))
            .setItems(List.of(new LineItem(product.sku(), product.category(), quantity, product.priceMinor())))
            .build();
    }
}
