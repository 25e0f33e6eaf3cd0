package io.profilestream.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.profilestream.config.EngineSettings;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.domain.EventKind;
import io.profilestream.domain.EventValidator;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.loadtest.Catalogue;
import io.profilestream.loadtest.GeneratedEvent;
import io.profilestream.loadtest.Population;
import io.profilestream.registry.InMemorySchemaRegistryClient;
import io.profilestream.serde.EngineSerdes;

/**
 * The input of {@code bench --only scale}: one valid order per distinct new customer, spread over the 30 days before
 * the end, the same for the same seed.
 */
class ScalePopulationTest {

    private static final Instant END = Instant.parse("2025-01-01T00:00:00Z");
    private static final int CUSTOMERS = 5_000;

    @Test
    void shouldGiveEachOfTheCustomersOneOrderWithItsOwnIds() {
        final List<PurchaseEvent> orders = orders(new ScalePopulation(CUSTOMERS, 3L, END));

        assertThat(orders).hasSize(CUSTOMERS);
        final Set<String> customers = new HashSet<>();
        final Set<String> eventIds = new HashSet<>();
        final Set<String> orderIds = new HashSet<>();
        for (final PurchaseEvent order : orders) {
            customers.add(order.getCustomerId());
            eventIds.add(order.getEventId());
            orderIds.add(order.getOrderId());
        }
        assertThat(customers).hasSize(CUSTOMERS).allMatch(id -> id.matches("s-\\d{9}"))
            .contains("s-000000001", "s-000005000")
            .doesNotContain(Population.customerId(1));
        assertThat(eventIds).hasSize(CUSTOMERS);
        assertThat(orderIds).hasSize(CUSTOMERS);
        assertThat(ScalePopulation.customerId(1_234_567_890)).isEqualTo("s-1234567890");
    }

    @Test
    void shouldSpreadTheOrdersEvenlyOverTheThirtyDaysBeforeTheEnd() {
        final List<PurchaseEvent> orders = orders(new ScalePopulation(CUSTOMERS, 3L, END));
        final Instant start = END.minus(ScalePopulation.SPAN);
        final long step = ScalePopulation.SPAN.toMillis() / CUSTOMERS;

        assertThat(orders.get(0).getTimestamp()).isEqualTo(start);
        for (int i = 1; i < orders.size(); i++) {
            final long gap = orders.get(i).getTimestamp().toEpochMilli()
                - orders.get(i - 1).getTimestamp().toEpochMilli();
            assertThat(gap).isBetween(step, step + 1);
        }
        assertThat(orders.get(orders.size() - 1).getTimestamp()).isBefore(END)
            .isAfter(END.minus(ScalePopulation.SPAN.dividedBy(CUSTOMERS).multipliedBy(2)));
    }

    @Test
    void shouldProduceOrdersOfTheCatalogueThatTheEngineAccepts() {
        final EventValidator validator = EngineSettings.from(ProfileStreamConfig.of(Map.of())).validator();
        final EngineSerdes serdes = new EngineSerdes(new InMemorySchemaRegistryClient(), Integer.MAX_VALUE);
        final Catalogue catalogue = Catalogue.standard();
        final Set<Integer> lineCounts = new HashSet<>();
        int discounted = 0;
        for (final GeneratedEvent event : events(new ScalePopulation(CUSTOMERS, 3L, END))) {
            assertThat(event.kind()).isEqualTo(EventKind.PURCHASE);
            assertThat(event.isMalformed()).isFalse();
            final PurchaseEvent order = (PurchaseEvent) event.value();
            assertThat(event.key()).isEqualTo(order.getCustomerId());
            assertThat(order.getType()).isEqualTo(PurchaseType.ORDER);
            assertThatCode(() -> validator.validate(event.key(), order, END.toEpochMilli()))
                .doesNotThrowAnyException();
            final byte[] bytes = serdes.purchase().serialize("purchase-events", order);
            assertThat(serdes.purchase().deserialize(bytes)).isEqualTo(order);
            lineCounts.add(order.getItems().size());
            long total = 0;
            for (final LineItem item : order.getItems()) {
                final Catalogue.Product product = catalogue.products(item.getCategory()).stream()
                    .filter(p -> p.sku().equals(item.getSku())).findFirst().orElseThrow();
                assertThat(item.getUnitPriceMinor()).isPositive().isLessThanOrEqualTo(product.priceMinor());
                assertThat(item.getQuantity()).isBetween(1, 2);
                total += item.getUnitPriceMinor() * item.getQuantity();
            }
            assertThat(order.getTotalMinor()).isEqualTo(total);
            if (order.getDiscountMinor() > 0) {
                discounted++;
            }
        }
        assertThat(lineCounts).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(discounted).isBetween(CUSTOMERS / 10, CUSTOMERS * 3 / 10);
    }

    @Test
    void shouldRepeatTheSameOrdersForTheSameSeed() {
        assertThat(orders(new ScalePopulation(100, 9L, END))).isEqualTo(orders(new ScalePopulation(100, 9L, END)))
            .isNotEqualTo(orders(new ScalePopulation(100, 10L, END)));
    }

    @Test
    void shouldRefuseNoCustomers() {
        assertThatThrownBy(() -> new ScalePopulation(0, 1L, END)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<PurchaseEvent> orders(final ScalePopulation population) {
        return events(population).stream().map(event -> (PurchaseEvent) event.value()).toList();
    }

    private static List<GeneratedEvent> events(final ScalePopulation population) {
        final List<GeneratedEvent> events = new ArrayList<>();
        for (GeneratedEvent event = population.next(); event != null; event = population.next()) {
            events.add(event);
        }
        return events;
    }
}
