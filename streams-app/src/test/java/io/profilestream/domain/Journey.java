package io.profilestream.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.apache.avro.specific.SpecificRecord;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.CustomerTraits;
import io.profilestream.events.Device;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.EmailEventType;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;

/**
 * A random shopper's journey for property tests: anonymous browsing on one device, a login there, clicks on a
 * second, logged-in device, orders, emails and customer traits.
 * The newest event is always a click with a country, so the expected last country does not depend on arrival order.
 *
 * @param customerId the customer
 * @param anonymousId the device browsed anonymously before the login
 * @param anonymous clicks on that device before the login, without a customer id
 * @param login the click that links the device to the customer
 * @param customer every other event: clicks after the login on either device, orders, emails, traits
 */
public record Journey(String customerId,
                      String anonymousId,
                      List<ClickEvent> anonymous,
                      ClickEvent login,
                      List<SpecificRecord> customer) {

    public static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final String[] CATEGORIES = {"outdoor", "books", "toys", "garden"};
    private static final String[] COUNTRIES = {"DE", "FR", "NL"};
    private static final ClickType[] BROWSING = {ClickType.PAGE_VIEW, ClickType.PRODUCT_VIEW, ClickType.SEARCH,
        ClickType.ADD_TO_CART, ClickType.REMOVE_FROM_CART, ClickType.CHECKOUT_STARTED};

    /**
     * Generates a journey; the same random source state gives the same journey.
     */
    public static Journey random(final Random random, final String customerId, final String anonymousId) {
        final String laptop = anonymousId + "-laptop";
        final List<Long> minutes = new ArrayList<>();
        final int count = 20 + random.nextInt(20);
        for (int i = 0; i < count; i++) {
            minutes.add((long) random.nextInt(60 * 24 * 20));
        }
        Collections.sort(minutes);
        final long loginMinute = minutes.get(random.nextInt(minutes.size() / 2) + 1);
        final List<ClickEvent> anonymous = new ArrayList<>();
        final List<SpecificRecord> customer = new ArrayList<>();
        int n = 0;
        for (final long minute : minutes) {
            final String id = anonymousId + "-e" + n++;
            if (minute < loginMinute) {
                anonymous.add(click(random, id, anonymousId, null, minute).build());
                continue;
            }
            switch (random.nextInt(6)) {
                case 0 -> customer.add(click(random, id, anonymousId, null, minute).build());
                case 1, 2 -> customer.add(click(random, id, random.nextBoolean() ? laptop : anonymousId, customerId,
                    minute).build());
                case 3 -> customer.add(order(random, id, customerId, minute));
                case 4 -> customer.add(email(random, id, customerId, minute));
                default -> customer.add(traits(random, id, customerId, minute));
            }
        }
        final ClickEvent login = click(random, anonymousId + "-login", anonymousId, customerId, loginMinute)
            .setType(ClickType.LOGIN).build();
        final long last = minutes.get(minutes.size() - 1) + 1;
        final ClickEvent newest = click(random, anonymousId + "-newest", random.nextBoolean() ? laptop : anonymousId,
            customerId, last).build();
        customer.add(newest);
        return new Journey(customerId, anonymousId, anonymous, login, customer);
    }

    /**
     * Every event of the journey, in a random order.
     */
    public List<SpecificRecord> shuffled(final Random random) {
        final List<SpecificRecord> all = new ArrayList<>(anonymous);
        all.add(login);
        all.addAll(customer);
        Collections.shuffle(all, random);
        return all;
    }

    private static ClickEvent.Builder click(final Random random,
                                            final String eventId,
                                            final String anonymousId,
                                            final String customerId,
                                            final long minute) {
        return ClickEvent.newBuilder()
            .setEventId(eventId)
            .setAnonymousId(anonymousId)
            .setCustomerId(customerId)
            .setSessionId(anonymousId + "-s" + minute / (60 * 24 * 3))
            .setType(BROWSING[random.nextInt(BROWSING.length)])
            .setTimestamp(at(minute))
            .setCategory(CATEGORIES[random.nextInt(CATEGORIES.length)])
            .setChannel(random.nextBoolean() ? "organic" : "paid")
            .setDevice(Device.values()[random.nextInt(Device.values().length)])
            .setCountry(COUNTRIES[random.nextInt(COUNTRIES.length)]);
    }

    private static PurchaseEvent order(final Random random,
                                       final String eventId,
                                       final String customerId,
                                       final long minute) {
        final boolean refund = random.nextInt(5) == 0;
        final long price = 500 + random.nextInt(5_000);
        return PurchaseEvent.newBuilder()
            .setEventId(eventId)
            .setOrderId("o-" + eventId)
            .setCustomerId(customerId)
            .setType(refund ? PurchaseType.REFUND : PurchaseType.ORDER)
            .setTimestamp(at(minute))
            .setCurrency("USD")
            .setTotalMinor(price)
            .setItems(refund ? List.of() : List.of(LineItem.newBuilder()
                .setSku("sku-" + eventId)
                .setCategory(CATEGORIES[random.nextInt(CATEGORIES.length)])
                .setQuantity(1)
                .setUnitPriceMinor(price)
                .build()))
            .build();
    }

    private static EmailEvent email(final Random random,
                                    final String eventId,
                                    final String customerId,
                                    final long minute) {
        final EmailEventType[] types = {EmailEventType.SENT, EmailEventType.DELIVERED, EmailEventType.OPENED,
            EmailEventType.CLICKED, EmailEventType.BOUNCED};
        return EmailEvent.newBuilder()
            .setEventId(eventId)
            .setCustomerId(customerId)
            .setCampaignId("spring")
            .setType(types[random.nextInt(types.length)])
            .setTimestamp(at(minute))
            .build();
    }

    private static CustomerTraits traits(final Random random,
                                         final String eventId,
                                         final String customerId,
                                         final long minute) {
        return CustomerTraits.newBuilder()
            .setEventId(eventId)
            .setCustomerId(customerId)
            .setUpdatedAt(at(minute))
            .setBirthYear(1950 + random.nextInt(50))
            .setCity(random.nextBoolean() ? "Utrecht" : null)
            .setCountry(random.nextBoolean() ? "NL" : null)
            .setLoyaltyTier(random.nextBoolean() ? "gold" : "silver")
            .setEmailConsent(random.nextInt(3) == 0 ? null : random.nextBoolean())
            .build();
    }

    private static Instant at(final long minute) {
        return START.plus(Duration.ofMinutes(minute));
    }
}
