package io.profilestream.loadtest.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.avro.specific.SpecificRecord;

import io.profilestream.config.Topics;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.Device;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.EmailEventType;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.identity.ProfileIds;

/**
 * The chaos run's known population: every event it sends, and what each customer's profile must count in the end.
 * Customer {@code c-NNNNN} browses as {@code a-NNNNN}; every third one views pages before logging in, so its anonymous
 * profile must be merged into the customer's (and be gone). Then page and product views, up to three orders on
 * distinct days and a few emails. Events carry times of the last weeks, in the engine's wall-clock mode.
 */
final class ChaosPopulation {

    /**
     * One event to send.
     *
     * @param topic its topic
     * @param key its key (anonymous id for clicks, customer id otherwise)
     * @param value the event
     */
    record Event(String topic, String key, SpecificRecord value) {
    }

    /**
     * What one customer's profile must count.
     */
    record Expected(long pageViews, long productViews, long logins, long orders, long revenueMinor, long emailsSent,
                    long emailOpens) {
    }

    private final Map<String, Expected> expected;
    private final List<String> mergedAway;
    private final List<Event> events;

    private ChaosPopulation(final Map<String, Expected> expected,
                            final List<String> mergedAway,
                            final List<Event> events) {
        this.expected = expected;
        this.mergedAway = mergedAway;
        this.events = events;
    }

    /**
     * Makes the population.
     *
     * @param customers how many customers
     * @param seed seed of their events and of the order events are sent in
     * @param now the latest event time
     * @param topics where each kind of event goes
     */
    static ChaosPopulation create(final int customers, final long seed, final Instant now, final Topics topics) {
        final Random random = new Random(seed);
        final Map<String, Expected> expected = new LinkedHashMap<>();
        final List<String> mergedAway = new ArrayList<>();
        final List<Deque<Event>> queues = new ArrayList<>();
        for (int i = 0; i < customers; i++) {
            final String customer = String.format("c-%05d", i);
            final String anonymous = String.format("a-%05d", i);
            final Deque<Event> queue = new ArrayDeque<>();
            final Instant start = now.minus(Duration.ofDays(70)).plusSeconds(random.nextInt(86_400));
            int clicks = 0;
            final int before = i % 3 == 0 ? 2 : 0;
            for (int v = 0; v < before; v++) {
                queue.add(click(topics, anonymous, null, customer + "-k" + clicks++, ClickType.PAGE_VIEW,
                    start.plusSeconds(clicks)));
            }
            if (before > 0) {
                mergedAway.add(ProfileIds.anonymous(anonymous));
            }
            queue.add(click(topics, anonymous, customer, customer + "-k" + clicks++, ClickType.LOGIN,
                start.plusSeconds(clicks)));
            final int after = 1 + random.nextInt(3);
            for (int v = 0; v < after; v++) {
                queue.add(click(topics, anonymous, null, customer + "-k" + clicks++, ClickType.PAGE_VIEW,
                    start.plusSeconds(clicks)));
            }
            final int productViews = random.nextInt(3);
            for (int v = 0; v < productViews; v++) {
                queue.add(click(topics, anonymous, null, customer + "-k" + clicks++, ClickType.PRODUCT_VIEW,
                    start.plusSeconds(clicks)));
            }
            final int orders = random.nextInt(4);
            long revenue = 0;
            for (int o = 0; o < orders; o++) {
                final long total = 1_000 + random.nextInt(9_000);
                revenue += total;
                queue.add(new Event(topics.purchases(), customer, order(customer, customer + "-p" + o,
                    start.plus(Duration.ofDays(1 + 20L * o)), total)));
            }
            final int sent = 1 + random.nextInt(2);
            final int opens = random.nextInt(sent + 1);
            for (int e = 0; e < sent + opens; e++) {
                queue.add(new Event(topics.email(), customer, email(customer, customer + "-m" + e,
                    e < sent ? EmailEventType.SENT : EmailEventType.OPENED, start.plus(Duration.ofDays(2 + e)))));
            }
            expected.put(customer, new Expected(before + after, productViews, 1, orders, revenue, sent, opens));
            queues.add(queue);
        }
        return new ChaosPopulation(expected, mergedAway, interleave(queues, random));
    }

    /** Round after round, the next event of each customer in a shuffled order: each key's events stay in order. */
    private static List<Event> interleave(final List<Deque<Event>> queues, final Random random) {
        final List<Event> events = new ArrayList<>();
        final List<Deque<Event>> open = new ArrayList<>(queues);
        while (!open.isEmpty()) {
            Collections.shuffle(open, random);
            for (final Deque<Event> queue : open) {
                events.add(queue.removeFirst());
            }
            open.removeIf(Deque::isEmpty);
        }
        return events;
    }

    private static Event click(final Topics topics,
                               final String anonymous,
                               final String customer,
                               final String eventId,
                               final ClickType type,
                               final Instant time) {
        return new Event(topics.clickstream(), anonymous, ClickEvent.newBuilder()
            .setEventId(eventId)
            .setAnonymousId(anonymous)
            .setCustomerId(customer)
            .setSessionId("s-" + anonymous)
            .setType(type)
            .setTimestamp(time)
            .setCategory(type == ClickType.PRODUCT_VIEW ? "books" : null)
            .setChannel("organic")
            .setDevice(Device.DESKTOP)
            .build());
    }

    private static PurchaseEvent order(final String customer,
                                       final String eventId,
                                       final Instant time,
                                       final long total) {
        return PurchaseEvent.newBuilder()
            .setEventId(eventId)
            .setOrderId("o-" + eventId)
            .setCustomerId(customer)
            .setType(PurchaseType.ORDER)
            .setTimestamp(time)
            .setCurrency("USD")
            .setTotalMinor(total)
            .setItems(List.of(LineItem.newBuilder().setSku("sku-1").setCategory("books").setQuantity(1)
                .setUnitPriceMinor(total).build()))
            .build();
    }

    private static EmailEvent email(final String customer,
                                    final String eventId,
                                    final EmailEventType type,
                                    final Instant time) {
        return EmailEvent.newBuilder()
            .setEventId(eventId)
            .setCustomerId(customer)
            .setCampaignId("chaos")
            .setType(type)
            .setTimestamp(time)
            .build();
    }

    /** Every customer with what its profile must count, in id order. */
    Map<String, Expected> expected() {
        return Collections.unmodifiableMap(expected);
    }

    /** Anonymous profile ids that must have been merged into their customer's, leaving no profile of their own. */
    List<String> mergedAway() {
        return Collections.unmodifiableList(mergedAway);
    }

    /** Every event in the order it is sent. */
    List<Event> events() {
        return Collections.unmodifiableList(events);
    }
}
