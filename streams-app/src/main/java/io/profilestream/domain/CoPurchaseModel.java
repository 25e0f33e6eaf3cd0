package io.profilestream.domain;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.profilestream.internal.CategoryPairs;
import io.profilestream.profile.CategoryScore;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.Recommendations;
import io.profilestream.profile.Transactions;

/**
 * The population's co-purchase matrix as one instance knows it: the sum of the rows every task of the cluster
 * publishes (each task counts the orders of its own customers, see {@link CoPurchase}), kept up to date by the global
 * store that reads them, and read by the tasks and the HTTP server of the instance to rank a customer's next
 * categories.
 * Updates come from one thread (the global store's); reads may come from any thread and see a consistent copy.
 */
public final class CoPurchaseModel {

    private final CoPurchase.Limits limits;
    /** Immutable rows by source category; replaced, never changed in place. */
    private volatile Map<String, CategoryPairs> rows = Map.of();

    public CoPurchaseModel(final CoPurchase.Limits limits) {
        this.limits = limits;
    }

    /** The model's bounds and rules. */
    public CoPurchase.Limits limits() {
        return limits;
    }

    /** Replaces every row with the sum of the given task rows (the content of the global store). */
    public void rebuild(final Iterable<CategoryPairs> taskRows) {
        final Map<String, CategoryPairs> sums = new HashMap<>();
        for (final CategoryPairs row : taskRows) {
            final CategoryPairs sum = sums.computeIfAbsent(row.getSource(), CoPurchase::emptyRow);
            add(sum, row, 1);
        }
        rows = Collections.unmodifiableMap(sums);
    }

    /**
     * Replaces one task's row: subtracts what the task published before, adds what it publishes now.
     *
     * @param previous the task's previous row of the source, or null
     * @param current the task's row now, or null when it is gone
     */
    public void replace(final CategoryPairs previous, final CategoryPairs current) {
        final CategoryPairs any = current != null ? current : previous;
        if (any == null) {
            return;
        }
        final Map<String, CategoryPairs> copy = new HashMap<>(rows);
        final CategoryPairs old = copy.get(any.getSource());
        final CategoryPairs sum = old == null ? CoPurchase.emptyRow(any.getSource()) : copyOf(old);
        if (previous != null) {
            add(sum, previous, -1);
        }
        if (current != null) {
            add(sum, current, 1);
        }
        if (sum.getOrders() <= 0 && sum.getNext().isEmpty()) {
            copy.remove(any.getSource());
        } else {
            copy.put(any.getSource(), sum);
        }
        rows = Collections.unmodifiableMap(copy);
    }

    /** The population's row of a source category, or null. */
    public CategoryPairs row(final String source) {
        return rows.get(source);
    }

    /** Source categories in the matrix, the all-orders row included. */
    public int categories() {
        return rows.size();
    }

    /** Orders the matrix has counted, cluster-wide. */
    public long orders() {
        final CategoryPairs all = rows.get(CoPurchase.ALL_ORDERS);
        return all == null ? 0 : all.getOrders();
    }

    /** The next categories of a customer, from the matrix as it is now. */
    public List<CategoryScore> nextCategories(final Transactions transactions) {
        final Map<String, CategoryPairs> current = rows;
        return CoPurchase.rank(transactions.getCategoryOrders(), transactions.getOrders(), current::get, limits);
    }

    /**
     * Sets {@code recommendations.nextCategories} of a profile, which the caller owns, from the matrix as it is now.
     *
     * @return the same profile
     */
    public CustomerProfile recommend(final CustomerProfile profile) {
        final List<CategoryScore> next = nextCategories(profile.getTransactions());
        final Recommendations recommendations = profile.getRecommendations();
        if (recommendations == null) {
            profile.setRecommendations(new Recommendations(next));
        } else {
            recommendations.setNextCategories(next);
        }
        return profile;
    }

    private static void add(final CategoryPairs sum, final CategoryPairs row, final int sign) {
        sum.setOrders(sum.getOrders() + sign * row.getOrders());
        final Map<String, Long> next = sum.getNext();
        row.getNext().forEach((category, count) -> {
            final long value = next.getOrDefault(category, 0L) + sign * count;
            if (value > 0) {
                next.put(category, value);
            } else {
                next.remove(category);
            }
        });
    }

    private static CategoryPairs copyOf(final CategoryPairs row) {
        return CategoryPairs.newBuilder().setSource(row.getSource()).setOrders(row.getOrders())
            .setNext(new HashMap<>(row.getNext())).build();
    }
}
