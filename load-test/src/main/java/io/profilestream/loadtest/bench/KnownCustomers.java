package io.profilestream.loadtest.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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

import io.profilestream.identity.ProfileIds;

/**
 * Customer ids that have a profile: the keys of {@code profile-updates} (committed records only) that are not
 * anonymous profiles, read from the beginning.
 */
final class KnownCustomers {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private KnownCustomers() {
    }

    /**
     * Up to {@code max} distinct customer ids, in the order of the topic's partitions.
     *
     * @param bootstrapServers the cluster
     * @param topic the engine's {@code profile-updates}
     * @param max how many ids at most
     */
    static List<String> read(final String bootstrapServers, final String topic, final int max) {
        final Set<String> ids = new LinkedHashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (ids.size() < max && !reachedEnd(consumer, ends) && System.nanoTime() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.key() != null && record.value() != null && ids.size() < max) {
                        final String id = new String(record.key(), StandardCharsets.UTF_8);
                        if (!ProfileIds.isAnonymous(id)) {
                            ids.add(id);
                        }
                    }
                }
            }
        }
        return List.copyOf(ids);
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
