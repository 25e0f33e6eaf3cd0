package io.profilestream.topology;

import java.nio.ByteBuffer;
import java.time.Instant;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.profilestream.domain.MembershipChange;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.profile.ChangeKind;
import io.profilestream.profile.ChangeType;
import io.profilestream.profile.CustomerProfile;

/**
 * The {@code segment-members-store} of one task, an index of segment and persona members keyed by definition id and
 * profile id, kept in step with the size gauges.
 */
public final class SegmentMembers {

    private final KeyValueStore<String, byte[]> store;
    private final EngineMetrics metrics;

    SegmentMembers(final KeyValueStore<String, byte[]> store,
                   final EngineMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    /** Adds this task's members to the size gauges (sign 1), or takes them off when the task leaves (sign -1). */
    void count(final int sign) {
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                final String key = all.next().key;
                metrics.segmentSize(key.substring(0, key.indexOf(Stores.KEY_SEPARATOR)), sign);
            }
        }
    }

    /**
     * Records a segment or persona change; lifecycle stages are not indexed.
     * An entry keeps when the profile entered and its orders and revenue then ({@link Entry}), so the orders and
     * revenue of members since entry can be compared between the holdout and the treated group.
     */
    void record(final CustomerProfile profile, final MembershipChange change, final Instant at) {
        if (change.kind() == ChangeKind.LIFECYCLE) {
            return;
        }
        final String key = change.id() + Stores.KEY_SEPARATOR + profile.getProfileId();
        if (change.change() == ChangeType.ENTERED) {
            store.put(key, new Entry(at.toEpochMilli(), profile.getTransactions().getOrders(),
                profile.getTransactions().getRevenueMinor()).bytes());
            metrics.segmentSize(change.id(), 1);
        } else {
            store.delete(key);
            metrics.segmentSize(change.id(), -1);
        }
    }

    /**
     * What a member was when it entered: the time, and its orders and revenue (minor units).
     * Entries written before this was recorded are empty and read as unknown.
     */
    public record Entry(long enteredAtMs, long orders, long revenueMinor) {

        private static final int SIZE = 3 * Long.BYTES;

        byte[] bytes() {
            return ByteBuffer.allocate(SIZE).putLong(enteredAtMs).putLong(orders).putLong(revenueMinor).array();
        }

        /** The entry in a stored value, or null when the value does not hold one. */
        public static Entry of(final byte[] value) {
            if (value == null || value.length != SIZE) {
                return null;
            }
            final ByteBuffer buffer = ByteBuffer.wrap(value);
            return new Entry(buffer.getLong(), buffer.getLong(), buffer.getLong());
        }
    }
}
