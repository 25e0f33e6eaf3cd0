package io.profilestream.topology;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.streams.state.KeyValueStore;

import io.profilestream.profile.CustomerProfile;

/**
 * A task's profiles store with the most recently used profiles kept decoded, so that an active customer's next
 * event does not decode the profile again: writes go through to the store (and its changelog) at once, reads of a
 * kept profile skip RocksDB and Avro.
 *
 * <p>Kafka Streams' own record cache keeps serialized bytes, so it saves the RocksDB write but not the decoding;
 * this keeps the objects. It is exact because the profile processor is the only writer of the store in its task
 * and every write passes through here; a profile is kept only as the same object that was last written or read.
 * When processing a record fails half-way, a kept profile may have been changed without being written, so the
 * processor calls {@link #forgetAll()}; a processor re-initialised after a failure starts with a new instance.
 * Scans (backfills, RFM breakpoints) read the store itself: they decode fresh copies, which are kept once written.
 */
final class ProfileStore {

    private final KeyValueStore<String, CustomerProfile> store;
    private final Map<String, CustomerProfile> kept;

    /**
     * @param store    the task's profiles store
     * @param capacity the most profiles kept decoded; 0 keeps none
     */
    ProfileStore(final KeyValueStore<String, CustomerProfile> store, final int capacity) {
        this.store = store;
        this.kept = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, CustomerProfile> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The stored profile, or null; the caller may change it, and must then {@link #put} it or forget it. */
    CustomerProfile get(final String profileId) {
        final CustomerProfile profile = kept.get(profileId);
        if (profile != null) {
            return profile;
        }
        final CustomerProfile stored = store.get(profileId);
        if (stored != null) {
            kept.put(profileId, stored);
        }
        return stored;
    }

    void put(final String profileId, final CustomerProfile profile) {
        store.put(profileId, profile);
        kept.put(profileId, profile);
    }

    /** Deletes a profile and returns what was stored, or null. */
    CustomerProfile delete(final String profileId) {
        kept.remove(profileId);
        return store.delete(profileId);
    }

    /** Drops every decoded profile; the next reads decode what the store holds. */
    void forgetAll() {
        kept.clear();
    }
}
