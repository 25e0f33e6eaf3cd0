package io.profilestream.topology;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.profilestream.domain.CoPurchaseModel;
import io.profilestream.internal.CategoryPairs;

/**
 * Keeps the global {@code co-purchase-store} equal to the {@code co-purchase} topic, and the instance's
 * {@link CoPurchaseModel} equal to the sum of its rows: each record replaces one task's row of one category.
 */
final class CoPurchaseUpdater implements Processor<String, CategoryPairs, Void, Void> {

    private final CoPurchaseModel model;
    private KeyValueStore<String, CategoryPairs> store;

    CoPurchaseUpdater(final CoPurchaseModel model) {
        this.model = model;
    }

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        store = context.getStateStore(Stores.CO_PURCHASE);
        final List<CategoryPairs> rows = new ArrayList<>();
        try (KeyValueIterator<String, CategoryPairs> all = store.all()) {
            all.forEachRemaining(row -> rows.add(row.value));
        }
        model.rebuild(rows);
    }

    @Override
    public void process(final Record<String, CategoryPairs> record) {
        if (record.key() == null) {
            return;
        }
        final CategoryPairs previous = store.get(record.key());
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
        model.replace(previous, record.value());
    }
}
