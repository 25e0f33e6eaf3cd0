package io.profilestream.topology;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A task's key-value store with the most recently used values kept decoded and changed ones written back once per
 * commit: a customer with ten events between two commits is decoded at most once and encoded once, not ten times.
 * The profile processor keeps its profiles here, and the identity task its links ({@link IdentityLinks}).
 *
 * <p>A written value stays here, marked changed, with the record context (timestamp, headers) of the write, until the
 * task commits ({@link #writeBack()}, called from the store's {@link FlushHookStore} before its record cache flushes,
 * so the store, its changelog and anything published from the cache, such as {@code profile-updates}, get every
 * changed value in the commit that covers the events) or until it is the least recently used of more than
 * {@code capacity} values (then it is written at once).
 * Under exactly-once nothing a {@code read_committed} consumer sees changes: the changelog and {@code profile-updates}
 * are written in the same transaction as before, and a crash loses the kept values together with the uncommitted
 * transaction. Readers other than the task's processors (interactive queries, backfill scans) read the store itself,
 * so they see values as of the last commit; a processor that scans the store writes back first.
 *
 * <p>It is exact because every write of the task's processors passes through here and a value is kept only as the
 * same object that was last written or read. A caller that changes a value it read must {@link #put} it.
 * When processing a record fails half-way, the values it read may have been changed: {@link #forgetTouched()} drops
 * those that were unchanged before the record (the store holds them as they were), and keeps, as the failure left
 * them, those already changed by earlier records since the last commit (their earlier changes exist nowhere else).
 * A processor re-initialised after a failure starts with a new instance (the identity task's processors, which share
 * one, get a new one when their store is initialised again).
 *
 * @param <V> the stored values
 */
final class WriteBackStore<V> {

    /** The most entries a map of the default capacity (16, load factor 0.75) holds before its table grows. */
    private static final int SMALL_TOUCHED = 12;

    /**
     * Saves and sets the record context that a store write is stamped with (for profiles, the profile update's
     * timestamp and headers).
     */
    interface RecordContexts {

        /** Does nothing: writes are stamped with whatever the context holds. */
        RecordContexts NONE = new RecordContexts() {
            @Override
            public Object current() {
                return null;
            }

            @Override
            public void set(final Object context) {
            }
        };

        Object current();

        void set(Object context);

        /** The record contexts of a processor's context (one per task: every processor of the task shares it). */
        static RecordContexts of(final ProcessorContext<?, ?> context) {
            final InternalProcessorContext<?, ?> internal = (InternalProcessorContext<?, ?>) context;
            return new RecordContexts() {
                @Override
                public Object current() {
                    return internal.recordContext();
                }

                @Override
                public void set(final Object recordContext) {
                    internal.setRecordContext((ProcessorRecordContext) recordContext);
                }
            };
        }
    }

    private final KeyValueStore<String, V> store;
    private final RecordContexts contexts;
    private final Map<String, Kept> kept;
    /**
     * The kept values changed since they were last written, in the order they were first changed: a commit writes
     * these without walking every kept value (thousands per task, most unchanged at a short commit interval).
     */
    private final Map<String, Kept> unwritten = new LinkedHashMap<>();
    /**
     * Keys read or written while processing the current record, with whether they were changed before it; null when
     * the callers never change a value in place ({@link #forgetTouched()} is then not needed).
     */
    private Map<String, Boolean> touched;

    /** A decoded value; {@code context} is the record context of an unwritten change, or null when written. */
    private final class Kept {
        private final V value;
        private Object context;

        private Kept(final V value, final Object context) {
            this.value = value;
            this.context = context;
        }
    }

    /** A store whose callers change the values they read in place (see the next constructor). */
    WriteBackStore(final KeyValueStore<String, V> store,
                   final int capacity,
                   final RecordContexts contexts) {
        this(store, capacity, contexts, true);
    }

    /**
     * @param store          the task's store
     * @param capacity       the most values kept decoded, changed or not; 0 keeps none and writes through
     * @param contexts       the record contexts writes are stamped with
     * @param changedInPlace whether callers change the values they read (and so need {@link #forgetTouched()} after a
     *                       failure); when false they only replace values with {@link #put}, and nothing is tracked
     */
    WriteBackStore(final KeyValueStore<String, V> store,
                   final int capacity,
                   final RecordContexts contexts,
                   final boolean changedInPlace) {
        this.store = store;
        this.contexts = contexts;
        this.touched = changedInPlace ? new LinkedHashMap<>() : null;
        this.kept = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, Kept> eldest) {
                if (size() <= capacity) {
                    return false;
                }
                if (unwritten.remove(eldest.getKey()) != null) {
                    write(eldest.getKey(), eldest.getValue());
                }
                return true;
            }
        };
    }

    /** The stored value, or null; the caller may change it, and must then {@link #put} it or forget it. */
    V get(final String key) {
        final Kept entry = kept.get(key);
        if (entry != null) {
            touch(key);
            return entry.value;
        }
        final V stored = store.get(key);
        if (stored != null) {
            touch(key);
            kept.put(key, new Kept(stored, null));
        }
        return stored;
    }

    /** Keeps a changed value; it reaches the store at the next {@link #writeBack()} or when it is evicted. */
    void put(final String key, final V value) {
        touch(key);
        final Kept entry = new Kept(value, contexts.current());
        unwritten.put(key, entry);
        // With capacity 0 the new entry is evicted, and so written, as it comes in.
        kept.put(key, entry);
    }

    /** Deletes a value and returns its latest version, written or not, or null. */
    V delete(final String key) {
        final Kept entry = kept.remove(key);
        if (touched != null) {
            touched.remove(key);
        }
        unwritten.remove(key);
        final V stored = store.delete(key);
        return entry != null ? entry.value : stored;
    }

    /** Writes every changed value to the store, each stamped with the record context of its last change. */
    void writeBack() {
        if (unwritten.isEmpty()) {
            return;
        }
        final Object current = contexts.current();
        try {
            final Iterator<Map.Entry<String, Kept>> entries = unwritten.entrySet().iterator();
            while (entries.hasNext()) {
                final Map.Entry<String, Kept> entry = entries.next();
                write(entry.getKey(), entry.getValue());
                entries.remove();
            }
        } finally {
            contexts.set(current);
        }
    }

    /**
     * The stored values from {@code from} (inclusive, null for the first) to {@code to} (inclusive, null for the last),
     * after writing back every changed value so that the scan sees it. The caller closes the iterator.
     */
    KeyValueIterator<String, V> range(final String from, final String to) {
        writeBack();
        return store.range(from, to);
    }

    /** Whether the store holds no value: none stored and none waiting to be written. */
    boolean isEmpty() {
        if (!unwritten.isEmpty()) {
            return false;
        }
        try (KeyValueIterator<String, V> all = store.all()) {
            return !all.hasNext();
        }
    }

    /** How many kept values are changed and not written yet. */
    int changed() {
        return unwritten.size();
    }

    /** Marks the end of a record that was processed: nothing it touched needs to be forgotten. */
    void recordDone() {
        if (touched != null) {
            clearTouched();
        }
    }

    /**
     * After a record failed half-way: drops the values it touched that were unchanged before it, so the next reads
     * decode what the store holds. Returns the ids of those kept as the failure left them, because earlier records
     * had changed them since the last commit.
     */
    List<String> forgetTouched() {
        if (touched == null) {
            throw new IllegalStateException("Values changed only by put have nothing to forget.");
        }
        final List<String> keptAsLeft = new ArrayList<>();
        for (final Map.Entry<String, Boolean> entry : touched.entrySet()) {
            if (entry.getValue()) {
                keptAsLeft.add(entry.getKey());
            } else {
                kept.remove(entry.getKey());
                unwritten.remove(entry.getKey());
            }
        }
        clearTouched();
        return keptAsLeft;
    }

    /**
     * A record touches a key or two, a punctuation's batch thousands; a map's table never shrinks and {@code clear}
     * fills all of it, so after a batch the map is replaced rather than cleared on every record that follows.
     */
    private void clearTouched() {
        if (touched.size() > SMALL_TOUCHED) {
            touched = new LinkedHashMap<>();
        } else if (!touched.isEmpty()) {
            touched.clear();
        }
    }

    /** Notes a key the current record reads or writes, with whether it was changed before the record. */
    private void touch(final String key) {
        if (touched != null) {
            touched.putIfAbsent(key, unwritten.containsKey(key));
        }
    }

    private void write(final String key, final Kept entry) {
        final Object current = contexts.current();
        contexts.set(entry.context);
        try {
            store.put(key, entry.value);
        } finally {
            contexts.set(current);
        }
        entry.context = null;
    }
}
