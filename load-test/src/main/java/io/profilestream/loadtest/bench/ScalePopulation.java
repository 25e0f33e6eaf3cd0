package io.profilestream.loadtest.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.loadtest.Catalogue;
import io.profilestream.loadtest.EventSource;
import io.profilestream.loadtest.GeneratedEvent;

/**
 * The input of {@code bench --only scale}: one order for each of {@code customers} new customers, so that the engine
 * holds exactly one profile per event.
 * Customer {@code i} (from 1) is {@code s-00000000i} ({@link #customerId(int)}; the simulator's are {@code c-...}, so
 * the two cannot be confused), and orders at {@code end - 30 days + (i - 1) * 30 days / customers}: evenly spread
 * over the 30 days before {@code end}, in increasing order, every one before {@code end}.
 * Each order has a random event id (a version 4 UUID, like the simulator's) and order id, and 1 to 3 lines (60%, 30%,
 * 10%) of products of random categories of the simulator's {@link Catalogue}, most bought once, some twice; a fifth of
 * the orders carry a discount of 10% to 20% on every line.
 * The orders are drawn from the seed, one after the other: the same seed and size give the same events.
 * Not safe for concurrent use.
 */
final class ScalePopulation implements EventSource {

    /** The time the orders are spread over, ending at {@code end}. */
    static final Duration SPAN = Duration.ofDays(30);

    private static final String ZEROS = "000000000";
    private static final double[] LINE_COUNT_WEIGHTS = {0.6, 0.3, 0.1};
    private static final double TWICE_SHARE = 0.15;
    private static final double DISCOUNT_SHARE = 0.2;
    private static final int[] DISCOUNT_PERCENTS = {10, 15, 20};
    private static final long UUID_VERSION_MASK = 0xffffffffffff0fffL;
    private static final long UUID_VERSION_4 = 0x0000000000004000L;
    private static final long UUID_VARIANT_MASK = 0x3fffffffffffffffL;
    private static final long UUID_VARIANT_IETF = 0x8000000000000000L;

    private final int customers;
    private final long startMillis;
    private final long spanMillis;
    private final SplittableRandom random;
    private final List<List<Catalogue.Product>> products = new ArrayList<>();
    private int produced;

    /**
     * The orders of {@code customers} customers.
     *
     * @param customers how many customers, each with one order; positive
     * @param seed the seed the orders are drawn from
     * @param end every order is before this instant, the last ones just before it
     */
    ScalePopulation(final int customers, final long seed, final Instant end) {
        if (customers <= 0) {
            throw new IllegalArgumentException("The number of customers must be positive.");
        }
        this.customers = customers;
        this.spanMillis = SPAN.toMillis();
        this.startMillis = end.toEpochMilli() - spanMillis;
        this.random = new SplittableRandom(seed);
        final Catalogue catalogue = Catalogue.standard();
        for (final String category : catalogue.categoryNames()) {
            products.add(catalogue.products(category));
        }
    }

    /**
     * The id of the n-th customer (from 1): {@code s-} and the number on at least nine digits.
     */
    static String customerId(final int number) {
        final String digits = Integer.toString(number);
        return digits.length() >= ZEROS.length()
            ? "s-" + digits
            : "s-" + ZEROS.substring(digits.length()) + digits;
    }

    /** The order time of the n-th customer (from 1). */
    Instant orderTime(final int number) {
        return Instant.ofEpochMilli(startMillis + (number - 1L) * spanMillis / customers);
    }

    /** The next customer's order, or {@code null} once every customer has ordered. */
    @Override
    public GeneratedEvent next() {
        if (produced == customers) {
            return null;
        }
        produced++;
        final Map<Catalogue.Product, Integer> basket = new LinkedHashMap<>();
        final int lines = weighted(LINE_COUNT_WEIGHTS) + 1;
        while (basket.size() < lines) {
            final List<Catalogue.Product> category = products.get(random.nextInt(products.size()));
            basket.putIfAbsent(category.get(random.nextInt(category.size())),
                random.nextDouble() < TWICE_SHARE ? 2 : 1);
        }
        final int discountPercent = random.nextDouble() < DISCOUNT_SHARE
            ? DISCOUNT_PERCENTS[random.nextInt(DISCOUNT_PERCENTS.length)]
            : 0;
        final List<LineItem> items = new ArrayList<>(lines);
        long total = 0;
        long discount = 0;
        for (final Map.Entry<Catalogue.Product, Integer> line : basket.entrySet()) {
            final long list = line.getKey().priceMinor();
            final long paid = list - list * discountPercent / 100;
            items.add(new LineItem(line.getKey().sku(), line.getKey().category(), line.getValue(), paid));
            total += paid * line.getValue();
            discount += (list - paid) * line.getValue();
        }
        return GeneratedEvent.purchase(PurchaseEvent.newBuilder()
            .setEventId(uuid().toString())
            .setOrderId("o-" + Long.toHexString(random.nextLong() | Long.MIN_VALUE))
            .setCustomerId(customerId(produced))
            .setType(PurchaseType.ORDER)
            .setTimestamp(orderTime(produced))
            .setCurrency(Catalogue.CURRENCY)
            .setTotalMinor(total)
            .setDiscountMinor(discount)
            .setItems(items)
            .build());
    }

    private int weighted(final double[] weights) {
        double draw = random.nextDouble();
        for (int i = 0; i < weights.length - 1; i++) {
            draw -= weights[i];
            if (draw < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private UUID uuid() {
        return new UUID(random.nextLong() & UUID_VERSION_MASK | UUID_VERSION_4,
            random.nextLong() & UUID_VARIANT_MASK | UUID_VARIANT_IETF);
    }
}
