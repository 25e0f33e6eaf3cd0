package io.profilestream.topology;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Remembered event ids in a window store keyed by {@code <owner id> NUL <event id>}, each kept for the dedup
 * retention of event time: the identity resolver's click ids by anonymous id, the profile processor's ids of every
 * other event by profile id. Each event is remembered once, by the first stage keyed by its own key.
 */
final class DedupWindow {

    private final WindowStore<String, Long> store;
    private final long retentionMs;

    DedupWindow(final WindowStore<String, Long> store, final long retentionMs) {
        this.store = store;
        this.retentionMs = retentionMs;
    }

    static String key(final String ownerId, final String eventId) {
        return ownerId + Stores.KEY_SEPARATOR + eventId;
    }

    /**
     * Whether the event id was seen for this owner within the retention around the given event time.
     */
    boolean seenBefore(final String ownerId, final String eventId, final long eventTime) {
        // The long overload: the Instant one formats an error-message prefix on every call, measured at a third of
        // the lookup's time.
        try (WindowStoreIterator<Long> hits = store.fetch(key(ownerId, eventId),
            Math.max(0, eventTime - retentionMs), saturatedAdd(eventTime, retentionMs))) {
            return hits.hasNext();
        }
    }

    void remember(final String ownerId, final String eventId, final long eventTime) {
        store.put(key(ownerId, eventId), eventTime, eventTime);
    }

    /**
     * Forgets every event id of one owner (on erasure). A key-range scan of every segment: rare, not per event.
     */
    void removeAll(final String ownerId) {
        final String prefix = ownerId + Stores.KEY_SEPARATOR;
        final List<Windowed<String>> keys = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, Long> entries = store.fetch(prefix, prefix + Character.MAX_VALUE,
            0L, Long.MAX_VALUE)) {
            entries.forEachRemaining(entry -> {
                if (entry.key.key().startsWith(prefix)) {
                    keys.add(entry.key);
                }
            });
        }
        for (final Windowed<String> key : keys) {
            store.put(key.key(), null, key.window().start());
        }
    }

    private static long saturatedAdd(final long a, final long b) {
        final long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
