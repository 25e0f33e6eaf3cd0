package io.profilestream.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Remembered event ids in a window store keyed by {@code <owner id> NUL <event id>}, each kept for the dedup
 * retention after it was seen: the identity resolver's click ids by anonymous id, the profile processor's ids of every
 * other event by profile id. Each event is remembered once, by the first stage keyed by its own key.
 *
 * <p>Entries are stamped with the processing time (the wall clock of the task), not the event's time: the store's
 * segments expire by the highest timestamp written, and under a backlog with events of months in no particular order
 * event time made it drop ids at once (an event older than the retention behind the newest one was never remembered,
 * so its duplicate was applied again).
 *
 * <p>The store always holds one entry, {@link #SENTINEL}: Kafka Streams keeps a window store's committed changelog
 * offset in its segments, so a store without one (a task that never saw such an event) had none after a clean
 * shutdown, and under exactly-once the task was declared corrupted and its whole state wiped and restored. The
 * sentinel is written when the processor starts, so a task stopped before it ever ran (still restoring on its first
 * assignment, its changelogs empty) is still wiped on the next start, at no cost; once written, the sentinel is
 * restored with the changelog and never expires on its own (segments expire only as newer entries are written).
 */
final class DedupWindow {

    /** The entry that keeps a segment, and so the committed offset, in the store; no id starts with the separator. */
    static final String SENTINEL = String.valueOf(Stores.KEY_SEPARATOR);

    private final WindowStore<String, Long> store;
    private final long retentionMs;
    private final LongSupplier clock;

    /**
     * @param clock the task's wall clock ({@code context::currentSystemTimeMs})
     */
    DedupWindow(final WindowStore<String, Long> store, final long retentionMs, final LongSupplier clock) {
        this.store = store;
        this.retentionMs = retentionMs;
        this.clock = clock;
        try (KeyValueIterator<Windowed<String>, Long> any = store.all()) {
            if (!any.hasNext()) {
                store.put(SENTINEL, 0L, clock.getAsLong());
            }
        }
    }

    static String key(final String ownerId, final String eventId) {
        return ownerId + Stores.KEY_SEPARATOR + eventId;
    }

    /**
     * Whether the event id was seen for this owner within the retention.
     */
    boolean seenBefore(final String ownerId, final String eventId) {
        final long now = clock.getAsLong();
        // The long overload: the Instant one formats an error-message prefix on every call, measured at a third of
        // the lookup's time.
        try (WindowStoreIterator<Long> hits = store.fetch(key(ownerId, eventId),
            Math.max(0, now - retentionMs), saturatedAdd(now, retentionMs))) {
            return hits.hasNext();
        }
    }

    /** Remembers an event id, with the event's time as the value. */
    void remember(final String ownerId, final String eventId, final long eventTime) {
        store.put(key(ownerId, eventId), eventTime, clock.getAsLong());
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
