package io.profilestream.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.profilestream.profile.CustomerProfile;

/**
 * The {@code reevaluation-schedule-store}: when each profile is next due for re-evaluation without a new event.
 * Keys are the due time as 8 big-endian bytes, then the profile id, so a range scan up to "now" returns exactly the
 * profiles that are due, earliest first; values are empty. One more key holds where scans start ({@link #FLOOR_KEY}).
 */
final class ReevaluationSchedule {

    private static final byte[] EMPTY = new byte[0];
    /**
     * Where the floor is kept, so a restart does not scan from zero again: one byte, 0xFF, which sorts after every
     * entry (due times are positive, so entries start with a byte below 0x80) and so never falls in a scan.
     */
    static final Bytes FLOOR_KEY = Bytes.wrap(new byte[] {(byte) 0xFF});

    private final KeyValueStore<Bytes, byte[]> store;
    private final int batchSize;
    /**
     * Every entry due before this time has been deleted by an earlier scan, so scans start here: from the first key
     * they would walk over RocksDB's tombstones of every entry ever processed (measured as half of the engine's time
     * in an event-time replay). Kept in the store under {@link #FLOOR_KEY}, so it survives restarts.
     */
    private long floorMs;

    /**
     * A profile that is due, as the schedule recorded it.
     *
     * @param profileId the profile
     * @param dueMs the due time of the entry, which the profile's own {@code reevaluateAt} must still equal
     */
    record Due(String profileId, long dueMs) {
    }

    ReevaluationSchedule(final KeyValueStore<Bytes, byte[]> store,
                         final int batchSize) {
        this.store = store;
        this.batchSize = batchSize;
        final byte[] floor = store.get(FLOOR_KEY);
        this.floorMs = floor == null ? 0 : ByteBuffer.wrap(floor).getLong();
    }

    /** The time every scan starts at. */
    long floorMs() {
        return floorMs;
    }

    private void moveFloor(final long newFloorMs) {
        if (newFloorMs != floorMs) {
            floorMs = newFloorMs;
            store.put(FLOOR_KEY, ByteBuffer.allocate(Long.BYTES).putLong(newFloorMs).array());
        }
    }

    /** Moves a profile's entry from its previous due time (null: none) to its new one (null: none). */
    void reschedule(final String profileId, final Instant previousDue, final Instant due) {
        if (previousDue != null && !previousDue.equals(due)) {
            store.delete(key(previousDue, profileId));
        }
        if (due != null && !due.equals(previousDue)) {
            store.put(key(due, profileId), EMPTY);
            moveFloor(Math.max(0, Math.min(floorMs, due.toEpochMilli())));
        }
    }

    /** Removes a profile's entry, if it has one. */
    void remove(final String profileId, final Instant due) {
        if (due != null) {
            store.delete(key(due, profileId));
        }
    }

    /**
     * Removes and returns, earliest first, at most one batch of the entries due at or before {@code nowMs}.
     */
    List<Due> takeDue(final long nowMs) {
        final List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> entries = store.range(lowerBound(floorMs), upperBound(nowMs))) {
            while (entries.hasNext() && keys.size() < batchSize) {
                keys.add(entries.next().key);
            }
        }
        // Entries scheduled later below this floor lower it again in reschedule.
        moveFloor(Math.max(floorMs, keys.size() < batchSize ? nowMs + 1 : due(keys.get(keys.size() - 1))));
        final List<Due> due = new ArrayList<>(keys.size());
        for (final Bytes key : keys) {
            store.delete(key);
            due.add(new Due(profileId(key), due(key)));
        }
        return due;
    }

    /** Brings the profile's re-evaluation time forward to {@code due} when that is earlier (or it has none). */
    static void dueBy(final CustomerProfile profile, final Instant due) {
        if (due != null && (profile.getReevaluateAt() == null || due.isBefore(profile.getReevaluateAt()))) {
            profile.setReevaluateAt(due);
        }
    }

    static Bytes key(final Instant due, final String profileId) {
        final byte[] id = profileId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length).putLong(due.toEpochMilli()).put(id).array());
    }

    /** The smallest key after every entry due at or before {@code now}. */
    private static Bytes upperBound(final long nowMs) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(nowMs + 1).array());
    }

    /** The smallest key of every entry due at or after {@code fromMs}. */
    private static Bytes lowerBound(final long fromMs) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(fromMs).array());
    }

    private static String profileId(final Bytes key) {
        final byte[] bytes = key.get();
        return new String(bytes, Long.BYTES, bytes.length - Long.BYTES, StandardCharsets.UTF_8);
    }

    private static long due(final Bytes key) {
        return ByteBuffer.wrap(key.get(), 0, Long.BYTES).getLong();
    }
}
