package io.profilestream.topology;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

import io.profilestream.metrics.EngineMetrics;

/**
 * Where a validated input record goes next, and what happens to a record that arrived on the wrong partition.
 * A task owns the keys whose murmur2 partition (Kafka's Java default) is its own.
 * A producer that partitions another way (librdkafka's default, {@code consistent_random}, hashes with CRC32) puts a
 * customer's records on another task, which would keep a second, partial profile of the same customer.
 * Such a record is counted and, where the next step keeps state by this key, forwarded to {@code reroute}: a sink on
 * an engine-own topic partitioned by murmur2 of the key, read back by the task that owns the key.
 * It is written in the same transaction as the input offset, so exactly-once holds across the detour.
 *
 * @param topic the input topic, the tag of the metric
 * @param partitions the input topics' partition count; 0 or 1 checks nothing
 * @param next the node that processes the records of this task, or null for every child
 * @param reroute the sink for records of another task, or null when the next step does not depend on the partition
 *                (a relay that writes by key anyway): such records are only counted
 * @param metrics where misrouted records are counted
 */
record InputRouting(String topic, int partitions, String next, String reroute, EngineMetrics metrics) {

    /**
     * The partition Kafka's default partitioner gives a UTF-8 string key, as {@code BuiltInPartitioner} computes it.
     */
    static int partitionOf(final String key, final int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * Whether a record with this key, read from this partition, belongs to another task; it is counted when it does.
     */
    boolean misrouted(final String key, final int partition) {
        if (partitions <= 1 || key == null || partition < 0 || partitionOf(key, partitions) == partition) {
            return false;
        }
        metrics.misrouted(topic);
        return true;
    }
}
