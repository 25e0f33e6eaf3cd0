package io.profilestream.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;

/**
 * A simulated run: events carry simulated time, the run ends when its days are up, and the purchases in the stream
 * are exactly the ones the {@link GroundTruth} describes.
 */
class SimulationTest {

    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private static final double CALIBRATION_DAYS = 273;
    private static final double HOLDOUT_DAYS = 273;
    private static final long DAY_MILLIS = 86_400_000L;

    private static Population population;
    private static GroundTruth truth;
    private static List<GeneratedEvent> events;

    @BeforeAll
    static void simulate() {
        population = Population.generate(150, 77);
        truth = GroundTruth.of(population, START, CALIBRATION_DAYS, HOLDOUT_DAYS);
        events = drain(EventGenerator.simulated(population,
            SimulatedTime.simulated(START, 0, CALIBRATION_DAYS + HOLDOUT_DAYS), Noise.NONE));
    }

    @Test
    void shouldStampEventsWithSimulatedTimeInOrderUntilTheEnd() {
        final Instant end = START.plus(Duration.ofDays(546));
        Instant previous = START;
        for (final GeneratedEvent event : events) {
            assertThat(event.timestamp()).isAfterOrEqualTo(previous).isBeforeOrEqualTo(end);
            previous = event.timestamp();
        }
        assertThat(events.get(events.size() - 1).timestamp()).isAfter(end.minus(Duration.ofDays(1)));
        assertThat(events).noneMatch(GeneratedEvent::isMalformed);
    }

    @Test
    void shouldPlaceExactlyThePurchasesOfTheTruth() {
        final long calibrationEnd = truth.calibrationEnd().toEpochMilli();
        final long holdoutEnd = truth.holdoutEnd().toEpochMilli();
        final Map<String, List<PurchaseEvent>> orders = orders();

        assertThat(orders.keySet()).hasSize(population.customers().size());
        for (final GroundTruth.Customer customer : truth.customers()) {
            final List<PurchaseEvent> placed = orders.get(customer.customerId());
            final Instant first = placed.get(0).getTimestamp();
            final List<PurchaseEvent> repeats = placed.stream()
                .skip(1)
                .filter(order -> order.getTimestamp().toEpochMilli() <= calibrationEnd)
                .toList();
            final long holdout = placed.stream()
                .filter(order -> order.getTimestamp().toEpochMilli() > calibrationEnd
                    && order.getTimestamp().toEpochMilli() <= holdoutEnd)
                .count();
            final Set<Long> calibrationDays = placed.stream()
                .filter(order -> order.getTimestamp().toEpochMilli() <= calibrationEnd)
                .map(order -> Math.floorDiv(order.getTimestamp().toEpochMilli(), DAY_MILLIS))
                .collect(Collectors.toSet());

            assertThat(first).isEqualTo(customer.firstPurchase());
            assertThat(repeats).hasSize(customer.x());
            assertThat(holdout).isEqualTo(customer.holdoutPurchases());
            assertThat(calibrationDays).hasSize(customer.xDays() + 1);
            assertThat(customer.bigT()).isEqualTo((double) (calibrationEnd - first.toEpochMilli()) / DAY_MILLIS);
            if (customer.x() > 0) {
                final Instant last = repeats.get(repeats.size() - 1).getTimestamp();
                assertThat(customer.tx()).isEqualTo((double) (last.toEpochMilli() - first.toEpochMilli()) / DAY_MILLIS);
                assertThat(customer.m()).isCloseTo(
                    repeats.stream().mapToLong(PurchaseEvent::getTotalMinor).average().orElseThrow(), within(1e-9));
            }
            if (customer.dropoutAt() != null) {
                assertThat(placed.get(placed.size() - 1).getTimestamp()).isEqualTo(customer.dropoutAt());
            }
        }
    }

    @Test
    void shouldLetAnonymousBrowsingBeLinkedWhenTheCustomerSignsUp() {
        final Map<String, String> customerByAnonymousId = new HashMap<>();
        final Set<String> anonymousBeforeLink = new HashSet<>();
        for (final GeneratedEvent event : events) {
            if (event.value() instanceof ClickEvent click) {
                if (click.getCustomerId() != null) {
                    customerByAnonymousId.putIfAbsent(click.getAnonymousId(), click.getCustomerId());
                } else if (!customerByAnonymousId.containsKey(click.getAnonymousId())) {
                    anonymousBeforeLink.add(click.getAnonymousId());
                }
            }
        }
        final Set<String> linkedLater = new HashSet<>(anonymousBeforeLink);
        linkedLater.retainAll(customerByAnonymousId.keySet());

        assertThat(linkedLater).hasSizeGreaterThan(population.customers().size() / 2);
        assertThat(clicks()).anyMatch(click -> click.getType() == ClickType.SIGN_UP);
    }

    @Test
    void shouldAbandonCartsInBrowsingSessionsAndConvertThemInPurchaseSessions() {
        final Map<String, Map<String, Integer>> cartBySession = new HashMap<>();
        for (final ClickEvent click : clicks()) {
            if (click.getType() == ClickType.ADD_TO_CART) {
                cartBySession.computeIfAbsent(click.getSessionId(), session -> new TreeMap<>())
                    .merge(click.getProductId(), 1, Integer::sum);
            }
        }
        final long orders = events.stream()
            .filter(event -> event.value() instanceof PurchaseEvent purchase
                && purchase.getType() == PurchaseType.ORDER)
            .count();

        assertThat(cartBySession.size()).isGreaterThan((int) orders * 2);
    }

    @Test
    void shouldBrowseLessAfterDroppingOut() {
        final Map<String, Instant> dropouts = new HashMap<>();
        truth.customers().stream()
            .filter(customer -> customer.dropoutAt() != null)
            .forEach(customer -> dropouts.put(customer.customerId(), customer.dropoutAt()));
        final Map<String, List<Instant>> identifiedClicks = new HashMap<>();
        for (final ClickEvent click : clicks()) {
            if (click.getCustomerId() != null && dropouts.containsKey(click.getCustomerId())) {
                identifiedClicks.computeIfAbsent(click.getCustomerId(), id -> new ArrayList<>())
                    .add(click.getTimestamp());
            }
        }
        long before = 0;
        long after = 0;
        double daysBefore = 0;
        double daysAfter = 0;
        final Instant end = START.plus(Duration.ofDays(546));
        for (final GroundTruth.Customer customer : truth.customers()) {
            if (customer.dropoutAt() == null) {
                continue;
            }
            final Instant dropout = customer.dropoutAt();
            final List<Instant> clicks = identifiedClicks.getOrDefault(customer.customerId(), List.of());
            before += clicks.stream().filter(time -> time.isAfter(customer.firstPurchase()) && !time.isAfter(dropout))
                .count();
            after += clicks.stream().filter(time -> time.isAfter(dropout)).count();
            daysBefore += Duration.between(customer.firstPurchase(), dropout).toMinutes() / 1440.0;
            daysAfter += Duration.between(dropout, end).toMinutes() / 1440.0;
        }

        assertThat(after / daysAfter).isLessThan(before / daysBefore / 2);
    }

    @Test
    void shouldRepeatTheSameSimulationForTheSameSeed() {
        final SimulatedTime time = SimulatedTime.simulated(START, 0, 30);
        final List<GeneratedEvent> first = drain(EventGenerator.simulated(Population.generate(100, 5), time,
            Noise.NONE));
        final List<GeneratedEvent> second = drain(EventGenerator.simulated(Population.generate(100, 5), time,
            Noise.NONE));

        assertThat(second).isEqualTo(first);
        assertThat(first).isNotEmpty();
    }

    @Test
    void shouldShiftOnlyTheTimestampsWithTheStart() {
        final Population small = Population.generate(50, 3);
        final Instant later = START.plus(Duration.ofDays(100));
        final List<GeneratedEvent> first = drain(EventGenerator.simulated(small,
            SimulatedTime.simulated(START, 0, 20), Noise.NONE));
        final List<GeneratedEvent> shifted = drain(EventGenerator.simulated(small,
            SimulatedTime.simulated(later, 0, 20), Noise.NONE));

        assertThat(shifted).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(shifted.get(i).timestamp()).isEqualTo(first.get(i).timestamp().plus(Duration.ofDays(100)));
            assertThat(shifted.get(i).eventId()).isEqualTo(first.get(i).eventId());
        }
    }

    private static Map<String, List<PurchaseEvent>> orders() {
        final Map<String, List<PurchaseEvent>> orders = new HashMap<>();
        for (final GeneratedEvent event : events) {
            if (event.value() instanceof PurchaseEvent purchase && purchase.getType() == PurchaseType.ORDER) {
                orders.computeIfAbsent(purchase.getCustomerId(), id -> new ArrayList<>()).add(purchase);
            }
        }
        return orders;
    }

    private static List<ClickEvent> clicks() {
        return events.stream()
            .filter(event -> event.value() instanceof ClickEvent)
            .map(event -> (ClickEvent) event.value())
            .toList();
    }

    static List<GeneratedEvent> drain(final EventSource source) {
        final List<GeneratedEvent> drained = new ArrayList<>();
        for (GeneratedEvent event = source.next(); event != null; event = source.next()) {
            drained.add(event);
        }
        return drained;
    }
}
