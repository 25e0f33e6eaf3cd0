package io.profilestream.loadtest.bench;

import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * Where the pre-loaded input lies in the event topics: the warm-up input from the beginning of every partition to its
 * boundary, the measured input from the boundary to the end offset.
 * Without a warm-up input every boundary is 0.
 *
 * @param boundary every partition's end offset after the warm-up input was loaded
 * @param ends every partition's end offset after the measured input was loaded
 */
record PreloadedInput(Map<TopicPartition, Long> boundary, Map<TopicPartition, Long> ends) {

    PreloadedInput {
        boundary = Map.copyOf(boundary);
        ends = Map.copyOf(ends);
    }

    /** Records of the warm-up input. */
    long warmUpRecords() {
        return sum(boundary);
    }

    /** Records of the measured input. */
    long measuredRecords() {
        return sum(ends) - sum(boundary);
    }

    private static long sum(final Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }
}
