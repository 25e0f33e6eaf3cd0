package io.profilestream.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.internal.CategoryPairs;
import io.profilestream.profile.CategoryScore;

/**
 * The co-purchase model's arithmetic: how an order is counted into the population's rows, and how a customer's
 * next categories are ranked from them (docs/models.md, "Next best category").
 *
 * <p>A row holds, for one source category {@code a}, the orders placed by customers who had bought {@code a} before
 * or in that order ({@code orders}), and per category {@code b} how many of those orders had a line in {@code b}
 * ({@code next}); {@code b} counts when it was bought after {@code a} or alongside it in the same order, so the first
 * order with {@code a} never counts {@code a -> a} but each later order with {@code a} does (a repeat).
 * The row of the empty category, {@link #ALL_ORDERS}, counts every order: the categories' popularity.
 * Estimates are smoothed towards popularity: {@code P(b | a) = (next[b] + s * P(b)) / (orders + s)}.
 * A customer's score of {@code b} is the mean of {@code P(b | a)} over the categories {@code a} the customer has
 * bought, weighted by the customer's orders in {@code a}.
 * It has no Kafka dependency and no state.
 */
public final class CoPurchase {

    /** The source of the row that counts every order. */
    public static final String ALL_ORDERS = "";

    private CoPurchase() {
    }

    /**
     * The bounds and rules of the model.
     *
     * @param maxCategories the most source rows one task counts; orders in further categories count only as targets
     * @param maxPairsPerCategory the most target categories one row keeps; the least counted makes way for a new one
     * @param maxRecommendations the length of {@code recommendations.nextCategories}
     * @param smoothing pseudo-orders of popularity added to every row ({@code s} above)
     * @param regularMinOrders a category is bought regularly when at least this many of the customer's orders have it
     * @param regularMinShare ... and at least this share of the customer's orders
     * @param publishIntervalMs how often each task publishes the rows that changed to the population's matrix
     */
    public record Limits(int maxCategories,
                         int maxPairsPerCategory,
                         int maxRecommendations,
                         double smoothing,
                         int regularMinOrders,
                         double regularMinShare,
                         long publishIntervalMs) {

        public Limits {
            if (maxCategories < 1 || maxPairsPerCategory < 1) {
                throw new IllegalArgumentException("recommendations.max.categories and "
                    + "recommendations.max.pairs.per.category must be at least 1.");
            }
            if (maxRecommendations < 0) {
                throw new IllegalArgumentException("recommendations.next.categories.max must be 0 or more, not "
                    + maxRecommendations + ".");
            }
            if (!(smoothing >= 0) || Double.isInfinite(smoothing)) {
                throw new IllegalArgumentException("recommendations.smoothing must be 0 or more, not " + smoothing
                    + ".");
            }
            if (regularMinOrders < 1 || !(regularMinShare >= 0 && regularMinShare <= 1)) {
                throw new IllegalArgumentException("recommendations.regular.min.orders must be at least 1 and "
                    + "recommendations.regular.min.share between 0 and 1.");
            }
            if (publishIntervalMs < 1) {
                throw new IllegalArgumentException("recommendations.publish.interval.ms must be positive, not "
                    + publishIntervalMs + ".");
            }
        }

        /** The defaults documented in the README. */
        public static Limits defaults() {
            return new Limits(500, 100, 5, 10, 2, 0.3, 1000);
        }
    }

    /** The distinct categories of an order's lines, in line order; blank categories are left out. */
    public static Set<String> categories(final PurchaseEvent order) {
        final Set<String> categories = new LinkedHashSet<>();
        for (final LineItem item : order.getItems()) {
            if (item.getCategory() != null && !item.getCategory().isBlank()) {
                categories.add(item.getCategory());
            }
        }
        return categories;
    }

    /** An empty row for a source category. */
    public static CategoryPairs emptyRow(final String source) {
        return CategoryPairs.newBuilder().setSource(source).setOrders(0).setNext(new HashMap<>()).build();
    }

    /**
     * Counts one order into a row, in place.
     *
     * @param row the source category's row
     * @param boughtBefore whether the customer had bought the source category in an earlier order
     * @param order the order's categories
     * @param maxPairs the most target categories the row keeps
     */
    public static void count(final CategoryPairs row,
                             final boolean boughtBefore,
                             final Set<String> order,
                             final int maxPairs) {
        row.setOrders(row.getOrders() + 1);
        final Map<String, Long> next = row.getNext();
        for (final String category : order) {
            if (!boughtBefore && category.equals(row.getSource())) {
                continue;
            }
            final Long count = next.get(category);
            if (count != null) {
                next.put(category, count + 1);
                continue;
            }
            if (next.size() >= maxPairs) {
                // Space-saving: the least counted target makes way, so a category that is common now can enter.
                final String least = next.entrySet().stream()
                    .min(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .orElseThrow()
                    .getKey();
                next.remove(least);
            }
            next.put(category, 1L);
        }
    }

    /** Whether a customer buys a category regularly, given the customer's orders in it and in all. */
    public static boolean buysRegularly(final long categoryOrders, final long orders, final Limits limits) {
        return categoryOrders >= limits.regularMinOrders()
            && categoryOrders >= limits.regularMinShare() * orders;
    }

    /**
     * Ranks the categories a customer is likely to buy next, best first, leaving out those bought regularly.
     *
     * @param categoryOrders the customer's categories and orders in each
     * @param orders the customer's orders
     * @param rows the population's row of a source category, or null when it has none
     * @param limits bounds and rules
     * @return at most {@link Limits#maxRecommendations()} categories with positive scores; empty for a customer
     *     without categories or a population without orders
     */
    public static List<CategoryScore> rank(final Map<String, Long> categoryOrders,
                                           final long orders,
                                           final Function<String, CategoryPairs> rows,
                                           final Limits limits) {
        final CategoryPairs all = rows.apply(ALL_ORDERS);
        if (categoryOrders.isEmpty() || limits.maxRecommendations() == 0 || all == null || all.getOrders() <= 0) {
            return List.of();
        }
        final double allOrders = all.getOrders();
        final double s = limits.smoothing();
        final Map<String, CategoryPairs> sources = new HashMap<>();
        // Every category the population buys gets its smoothed estimate, not only the rows' own targets.
        final Set<String> candidates = new LinkedHashSet<>(all.getNext().keySet());
        for (final Map.Entry<String, Long> bought : categoryOrders.entrySet()) {
            final CategoryPairs row = rows.apply(bought.getKey());
            if (row != null) {
                sources.put(bought.getKey(), row);
                candidates.addAll(row.getNext().keySet());
            }
        }
        final Map<String, Double> scores = new HashMap<>();
        double weights = 0;
        for (final Map.Entry<String, Long> bought : categoryOrders.entrySet()) {
            final double weight = bought.getValue();
            if (weight <= 0) {
                continue;
            }
            weights += weight;
            final CategoryPairs row = sources.get(bought.getKey());
            final double rowOrders = row == null ? 0 : row.getOrders();
            final Map<String, Long> next = row == null ? Map.of() : row.getNext();
            for (final String candidate : candidates) {
                final double popularity = all.getNext().getOrDefault(candidate, 0L) / allOrders;
                final double pairs = next.getOrDefault(candidate, 0L);
                final double estimate = rowOrders + s > 0 ? (pairs + s * popularity) / (rowOrders + s) : popularity;
                scores.merge(candidate, weight * estimate, Double::sum);
            }
        }
        if (weights <= 0) {
            return List.of();
        }
        final List<CategoryScore> ranked = new ArrayList<>();
        for (final Map.Entry<String, Double> score : scores.entrySet()) {
            final double value = score.getValue() / weights;
            final Long own = categoryOrders.get(score.getKey());
            if (value > 0 && (own == null || !buysRegularly(own, orders, limits))) {
                ranked.add(new CategoryScore(score.getKey(), Math.min(1.0, value)));
            }
        }
        ranked.sort(Comparator.comparingDouble(CategoryScore::getScore).reversed()
            .thenComparing(CategoryScore::getCategory));
        return ranked.size() > limits.maxRecommendations()
            ? new ArrayList<>(ranked.subList(0, limits.maxRecommendations()))
            : ranked;
    }
}
