package io.profilestream.topology;

import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.config.TopicConfigs;
import io.profilestream.metrics.EngineMetrics;

/**
 * Turns the engine configuration into Kafka Streams properties: Kafka settings pass through (with defaults of the
 * engine's own for {@code max.task.idle.ms}, the main consumer's {@code max.poll.records} and the changelogs'
 * {@code topic.max.compaction.lag.ms}; {@code commit.interval.ms} has its default in the defaults file), then the
 * engine wires its dead-letter handling, which is not optional, and bounds RocksDB's memory
 * ({@link BoundedMemoryRocksDBConfig}) unless {@code rocksdb.config.setter} names another setter (or is empty: Kafka
 * Streams' defaults).
 */
public final class StreamsProperties {

    /** The main consumer's {@code max.poll.records} unless one is set (Kafka Streams' default is 1,000). */
    static final int MAX_POLL_RECORDS = 10_000;

    private StreamsProperties() {
    }

    public static Properties from(final ProfileStreamConfig config, final EngineMetrics metrics) {
        final Properties properties = new Properties();
        properties.putAll(config.kafkaSettings());
        if (!properties.containsKey(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)
            && "wall-clock".equalsIgnoreCase(config.get("time.mode"))) {
            // Live, the engine's clock is the wall clock and each input partition is read as it is written, so
            // waiting for a lagging partition before picking the next record by time buys little; it costs a busy
            // wait, and Kafka Streams 4.3 formats a log text per empty partition on every record while it checks.
            // Replays (event time) keep Kafka Streams' default, 0: records are taken in event-time order across
            // topics when the data is on the broker. docs/benchmarks.md has the measurements.
            properties.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        }
        if (!properties.containsKey(ConsumerConfig.MAX_POLL_RECORDS_CONFIG)
            && !properties.containsKey(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG))
            && !properties.containsKey(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG))) {
            // In event-time mode a task processes only while each of its input partitions has records buffered or
            // none on the broker, and one poll hands out at most this many of the records already fetched, partition
            // by partition: with 1,000 the tasks of a catching-up engine kept waiting for a partition's turn. The
            // records are fetched either way; this hands more of them out per poll (docs/benchmarks.md).
            properties.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), MAX_POLL_RECORDS);
        }
        // Changelogs keep an erased customer's earlier values until compaction: bound how long (docs/security.md).
        properties.putIfAbsent(StreamsConfig.topicPrefix(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG),
            TopicConfigs.compactionLag(config));
        properties.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.get("topics.dlq"));
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterQueueHandler.class);
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterQueueHandler.class);
        properties.put(DeadLetterQueueHandler.METRICS_CONFIG, metrics);
        // The engine's setter unless another is named; an empty value leaves Kafka Streams' own per-store options.
        properties.merge(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDBConfig.class,
            (own, engines) -> own.toString().isBlank() ? null : own);
        BoundedMemoryRocksDBConfig.validate(properties);
        return properties;
    }
}
