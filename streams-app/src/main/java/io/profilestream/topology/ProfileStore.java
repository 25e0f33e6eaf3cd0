package io.profilestream.topology;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.profilestream.profile.CustomerProfile;

/**
 * A task's profiles store with the most recently used profiles kept decoded and changed ones written back once per
 * commit: a customer with ten events between two commits is decoded at most once and encoded once, not ten times.
 *
 * <p>A written profile stays here, marked changed, with the record context (timestamp, headers) of the write, until the
 * task commits ({@link #writeBack()}, called from the store's {@link FlushHookStore} before its record cache flushes,
 * so the store, its changelog and {@code profile-updates} get every changed profile in the commit that covers the
 * events) or until it is the least recently used of more than {@code capacity} profiles (then it is written at once).
 * Under exactly-once nothing a {@code read_committed} consumer sees changes: the changelog and {@code profile-updates}
 * are written in the same transaction as before, and a crash loses the kept profiles together with the uncommitted
 * transaction. Readers other than the processor (interactive queries, backfill scans) read the store itself, so they
 * see profiles as of the last commit; the processor writes back before its backfills scan.
 *
 * <p>It is exact because the profile processor is the only writer of the store in its task and every write passes
 * through here; a profile is kept only as the same object that was last written or read.
 * When processing a record fails half-way, the profiles it read may have been changed: {@link #forgetTouched()} drops
 * those that were unchanged before the record (the store holds them as they were), and keeps, as the failure left
 * them, those already changed by earlier records since the last commit (their earlier changes exist nowhere else).
 * A processor re-initialised after a failure starts with a new instance.
 */
final class ProfileStore {

    /**
     * Saves and sets the record context that a store write is stamped with (the profile update's timestamp and
     * headers).
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
    }

    private final KeyValueStore<String, CustomerProfile> store;
    private final RecordContexts contexts;
    private final Map<String, Kept> kept;
    /**
     * The kept profiles changed since they were last written, in the order they were first changed: a commit writes
     * these without walking every kept profile (thousands per task, most unchanged at a short commit interval).
     */
    private final Map<String, Kept> unwritten = new LinkedHashMap<>();
    /** Ids read or written while processing the current record, with whether they were changed before it. */
    private final Map<String, Boolean> touched = new LinkedHashMap<>();

    /** A decoded profile; {@code context} is the record context of an unwritten change, or null when written. */
    private static final class Kept {
        private final CustomerProfile profile;
        private Object context;

        private Kept(final CustomerProfile profile, final Object context) {
            this.profile = profile;
            this.context = context;
        }
    }

    /**
     * @param store    the task's profiles store
     * @param capacity the most profiles kept decoded, changed or not; 0 keeps none and writes through
     * @param contexts the record contexts writes are stamped with
     */
    ProfileStore(final KeyValueStore<String, CustomerProfile> store,
                 final int capacity,
                 final RecordContexts contexts) {
        this.store = store;
        this.contexts = contexts;
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

    /** The stored profile, or null; the caller may change it, and must then {@link #put} it or forget it. */
    CustomerProfile get(final String profileId) {
        final Kept entry = kept.get(profileId);
        if (entry != null) {
            touched.putIfAbsent(profileId, unwritten.containsKey(profileId));
            return entry.profile;
        }
        final CustomerProfile stored = store.get(profileId);
        if (stored != null) {
            touched.putIfAbsent(profileId, false);
            kept.put(profileId, new Kept(stored, null));
        }
        return stored;
    }

    /** Keeps a changed profile; it reaches the store at the next {@link #writeBack()} or when it is evicted. */
    void put(final String profileId, final CustomerProfile profile) {
        touched.putIfAbsent(profileId, unwritten.containsKey(profileId));
        final Kept entry = new Kept(profile, contexts.current());
        unwritten.put(profileId, entry);
        // With capacity 0 the new entry is evicted, and so written, as it comes in.
        kept.put(profileId, entry);
    }

    /** Deletes a profile and returns its latest version, written or not, or null. */
    CustomerProfile delete(final String profileId) {
        final Kept entry = kept.remove(profileId);
        touched.remove(profileId);
        unwritten.remove(profileId);
        final CustomerProfile stored = store.delete(profileId);
        return entry != null ? entry.profile : stored;
    }

    /** Writes every changed profile to the store, each stamped with the record context of its last change. */
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

    /** Whether the task holds no profile: none stored and none waiting to be written. */
    boolean isEmpty() {
        if (!unwritten.isEmpty()) {
            return false;
        }
        try (KeyValueIterator<String, CustomerProfile> all = store.all()) {
            return !all.hasNext();
        }
    }

    /** How many kept profiles are changed and not written yet. */
    int changed() {
        return unwritten.size();
    }

    /** Marks the end of a record that was processed: nothing it touched needs to be forgotten. */
    void recordDone() {
        touched.clear();
    }

    /**
     * After a record failed half-way: drops the profiles it touched that were unchanged before it, so the next reads
     * decode what the store holds. Returns the ids of those kept as the failure left them, because earlier records
     * had changed them since the last commit.
     */
    List<String> forgetTouched() {
        final List<String> keptAsLeft = new ArrayList<>();
        for (final Map.Entry<String, Boolean> entry : touched.entrySet()) {
            if (entry.getValue()) {
                keptAsLeft.add(entry.getKey());
            } else {
                kept.remove(entry.getKey());
                unwritten.remove(entry.getKey());
            }
        }
        touched.clear();
        return keptAsLeft;
    }

    private void write(final String profileId, final Kept entry) {
        final Object current = contexts.current();
        contexts.set(entry.context);
        try {
            store.put(profileId, entry.profile);
        } finally {
            contexts.set(current);
        }
        entry.context = null;
    }
}
