package io.profilestream.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.profilestream.profile.CustomerProfile;

/**
 * The {@code reevaluation-schedule-store}: when each profile is next due for re-evaluation without a new event.
 * Keys are the time an entry comes up as 8 big-endian bytes, then the profile id, so a range scan up to "now" returns
 * every entry that has come up, earliest first; values are empty. One more key holds where scans start
 * ({@link #FLOOR_KEY}).
 *
 * <p>A profile's entry is filed at the start of the hour its due time falls in ({@link #HOUR}), or at the due time
 * itself once that hour has begun. A due time that moves within its hour writes nothing: one that follows the last
 * click (a rule such as {@code daysSince(profile.identity.lastSeen) <= 7}) moves on every click of a session, and each
 * move was a delete and a put in the store and its changelog. An entry taken before its profile is due is filed again
 * at the due time itself by the caller of {@link #takeDue}. A profile's entry is therefore always at one of two keys,
 * which {@link #remove} deletes. (Versions before this filing wrote every entry at its due time: such an entry, for a
 * profile whose due time then moves within its hour, comes up at the old time, at most an hour late, and one for a
 * profile erased meanwhile is dropped when it comes up.)
 */
final class ReevaluationSchedule {

    private static final byte[] EMPTY = new byte[0];
    /**
     * Where the floor is kept, so a restart does not scan from zero again: one byte, 0xFF, which sorts after every
     * entry (due times are positive, so entries start with a byte below 0x80) and so never falls in a scan.
     */
    static final Bytes FLOOR_KEY = Bytes.wrap(new byte[] {(byte) 0xFF});
    /** Entries are filed at the start of the hour their due time falls in, until that hour begins. */
    static final long HOUR = Duration.ofHours(1).toMillis();

    private final KeyValueStore<Bytes, byte[]> store;
    private final int batchSize;
    /**
     * Every entry due before this time has been deleted by an earlier scan, so scans start here: from the first key
     * they would walk over RocksDB's tombstones of every entry ever processed (measured as half of the engine's time
     * in an event-time replay). Kept in the store under {@link #FLOOR_KEY}, so it survives restarts.
     */
    private long floorMs;
    /**
     * The latest engine time seen: where an entry is filed depends on whether its hour has begun, and the wall clock
     * may step back.
     */
    private long latestNowMs;

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

    /**
     * Files a profile's entry for its new due time (null: none) in place of the one for its previous due time (null:
     * none, or its entry was taken).
     */
    void reschedule(final String profileId, final Instant previousDue, final Instant due, final long engineNowMs) {
        final long now = advance(engineNowMs);
        if (previousDue != null) {
            if (previousDue.equals(due)) {
                return;
            }
            final long previousHour = hourOf(previousDue.toEpochMilli());
            if (previousHour > now) {
                // Its hour has not begun, so the entry is at the start of it and not taken yet.
                if (due != null && hourOf(due.toEpochMilli()) == previousHour) {
                    return;
                }
                store.delete(key(previousHour, profileId));
            } else {
                remove(profileId, previousDue);
            }
        }
        if (due != null) {
            final long filed = fileTime(due.toEpochMilli(), now);
            store.put(key(filed, profileId), EMPTY);
            moveFloor(Math.max(0, Math.min(floorMs, filed)));
        }
    }

    /** Removes a profile's entry, if it has one, wherever it was filed for that due time. */
    void remove(final String profileId, final Instant due) {
        if (due != null) {
            final long dueMs = due.toEpochMilli();
            store.delete(key(dueMs, profileId));
            if (hourOf(dueMs) != dueMs) {
                store.delete(key(hourOf(dueMs), profileId));
            }
        }
    }

    /**
     * Removes and returns, earliest first, the profile ids of at most one batch of the entries filed at or before
     * {@code nowMs}. An entry may come up to an hour before its profile is due: the caller files it again
     * ({@link #reschedule}, with no previous due time) unless the profile is due.
     */
    List<String> takeDue(final long nowMs) {
        advance(nowMs);
        final List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> entries = store.range(lowerBound(floorMs), upperBound(nowMs))) {
            while (entries.hasNext() && keys.size() < batchSize) {
                keys.add(entries.next().key);
            }
        }
        // Entries scheduled later below this floor lower it again in reschedule.
        moveFloor(Math.max(floorMs, keys.size() < batchSize ? nowMs + 1 : due(keys.get(keys.size() - 1))));
        final List<String> due = new ArrayList<>(keys.size());
        for (final Bytes key : keys) {
            store.delete(key);
            due.add(profileId(key));
        }
        return due;
    }

    private long advance(final long engineNowMs) {
        latestNowMs = Math.max(latestNowMs, engineNowMs);
        return latestNowMs;
    }

    /** Where an entry for a due time goes: the start of its hour, or the time itself once that hour has begun. */
    private static long fileTime(final long dueMs, final long nowMs) {
        final long hour = hourOf(dueMs);
        return hour > nowMs ? hour : dueMs;
    }

    private static long hourOf(final long ms) {
        return ms - Math.floorMod(ms, HOUR);
    }

    /** Brings the profile's re-evaluation time forward to {@code due} when that is earlier (or it has none). */
    static void dueBy(final CustomerProfile profile, final Instant due) {
        if (due != null && (profile.getReevaluateAt() == null || due.isBefore(profile.getReevaluateAt()))) {
            profile.setReevaluateAt(due);
        }
    }

    static Bytes key(final long filedMs, final String profileId) {
        final byte[] id = profileId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length).putLong(filedMs).put(id).array());
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
