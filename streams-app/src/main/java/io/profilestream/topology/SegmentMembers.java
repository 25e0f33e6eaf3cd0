package io.profilestream.topology;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.profilestream.domain.MembershipChange;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.profile.ChangeKind;
import io.profilestream.profile.ChangeType;

/**
 * The {@code segment-members-store} of one task, an index of segment and persona members keyed by definition id and
 * profile id, kept in step with the size gauges.
 */
final class SegmentMembers {

    private static final byte[] EMPTY = new byte[0];

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

    /** Records a segment or persona change; lifecycle stages are not indexed. */
    void record(final String profileId, final MembershipChange change) {
        if (change.kind() == ChangeKind.LIFECYCLE) {
            return;
        }
        final String key = change.id() + Stores.KEY_SEPARATOR + profileId;
        if (change.change() == ChangeType.ENTERED) {
            store.put(key, EMPTY);
            metrics.segmentSize(change.id(), 1);
        } else {
            store.delete(key);
            metrics.segmentSize(change.id(), -1);
        }
    }
}
