package io.profilestream.topology;

import static io.profilestream.topology.TestEvents.click;
import static io.profilestream.topology.TestEvents.email;
import static io.profilestream.topology.TestEvents.erasure;
import static io.profilestream.topology.TestEvents.item;
import static io.profilestream.topology.TestEvents.order;
import static io.profilestream.topology.TestEvents.refund;
import static io.profilestream.topology.TopologyFixture.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.Device;
import io.profilestream.events.EmailEventType;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.profile.CustomerProfile;

class ProfileTopologyTest {

    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static Instant at(final long minutes) {
        return START.plus(Duration.ofMinutes(minutes));
    }

    @Test
    void shouldKeepAnAnonymousProfileForClicksWithoutCustomer() {
        fixture.clicks.pipeInput("a1", click("e1", "a1", ClickType.PAGE_VIEW, at(1)).build());
        fixture.clicks.pipeInput("a1", click("e2", "a1", ClickType.PRODUCT_VIEW, at(2)).setCategory("outdoor")
            .setDevice(Device.DESKTOP).setChannel("paid").build());
        fixture.clicks.pipeInput("a1", click("e3", "a1", ClickType.SEARCH, at(3)).setSessionId("other").build());

        final CustomerProfile profile = fixture.profile("anon:a1");
        assertThat(profile.getIdentity().getCustomerId()).isNull();
        assertThat(profile.getIdentity().getAnonymousIds()).containsExactly("a1");
        assertThat(profile.getBehaviour().getPageViews()).isEqualTo(1);
        assertThat(profile.getBehaviour().getProductViews()).isEqualTo(1);
        assertThat(profile.getBehaviour().getSearches()).isEqualTo(1);
        assertThat(profile.getBehaviour().getSessions()).isEqualTo(2);
        assertThat(profile.getBehaviour().getDeviceCounts()).containsExactlyInAnyOrderEntriesOf(
            Map.of("MOBILE", 2L, "DESKTOP", 1L));
        assertThat(profile.getBehaviour().getChannelCounts()).containsExactlyInAnyOrderEntriesOf(
            Map.of("organic", 2L, "paid", 1L));
        assertThat(profile.getBehaviour().getCategoryAffinity()).containsKey("outdoor");
        assertThat(profile.getIdentity().getFirstSeen()).isEqualTo(at(1));
        assertThat(profile.getIdentity().getLastSeen()).isEqualTo(at(3));
        assertThat(profile.getIdentity().getVersion()).isEqualTo(3);

        final List<TestRecord<String, CustomerProfile>> updates = fixture.updates.readRecordsToList();
        assertThat(updates).hasSize(3);
        assertThat(updates).allSatisfy(update -> assertThat(update.key()).isEqualTo("anon:a1"));
        assertThat(updates.get(2).value().getBehaviour().getSearches()).isEqualTo(1);
    }

    @Test
    void shouldApplyEveryClickTypeToTheCustomerNamedInTheEvent() {
        final ClickType[] types = ClickType.values();
        for (int i = 0; i < types.length; i++) {
            fixture.clicks.pipeInput("a1", click("e" + i, "a1", types[i], at(i)).setCustomerId("c1").build());
        }
        final CustomerProfile profile = fixture.profile("c1");
        assertThat(fixture.profile("anon:a1")).isNull();
        assertThat(profile.getIdentity().getCustomerId()).isEqualTo("c1");
        assertThat(profile.getBehaviour().getPageViews()).isEqualTo(1);
        assertThat(profile.getBehaviour().getProductViews()).isEqualTo(1);
        assertThat(profile.getBehaviour().getSearches()).isEqualTo(1);
        assertThat(profile.getBehaviour().getAddToCarts()).isEqualTo(1);
        assertThat(profile.getBehaviour().getRemoveFromCarts()).isEqualTo(1);
        assertThat(profile.getBehaviour().getCheckoutsStarted()).isEqualTo(1);
        assertThat(profile.getBehaviour().getLogins()).isEqualTo(1);
        assertThat(profile.getBehaviour().getSignUps()).isEqualTo(1);
        assertThat(profile.getBehaviour().getSessions()).isEqualTo(1);
    }

    @Test
    void shouldAccumulateOrdersAndRefundsInTheBaseCurrency() {
        final Instant day1 = Instant.parse("2026-03-01T10:00:00Z");
        final Instant day1Later = Instant.parse("2026-03-01T18:00:00Z");
        final Instant day3 = Instant.parse("2026-03-03T09:00:00Z");
        fixture.purchases.pipeInput("c1", order("p1", "c1", day1, 5_000, item("outdoor", 2, 2_500)));
        fixture.purchases.pipeInput("c1", order("p2", "c1", day1Later, 1_000, item("books", 1, 1_000)));
        final PurchaseEvent euros = PurchaseEvent.newBuilder(order("p3", "c1", day3, 2_000, item("outdoor", 1, 2_000)))
            .setCurrency("EUR").setDiscountMinor(100).build();
        fixture.purchases.pipeInput("c1", euros);
        fixture.purchases.pipeInput("c1", refund("p4", "c1", day3.plusSeconds(60), 1_000));

        final var tx = fixture.profile("c1").getTransactions();
        assertThat(tx.getOrders()).isEqualTo(3);
        assertThat(tx.getRefunds()).isEqualTo(1);
        assertThat(tx.getRevenueMinor()).isEqualTo(5_000 + 1_000 + 2_200 - 1_000);
        assertThat(tx.getRefundedMinor()).isEqualTo(1_000);
        assertThat(tx.getDiscountMinor()).isEqualTo(110);
        assertThat(tx.getItemsPurchased()).isEqualTo(4);
        assertThat(tx.getFirstPurchaseAt()).isEqualTo(day1);
        assertThat(tx.getLastPurchaseAt()).isEqualTo(day3);
        assertThat(tx.getDistinctPurchaseDays()).isEqualTo(2);
        assertThat(tx.getAverageOrderValueMinor()).isEqualTo((5_000 + 1_000 + 2_200) / 3.0);
        assertThat(tx.getCategorySpendMinor()).containsExactlyInAnyOrderEntriesOf(
            Map.of("outdoor", 5_000L + 2_200L, "books", 1_000L));
    }

    @Test
    void shouldCountEmailEngagement() {
        final EmailEventType[] types = {EmailEventType.SENT, EmailEventType.DELIVERED, EmailEventType.OPENED,
            EmailEventType.OPENED, EmailEventType.CLICKED, EmailEventType.BOUNCED};
        for (int i = 0; i < types.length; i++) {
            fixture.emails.pipeInput("c1", email("m" + i, "c1", types[i], at(i)));
        }
        final var engagement = fixture.profile("c1").getEmail();
        assertThat(engagement.getSent()).isEqualTo(1);
        assertThat(engagement.getDelivered()).isEqualTo(1);
        assertThat(engagement.getOpens()).isEqualTo(2);
        assertThat(engagement.getClicks()).isEqualTo(1);
        assertThat(engagement.getBounces()).isEqualTo(1);
        assertThat(engagement.getLastOpenAt()).isEqualTo(at(3));
        assertThat(engagement.getLastClickAt()).isEqualTo(at(4));
        assertThat(engagement.getSubscribed()).isTrue();
        assertThat(engagement.getComplained()).isFalse();

        fixture.emails.pipeInput("c1", email("m10", "c1", EmailEventType.UNSUBSCRIBED, at(10)));
        assertThat(fixture.profile("c1").getEmail().getSubscribed()).isFalse();
        fixture.emails.pipeInput("c2", email("m11", "c2", EmailEventType.COMPLAINED, at(11)));
        assertThat(fixture.profile("c2").getEmail().getComplained()).isTrue();
        assertThat(fixture.profile("c2").getEmail().getSubscribed()).isFalse();
    }

    @Test
    void shouldReplayMonthsOfPastEventsInEventTimeMode() {
        try (TopologyFixture replay = new TopologyFixture(Map.of("time.mode", "event-time"), null)) {
            replay.purchases.pipeInput("c1", order("p1", "c1", START, 1_000));
            replay.purchases.pipeInput("c1", order("p2", "c1", START.plus(Duration.ofDays(40)), 1_000));
            replay.purchases.pipeInput("c1", order("p3", "c1", START.plus(Duration.ofDays(120)), 1_000));

            assertThat(replay.profile("c1").getTransactions().getOrders()).isEqualTo(3);
            assertThat(replay.dlq.isEmpty()).isTrue();
            // Engine time is the highest event time, so the first purchase is 120 days old when last scored.
            assertThat(replay.profile("c1").getScores().getScoredAt()).isEqualTo(START.plus(Duration.ofDays(120)));
        }
    }

    @Test
    void shouldApplyADuplicateEventOnce() {
        final ClickEvent view = click("e1", "a1", ClickType.PAGE_VIEW, at(1)).build();
        fixture.clicks.pipeInput("a1", view);
        fixture.clicks.pipeInput("a1", view);
        fixture.purchases.pipeInput("c1", order("p1", "c1", at(1), 1_000));
        fixture.purchases.pipeInput("c1", order("p1", "c1", at(1), 1_000));
        fixture.emails.pipeInput("c1", email("m1", "c1", EmailEventType.OPENED, at(1)));
        fixture.emails.pipeInput("c1", email("m1", "c1", EmailEventType.OPENED, at(1)));

        assertThat(fixture.profile("anon:a1").getBehaviour().getPageViews()).isEqualTo(1);
        assertThat(fixture.profile("c1").getTransactions().getOrders()).isEqualTo(1);
        assertThat(fixture.profile("c1").getEmail().getOpens()).isEqualTo(1);
        assertThat(fixture.updateValues()).hasSize(3);
        assertThat(fixture.counter("profilestream.events", "topic", "clickstream-events", "outcome", "duplicate"))
            .isEqualTo(1.0);
        assertThat(fixture.counter("profilestream.events", "topic", "purchase-events", "outcome", "applied"))
            .isEqualTo(1.0);
    }

    @Test
    void shouldNeverMoveLastSeenBackwardsForALateEvent() {
        fixture.clicks.pipeInput("a1", click("e1", "a1", ClickType.PAGE_VIEW, at(60)).setCountry("DE").build());
        fixture.clicks.pipeInput("a1", click("e2", "a1", ClickType.PAGE_VIEW, at(5)).setCountry("FR").build());
        fixture.purchases.pipeInput("c1", order("p1", "c1", at(60), 1_000));
        fixture.purchases.pipeInput("c1", order("p2", "c1", at(5), 1_000));

        final CustomerProfile anonymous = fixture.profile("anon:a1");
        assertThat(anonymous.getIdentity().getLastSeen()).isEqualTo(at(60));
        assertThat(anonymous.getIdentity().getFirstSeen()).isEqualTo(at(5));
        assertThat(anonymous.getBehaviour().getPageViews()).isEqualTo(2);
        assertThat(anonymous.getBehaviour().getLastCountry()).isEqualTo("DE");
        final var tx = fixture.profile("c1").getTransactions();
        assertThat(tx.getLastPurchaseAt()).isEqualTo(at(60));
        assertThat(tx.getFirstPurchaseAt()).isEqualTo(at(5));
    }

    @Test
    void shouldGiveTheSameAffinityWhateverTheArrivalOrder() {
        final Instant early = START;
        final Instant late = START.plus(Duration.ofDays(30));
        fixture.clicks.pipeInput("a1", click("e1", "a1", ClickType.PRODUCT_VIEW, early).setCategory("toys").build());
        fixture.clicks.pipeInput("a1", click("e2", "a1", ClickType.ADD_TO_CART, late).setCategory("books").build());
        fixture.clicks.pipeInput("a2", click("e3", "a2", ClickType.ADD_TO_CART, late).setCategory("books").build());
        fixture.clicks.pipeInput("a2", click("e4", "a2", ClickType.PRODUCT_VIEW, early).setCategory("toys").build());

        final Map<String, Double> inOrder = fixture.profile("anon:a1").getBehaviour().getCategoryAffinity();
        final Map<String, Double> reversed = fixture.profile("anon:a2").getBehaviour().getCategoryAffinity();
        assertThat(inOrder.get("toys")).isCloseTo(0.5, within(1e-9));
        assertThat(inOrder.get("books")).isEqualTo(3.0);
        assertThat(reversed.get("toys")).isCloseTo(inOrder.get("toys"), within(1e-9));
        assertThat(reversed.get("books")).isEqualTo(inOrder.get("books"));
    }

    @Test
    void shouldEraseTheProfileEmitATombstoneAndForgetItsEventIds() {
        final PurchaseEvent purchase = order("p1", "c1", at(1), 1_000);
        fixture.purchases.pipeInput("c1", purchase);
        fixture.emails.pipeInput("c1", email("m1", "c1", EmailEventType.OPENED, at(2)));
        fixture.purchases.pipeInput("c2", order("p9", "c2", at(1), 1_000));
        fixture.updates.readRecordsToList();

        fixture.erasures.pipeInput("c1", erasure("c1", at(3)));

        assertThat(fixture.profile("c1")).isNull();
        assertThat(fixture.profile("c2")).isNotNull();
        final List<TestRecord<String, CustomerProfile>> updates = fixture.updates.readRecordsToList();
        assertThat(updates).hasSize(1);
        assertThat(updates.get(0).key()).isEqualTo("c1");
        assertThat(updates.get(0).value()).isNull();
        // The erased customer's event ids are gone too: the same event is new again.
        fixture.purchases.pipeInput("c1", purchase);
        assertThat(fixture.profile("c1").getTransactions().getOrders()).isEqualTo(1);
        assertThat(fixture.profile("c1").getEmail().getOpens()).isZero();
        assertThat(fixture.counter("profilestream.events", "topic", "erasure-requests", "outcome", "erased"))
            .isEqualTo(1.0);
    }

    // TopologyTestDriver does not capture dead-letter records produced by the deserialization handler;
    // DeadLetterQueueIT checks their bytes and headers on a real broker. Here: the reason and that processing goes on.
    @Test
    void shouldSkipUndecodableBytesAndCarryOn() {
        fixture.raw(fixture.topics.purchases()).pipeInput("c1", "not avro at all".getBytes(StandardCharsets.UTF_8));
        fixture.purchases.pipeInput("c1", order("p1", "c1", at(1), 1_000));

        assertThat(fixture.profile("c1").getTransactions().getOrders()).isEqualTo(1);
        assertThat(fixture.counter("profilestream.dlq", "reason", "undecodable")).isEqualTo(1.0);
        assertThat(fixture.counter("profilestream.events", "topic", "purchase-events", "outcome", "rejected"))
            .isEqualTo(1.0);
    }

    @Test
    void shouldCountAnUnknownSchemaIdAsItsOwnReason() {
        fixture.raw(fixture.topics.email()).pipeInput("c1", new byte[] {0, 0, 0, 0x7f, 0x7f, 2, 4, 6});
        assertThat(fixture.counter("profilestream.dlq", "reason", "unknown-schema-id")).isEqualTo(1.0);
    }

    @Test
    void shouldRouteAFutureTimestampToTheDeadLetterQueue() {
        fixture.purchases.pipeInput("c1", order("p1", "c1", TopologyFixture.WALL_CLOCK.plus(Duration.ofDays(1)), 1));
        final TestRecord<String, byte[]> dead = fixture.dlq.readRecord();
        assertThat(header(dead.headers(), DeadLetterQueueHandler.HEADER_REASON)).isEqualTo("future-timestamp");
        assertThat(fixture.profile("c1")).isNull();
    }

    private static String header(final Headers headers, final String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
