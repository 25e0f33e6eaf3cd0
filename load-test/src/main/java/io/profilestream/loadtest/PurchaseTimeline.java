package io.profilestream.loadtest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import io.profilestream.events.LineItem;

/**
 * One customer's purchases in simulated time, replayed from the customer's {@link Visitor.PurchaseHabit}.
 *
 * <p>The first purchase falls on the habit's first purchase day; each later one follows after an exponential wait
 * with the customer's rate, and right after each repeat purchase the customer drops out with the habit's probability.
 * The basket of each purchase is drawn here too, from a stream separate from the timing, so the event generator and
 * the {@link GroundTruth} replay exactly the same purchases, baskets included, without talking to each other.
 * Instances are not safe for concurrent use.
 */
final class PurchaseTimeline {

    /** Milliseconds in a day. */
    static final long MILLIS_PER_DAY = 86_400_000L;

    /** Purchases further out than this (about 2,700 years) are never reached. */
    private static final double HORIZON_DAYS = 1e6;
    private static final double DISCOUNT_SHARE = 0.2;
    /** A discount is this many per cent times a step drawn between the two below, both included. */
    private static final int DISCOUNT_PERCENT_PER_STEP = 5;
    private static final int MIN_DISCOUNT_STEP = 2;
    private static final int MAX_DISCOUNT_STEP = 4;
    private static final double[] PRODUCT_COUNT_WEIGHTS = {0.6, 0.3, 0.1};
    /** Share of a basket's products taken from the customer's interests rather than from any category. */
    private static final double INTEREST_SHARE = 0.85;
    /** Share of a basket's products bought once rather than twice. */
    private static final double ONCE_SHARE = 0.85;
    /** Orders after which the category mix of a repeat order has settled (it moves by FOLLOW_ON_SHARE per order). */
    private static final int MIX_ORDERS = 40;
    /** How often a product of a repeat order comes from the follow-on category of the previous order's categories. */
    static final double FOLLOW_ON_SHARE = 0.25;

    private final Visitor customer;
    private final Catalogue catalogue;
    private final SplittableRandom timing;
    private final SplittableRandom baskets;
    private int made;
    private double lastDay;
    private boolean over;
    private List<String> lastCategories = List.of();

    PurchaseTimeline(final Visitor customer, final Catalogue catalogue) {
        if (!customer.buys()) {
            throw new IllegalArgumentException("Only customers with a purchase habit have a purchase timeline.");
        }
        this.customer = customer;
        this.catalogue = catalogue;
        final SplittableRandom root = new SplittableRandom(customer.habit().seed());
        this.timing = root.split();
        this.baskets = root.split();
    }

    /**
     * Converts days after the simulated start into milliseconds after it, rounded to the millisecond.
     */
    static long toMillis(final double days) {
        return Math.round(days * MILLIS_PER_DAY);
    }

    /**
     * The next purchase, or {@code null} once the customer has dropped out (or the next purchase is beyond reach).
     */
    Purchase next() {
        if (over) {
            return null;
        }
        final Visitor.PurchaseHabit habit = customer.habit();
        final double day;
        if (made == 0) {
            day = habit.firstPurchaseDay();
        } else {
            day = lastDay + Sampling.exponential(timing, 1 / habit.lambda());
        }
        if (!(day <= HORIZON_DAYS)) {
            over = true;
            return null;
        }
        final boolean dropsOut = made > 0 && Sampling.chance(timing, habit.dropoutProbability());
        final Purchase purchase = new Purchase(made, toMillis(day), basket(), discountPercent(), dropsOut);
        made++;
        lastDay = day;
        over = dropsOut;
        return purchase;
    }

    /**
     * One to three products, each once or twice: in a repeat order each comes, with {@link #FOLLOW_ON_SHARE}, from the
     * follow-on category ({@link Catalogue#followOn}) of a category of the previous order; otherwise mostly from the
     * customer's interests.
     */
    private Map<Catalogue.Product, Integer> basket() {
        final Map<Catalogue.Product, Integer> basket = new LinkedHashMap<>();
        final int products = Sampling.weighted(baskets, PRODUCT_COUNT_WEIGHTS) + 1;
        final List<String> categories = new ArrayList<>(products);
        for (int i = 0; i < products; i++) {
            final String category;
            if (!lastCategories.isEmpty() && Sampling.chance(baskets, FOLLOW_ON_SHARE)) {
                category = catalogue.followOn(Sampling.pick(baskets, lastCategories));
            } else {
                category = Sampling.chance(baskets, INTEREST_SHARE)
                    ? Sampling.pick(baskets, customer.interests())
                    : Sampling.pick(baskets, catalogue.categoryNames());
            }
            final Catalogue.Product product = Sampling.pick(baskets, catalogue.products(category));
            basket.merge(product, Sampling.chance(baskets, ONCE_SHARE) ? 1 : 2, Integer::sum);
            categories.add(category);
        }
        lastCategories = List.copyOf(categories);
        return basket;
    }

    private int discountPercent() {
        return Sampling.chance(baskets, DISCOUNT_SHARE)
            ? DISCOUNT_PERCENT_PER_STEP * Sampling.between(baskets, MIN_DISCOUNT_STEP, MAX_DISCOUNT_STEP)
            : 0;
    }

    /**
     * The expected amount of one of the customer's repeat orders in the long run, in minor units: the mean of
     * {@link Purchase#totalMinor()} over the basket and discount draws above.
     * Each product's category follows the customer's interests, or with {@link #FOLLOW_ON_SHARE} the follow-on of a
     * category of the previous order, whose products follow the same mix one order earlier; the mix of order n is
     * {@code (1 - s) base + s followOn(mix of order n - 1)}, which settles (by a factor {@code s} per order) on the
     * fixed point used here.
     */
    static double expectedTotalMinor(final Visitor customer, final Catalogue catalogue) {
        double products = 0;
        for (int i = 0; i < PRODUCT_COUNT_WEIGHTS.length; i++) {
            products += (i + 1) * PRODUCT_COUNT_WEIGHTS[i];
        }
        final List<String> names = catalogue.categoryNames();
        final Map<String, Double> base = new LinkedHashMap<>();
        for (final String category : names) {
            base.put(category, (1 - INTEREST_SHARE) / names.size());
        }
        for (final String interest : customer.interests()) {
            base.merge(interest, INTEREST_SHARE / customer.interests().size(), Double::sum);
        }
        Map<String, Double> mix = base;
        for (int order = 0; order < MIX_ORDERS; order++) {
            final Map<String, Double> next = new LinkedHashMap<>();
            base.forEach((category, share) -> next.put(category, (1 - FOLLOW_ON_SHARE) * share));
            mix.forEach((category, share) -> next.merge(catalogue.followOn(category), FOLLOW_ON_SHARE * share,
                Double::sum));
            mix = next;
        }
        double perProduct = 0;
        for (final Map.Entry<String, Double> share : mix.entrySet()) {
            perProduct += share.getValue() * meanPaidPrice(catalogue.products(share.getKey()));
        }
        return products * (2 - ONCE_SHARE) * perProduct;
    }

    /** The mean price paid for a product picked at random from the list, over the discount draw. */
    private static double meanPaidPrice(final List<Catalogue.Product> products) {
        double mean = 0;
        for (final Catalogue.Product product : products) {
            double discounted = 0;
            for (int step = MIN_DISCOUNT_STEP; step <= MAX_DISCOUNT_STEP; step++) {
                discounted += (double) paidPrice(product, DISCOUNT_PERCENT_PER_STEP * step)
                    / (MAX_DISCOUNT_STEP - MIN_DISCOUNT_STEP + 1);
            }
            mean += ((1 - DISCOUNT_SHARE) * product.priceMinor() + DISCOUNT_SHARE * discounted) / products.size();
        }
        return mean;
    }

    private static long paidPrice(final Catalogue.Product product, final int discountPercent) {
        return product.priceMinor() - product.priceMinor() * discountPercent / 100;
    }

    /**
     * A purchase on the timeline.
     *
     * @param number 0 for the first purchase, then 1, 2, ... for the repeat purchases
     * @param offsetMillis when it happens, in milliseconds after the simulated start
     * @param basket products and quantities, in the order they were chosen
     * @param discountPercent the discount on every list price, 0 for none
     * @param dropsOut whether the customer drops out right after this purchase
     */
    record Purchase(int number,
                    long offsetMillis,
                    Map<Catalogue.Product, Integer> basket,
                    int discountPercent,
                    boolean dropsOut) {

        Purchase {
            basket = Collections.unmodifiableMap(new LinkedHashMap<>(basket));
        }

        /** Order lines at the prices paid: one line per product, with its quantity. */
        List<LineItem> lineItems() {
            final List<LineItem> items = new ArrayList<>(basket.size());
            basket.forEach((product, quantity) ->
                items.add(new LineItem(product.sku(), product.category(), quantity, paidPrice(product))));
            return items;
        }

        /** The distinct categories of the order's lines. */
        Set<String> categories() {
            final Set<String> categories = new LinkedHashSet<>();
            basket.keySet().forEach(product -> categories.add(product.category()));
            return categories;
        }

        /** The amount paid, in minor units. */
        long totalMinor() {
            long total = 0;
            for (final Map.Entry<Catalogue.Product, Integer> line : basket.entrySet()) {
                total += paidPrice(line.getKey()) * line.getValue();
            }
            return total;
        }

        /** What the discount saved, in minor units. */
        long discountMinor() {
            long discount = 0;
            for (final Map.Entry<Catalogue.Product, Integer> line : basket.entrySet()) {
                discount += (line.getKey().priceMinor() - paidPrice(line.getKey())) * line.getValue();
            }
            return discount;
        }

        private long paidPrice(final Catalogue.Product product) {
            return PurchaseTimeline.paidPrice(product, discountPercent);
        }
    }
}
