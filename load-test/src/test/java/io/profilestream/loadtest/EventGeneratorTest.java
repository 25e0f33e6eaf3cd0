package io.profilestream.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.profilestream.config.EngineSettings;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.domain.EventValidator;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.EmailEventType;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;

class EventGeneratorTest {

    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final int EVENTS = 100_000;

    private static Population population;
    private static TickingClock clock;
    private static List<GeneratedEvent> events;

    @BeforeAll
    static void generate() {
        population = Population.generate(2_000, 42);
        clock = new TickingClock(START, 10);
        events = take(new EventGenerator(population, clock), EVENTS);
    }

    @Test
    void shouldGenerateTheSameEventsForTheSameSeed() {
        final Clock fixed = Clock.fixed(START, ZoneOffset.UTC);
        final List<GeneratedEvent> first = take(new EventGenerator(Population.generate(300, 5), fixed), 5_000);
        final List<GeneratedEvent> second = take(new EventGenerator(Population.generate(300, 5), fixed), 5_000);
        final List<GeneratedEvent> other = take(new EventGenerator(Population.generate(300, 6), fixed), 5_000);

        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void shouldPassTheEngineValidatorWithTheRightKey() {
        final EventValidator validator = EngineSettings.from(ProfileStreamConfig.of(Map.of())).validator();
        final long nowMs = clock.peek().toEpochMilli();

        for (final GeneratedEvent event : events) {
            assertThatCode(() -> validator.validate(event.key(), event.value(), nowMs)).doesNotThrowAnyException();
            final String expectedKey = switch (event.kind()) {
                case CLICK -> ((ClickEvent) event.value()).getAnonymousId();
                case PURCHASE -> ((PurchaseEvent) event.value()).getCustomerId();
                case EMAIL -> ((EmailEvent) event.value()).getCustomerId();
                default -> throw new AssertionError("The generator produced a " + event.kind() + " event.");
            };
            assertThat(event.key()).isEqualTo(expectedKey);
        }
    }

    @Test
    void shouldUseUniqueEventIdsAndTimestampsFromTheClock() {
        assertThat(events.stream().map(GeneratedEvent::eventId).collect(Collectors.toSet())).hasSize(EVENTS);
        Instant previous = START;
        for (final GeneratedEvent event : events) {
            assertThat(event.timestamp()).isAfterOrEqualTo(previous).isBefore(clock.peek());
            previous = event.timestamp();
        }
    }

    @Test
    void shouldProduceEveryKindAndType() {
        final Set<ClickType> clickTypes = EnumSet.noneOf(ClickType.class);
        final Set<PurchaseType> purchaseTypes = EnumSet.noneOf(PurchaseType.class);
        final Set<EmailEventType> emailTypes = EnumSet.noneOf(EmailEventType.class);
        for (final GeneratedEvent event : events) {
            if (event.value() instanceof ClickEvent click) {
                clickTypes.add(click.getType());
            } else if (event.value() instanceof PurchaseEvent purchase) {
                purchaseTypes.add(purchase.getType());
            } else if (event.value() instanceof EmailEvent email) {
                emailTypes.add(email.getType());
            }
        }

        assertThat(clickTypes).containsExactlyInAnyOrder(ClickType.values());
        assertThat(purchaseTypes).containsExactlyInAnyOrder(PurchaseType.values());
        assertThat(emailTypes).containsExactlyInAnyOrder(EmailEventType.values());
        assertThat(purchases()).anyMatch(purchase -> purchase.getDiscountMinor() > 0);
    }

    @Test
    void shouldPlaceOrdersOnlyForCustomersWithTotalsEqualToTheirItems() {
        final Set<String> customerIds = population.customers().stream()
            .map(Visitor::customerId)
            .collect(Collectors.toSet());
        final List<PurchaseEvent> purchases = purchases();

        assertThat(purchases).isNotEmpty();
        for (final PurchaseEvent purchase : purchases) {
            assertThat(customerIds).contains(purchase.getCustomerId());
            assertThat(purchase.getCurrency()).isEqualTo("USD");
            assertThat(purchase.getItems()).isNotEmpty();
            assertThat(purchase.getTotalMinor()).isPositive().isEqualTo(purchase.getItems().stream()
                .mapToLong(item -> item.getUnitPriceMinor() * item.getQuantity())
                .sum());
        }
    }

    @Test
    void shouldRecordDiscountsAsTheSavingOnListPrices() {
        for (final PurchaseEvent order : purchases()) {
            if (order.getType() == PurchaseType.ORDER) {
                final long listTotal = order.getItems().stream()
                    .mapToLong(item -> listPrice(item) * item.getQuantity())
                    .sum();
                assertThat(order.getTotalMinor() + order.getDiscountMinor()).isEqualTo(listTotal);
            }
        }
    }

    @Test
    void shouldRefundOnlyEarlierOrdersOfTheSameCustomer() {
        final Map<String, PurchaseEvent> orders = new HashMap<>();
        int refunds = 0;
        for (final PurchaseEvent purchase : purchases()) {
            if (purchase.getType() == PurchaseType.ORDER) {
                assertThat(orders.put(purchase.getOrderId(), purchase)).isNull();
            } else {
                refunds++;
                final PurchaseEvent order = orders.get(purchase.getOrderId());
                assertThat(order).isNotNull();
                assertThat(purchase.getCustomerId()).isEqualTo(order.getCustomerId());
                assertThat(purchase.getTimestamp()).isAfter(order.getTimestamp());
                assertThat(purchase.getTotalMinor()).isLessThanOrEqualTo(order.getTotalMinor());
                assertThat(order.getItems()).containsAll(purchase.getItems());
            }
        }

        assertThat(refunds).isPositive().isLessThan(orders.size() / 10);
    }

    @Test
    void shouldIdentifyClicksOnlyAfterLoginOrSignUpInTheSession() {
        final Map<String, String> identifiedSessions = new HashMap<>();
        final Map<String, Visitor> visitorByAnonymousId = new HashMap<>();
        population.visitors().forEach(visitor ->
            visitor.browsers().forEach(browser -> visitorByAnonymousId.put(browser.anonymousId(), visitor)));

        for (final ClickEvent click : clicks()) {
            final String identified = identifiedSessions.get(click.getSessionId());
            if (identified != null) {
                assertThat(click.getCustomerId()).isEqualTo(identified);
            } else if (click.getCustomerId() != null) {
                assertThat(click.getType()).isIn(ClickType.LOGIN, ClickType.SIGN_UP);
                assertThat(visitorByAnonymousId.get(click.getAnonymousId()).customerId())
                    .isEqualTo(click.getCustomerId());
                identifiedSessions.put(click.getSessionId(), click.getCustomerId());
            } else {
                assertThat(click.getType()).isNotIn(ClickType.LOGIN, ClickType.SIGN_UP);
            }
        }
        assertThat(identifiedSessions).isNotEmpty();
    }

    @Test
    void shouldSignUpOnceAndLogInAfterwards() {
        final Set<String> signedUp = new HashSet<>();
        final Map<String, Visitor> byCustomerId = population.customers().stream()
            .collect(Collectors.toMap(Visitor::customerId, visitor -> visitor));
        for (final ClickEvent click : clicks()) {
            if (click.getType() == ClickType.SIGN_UP) {
                assertThat(byCustomerId.get(click.getCustomerId()).registeredAtStart()).isFalse();
                assertThat(signedUp.add(click.getCustomerId())).isTrue();
            } else if (click.getType() == ClickType.LOGIN) {
                assertThat(byCustomerId.get(click.getCustomerId()).registeredAtStart()
                    || signedUp.contains(click.getCustomerId())).isTrue();
            }
        }
        assertThat(signedUp).isNotEmpty();
    }

    @Test
    void shouldHaveVisitorsWhoStayAnonymous() {
        final Set<String> anonymousOnly = new HashSet<>();
        population.visitors().stream()
            .filter(visitor -> !visitor.isCustomer())
            .forEach(visitor -> visitor.browsers().forEach(browser -> anonymousOnly.add(browser.anonymousId())));
        final List<ClickEvent> anonymousClicks = clicks().stream()
            .filter(click -> anonymousOnly.contains(click.getAnonymousId()))
            .toList();

        assertThat(anonymousClicks).isNotEmpty().allMatch(click -> click.getCustomerId() == null);
        assertThat(anonymousClicks).anyMatch(click -> click.getType() == ClickType.ADD_TO_CART);
    }

    @Test
    void shouldOrderTheCartOfAnIdentifiedSessionAfterCheckout() {
        final Map<String, Map<String, Integer>> cartBySession = new HashMap<>();
        final Map<String, Set<String>> sessionsByCustomer = new HashMap<>();
        final Set<String> checkedOut = new HashSet<>();
        final Map<String, Integer> sessionLengths = new HashMap<>();
        int orders = 0;
        for (final GeneratedEvent event : events) {
            if (event.value() instanceof ClickEvent click) {
                final String session = click.getSessionId();
                sessionLengths.merge(session, 1, Integer::sum);
                final Map<String, Integer> cart = cartBySession.computeIfAbsent(session, s -> new TreeMap<>());
                switch (click.getType()) {
                    case ADD_TO_CART -> cart.merge(click.getProductId(), 1, Integer::sum);
                    case REMOVE_FROM_CART -> cart.computeIfPresent(click.getProductId(),
                        (sku, count) -> count == 1 ? null : count - 1);
                    case CHECKOUT_STARTED -> checkedOut.add(session);
                    default -> {
                    }
                }
                if (click.getCustomerId() != null) {
                    sessionsByCustomer.computeIfAbsent(click.getCustomerId(), c -> new HashSet<>()).add(session);
                }
            } else if (event.value() instanceof PurchaseEvent order && order.getType() == PurchaseType.ORDER) {
                orders++;
                final Map<String, Integer> ordered = new TreeMap<>();
                order.getItems().forEach(item -> ordered.merge(item.getSku(), item.getQuantity(), Integer::sum));
                final boolean fromCheckedOutCart = sessionsByCustomer.getOrDefault(order.getCustomerId(), Set.of())
                    .stream()
                    .anyMatch(session -> checkedOut.contains(session) && cartBySession.get(session).equals(ordered));
                assertThat(fromCheckedOutCart)
                    .as("order %s matches the cart of a checked-out session of its customer", order.getOrderId())
                    .isTrue();
            }
        }
        final double averageLength = sessionLengths.values().stream().mapToInt(Integer::intValue).average().orElse(0);
        assertThat(orders).isPositive();
        assertThat(averageLength).isGreaterThan(3);
    }

    @Test
    void shouldFollowEachEmailThroughItsLife() {
        final Map<String, EnumSet<EmailEventType>> seen = new HashMap<>();
        for (final GeneratedEvent event : events) {
            if (event.value() instanceof EmailEvent email) {
                final EnumSet<EmailEventType> steps = seen.computeIfAbsent(
                    email.getCampaignId() + "/" + email.getCustomerId(), key -> EnumSet.noneOf(EmailEventType.class));
                switch (email.getType()) {
                    case SENT -> assertThat(steps).isEmpty();
                    case DELIVERED, BOUNCED -> assertThat(steps).containsExactly(EmailEventType.SENT);
                    case OPENED, COMPLAINED -> assertThat(steps).contains(EmailEventType.DELIVERED);
                    case CLICKED, UNSUBSCRIBED -> assertThat(steps).contains(EmailEventType.OPENED);
                    default -> throw new AssertionError("Unexpected email event type " + email.getType());
                }
                assertThat(steps.add(email.getType())).isTrue();
            }
        }
        assertThat(seen).isNotEmpty();
    }

    @Test
    void shouldNameTheFirstCustomersToOrder() {
        final Population small = Population.generate(300, 9);
        final List<String> sample = EventGenerator.firstActiveCustomers(small, 5, 100_000);
        final EventGenerator generator = new EventGenerator(small, Clock.systemUTC());
        final Set<String> firstBuyers = new LinkedHashSet<>();
        while (firstBuyers.size() < 5) {
            final GeneratedEvent event = generator.next();
            if (event.value() instanceof PurchaseEvent purchase && purchase.getType() == PurchaseType.ORDER) {
                firstBuyers.add(purchase.getCustomerId());
            }
        }

        assertThat(sample).containsExactlyElementsOf(firstBuyers);
    }

    private static long listPrice(final LineItem item) {
        return Catalogue.standard().products(item.getCategory()).stream()
            .filter(product -> product.sku().equals(item.getSku()))
            .findFirst()
            .orElseThrow()
            .priceMinor();
    }

    private static List<ClickEvent> clicks() {
        return events.stream()
            .filter(event -> event.value() instanceof ClickEvent)
            .map(event -> (ClickEvent) event.value())
            .toList();
    }

    private static List<PurchaseEvent> purchases() {
        return events.stream()
            .filter(event -> event.value() instanceof PurchaseEvent)
            .map(event -> (PurchaseEvent) event.value())
            .toList();
    }

    private static List<GeneratedEvent> take(final EventSource source, final int count) {
        final List<GeneratedEvent> result = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            result.add(source.next());
        }
        return result;
    }
}
