package io.profilestream.loadtest.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The read limit: a plain consumer reading every partition of the input topics from given offsets to the end.
 */
final class RawConsumerRun {

    private static final Duration POLL = Duration.ofMillis(200);

    private RawConsumerRun() {
    }

    /**
     * Reads the partitions from the given offsets to their ends and returns the records per second.
     *
     * @param bootstrapServers the cluster
     * @param from where to start in every partition
     * @param ends end offset of every partition to read
     * @param timeout how long the read may take at most
     */
    static double eventsPerSecond(final String bootstrapServers,
                                  final Map<TopicPartition, Long> from,
                                  final Map<TopicPartition, Long> ends,
                                  final Duration timeout) {
        long total = 0;
        for (final Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            total += end.getValue() - from.getOrDefault(end.getKey(), 0L);
        }
        final Map<String, Object> config = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            final List<TopicPartition> partitions = new ArrayList<>(ends.keySet());
            final long start = System.nanoTime();
            consumer.assign(partitions);
            partitions.forEach(partition -> consumer.seek(partition, from.getOrDefault(partition, 0L)));
            final long deadline = start + timeout.toNanos();
            long read = 0;
            while (read < total) {
                final ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                read += records.count();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The raw consumer read " + read + " of " + total
                        + " records within " + timeout + ".");
                }
            }
            return rate(total, System.nanoTime() - start);
        }
    }

    static double rate(final long records, final long nanos) {
        return records / (Math.max(1, nanos) / 1e9);
    }
}
