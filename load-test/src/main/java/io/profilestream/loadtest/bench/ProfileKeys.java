package io.profilestream.loadtest.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

import io.profilestream.identity.ProfileIds;

/**
 * The profiles the engine holds: the keys of {@code profile-updates} (committed records only), read from the
 * beginning to the end offsets, counted (customers and anonymous visitors; a tombstone, after a merge or an erasure,
 * takes its key out) and sampled (customer ids only).
 * Keys are counted by a 64-bit hash of each, so a count of millions costs tens of bytes a profile; two keys would have
 * to share a hash to be counted once.
 *
 * @param profiles distinct profile ids
 * @param customerSample up to the requested number of distinct customer ids, in the order of the topic's partitions
 */
record ProfileKeys(long profiles, List<String> customerSample) {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    /** A consumer of raw records that sees only committed transactions and commits nothing itself. */
    static KafkaConsumer<byte[], byte[]> committedReader(final String bootstrapServers) {
        return new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
    }

    /**
     * Reads the topic.
     *
     * @param bootstrapServers the cluster
     * @param topic the engine's {@code profile-updates}
     * @param sample how many customer ids to keep at most
     */
    static ProfileKeys read(final String bootstrapServers, final String topic, final int sample) {
        final Set<String> ids = new LinkedHashSet<>();
        final Set<Long> hashes = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = committedReader(bootstrapServers)) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!reachedEnd(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Reading " + topic + " took longer than " + TIMEOUT + ".");
                }
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.key() == null) {
                        continue;
                    }
                    if (record.value() == null) {
                        // A tombstone: the profile was merged into a customer's, or erased.
                        hashes.remove(hash(record.key()));
                    } else {
                        hashes.add(hash(record.key()));
                        final String id = new String(record.key(), StandardCharsets.UTF_8);
                        if (ids.size() < sample && !ProfileIds.isAnonymous(id)) {
                            ids.add(id);
                        }
                    }
                }
            }
        }
        return new ProfileKeys(hashes.size(), List.copyOf(ids));
    }

    /** Two independent 32-bit hashes of the key's bytes side by side. */
    static long hash(final byte[] key) {
        return ((long) Utils.murmur2(key) << Integer.SIZE) | (Arrays.hashCode(key) & 0xffffffffL);
    }
    private static boolean reachedEnd(final KafkaConsumer<byte[], byte[]> consumer,
                                      final Map<TopicPartition, Long> ends) {
        for (final Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }
}
