package io.profilestream.topology;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.profilestream.domain.CoPurchase;
import io.profilestream.internal.CategoryPairs;

/**
 * One task's share of the population's co-purchase matrix: the rows of {@link CoPurchase}, counted over the orders of
 * the task's own customers in the {@code co-purchase-counts-store}, and published now and then, the rows that changed,
 * to the compacted {@code co-purchase} topic, keyed {@code <partition>/<source>}, which every instance reads into its
 * {@link io.profilestream.domain.CoPurchaseModel}.
 * A published row is the task's whole count, not an increment, so a row published twice or lost in a failure is
 * corrected by the next; when the task starts it publishes every row once.
 */
final class CoPurchaseCounts {

    private final KeyValueStore<String, CategoryPairs> store;
    private final CoPurchase.Limits limits;
    private final String keyPrefix;
    private final Set<String> changed = new LinkedHashSet<>();
    private int rows;

    /**
     * @param partition the task's partition, which names its rows on the topic
     */
    CoPurchaseCounts(final KeyValueStore<String, CategoryPairs> store,
                     final CoPurchase.Limits limits,
                     final int partition) {
        this.store = store;
        this.limits = limits;
        this.keyPrefix = partition + "/";
        try (KeyValueIterator<String, CategoryPairs> all = store.all()) {
            all.forEachRemaining(row -> {
                changed.add(row.key);
                rows++;
            });
        }
    }

    /**
     * Counts one order of a customer.
     *
     * @param earlier the categories the customer had bought before this order
     * @param order the order's categories
     */
    void record(final Set<String> earlier, final Set<String> order) {
        if (order.isEmpty()) {
            return;
        }
        count(CoPurchase.ALL_ORDERS, true, order);
        final Set<String> sources = new HashSet<>(earlier);
        sources.addAll(order);
        for (final String source : sources) {
            if (!source.isBlank()) {
                count(source, earlier.contains(source), order);
            }
        }
    }

    private void count(final String source, final boolean boughtBefore, final Set<String> order) {
        CategoryPairs row = store.get(source);
        if (row == null) {
            // The all-orders row does not count against the limit on categories.
            if (rows > limits.maxCategories()) {
                return;
            }
            row = CoPurchase.emptyRow(source);
            rows++;
        }
        CoPurchase.count(row, boughtBefore, order, limits.maxPairsPerCategory());
        store.put(source, row);
        changed.add(source);
    }

    /** Forwards the rows that changed since the last call to {@link Outputs#CO_PURCHASE}. */
    void publish(final ProcessorContext<String, SpecificRecord> context, final long nowMs) {
        for (final String source : changed) {
            final CategoryPairs row = store.get(source);
            if (row != null) {
                context.forward(new Record<String, SpecificRecord>(keyPrefix + source, row, nowMs),
                    Outputs.CO_PURCHASE);
            }
        }
        changed.clear();
    }
}
