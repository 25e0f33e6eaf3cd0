package io.profilestream.topology;

import java.util.Properties;

import org.apache.kafka.streams.StreamsConfig;

import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.metrics.EngineMetrics;

/**
 * Turns the engine configuration into Kafka Streams properties: Kafka settings pass through, then the engine wires
 * its dead-letter handling, which is not optional, and bounds RocksDB's memory ({@link BoundedMemoryRocksDBConfig})
 * unless {@code rocksdb.config.setter} names another setter (or is empty: Kafka Streams' defaults).
 */
public final class StreamsProperties {

    private StreamsProperties() {
    }

    public static Properties from(final ProfileStreamConfig config, final EngineMetrics metrics) {
        final Properties properties = new Properties();
        properties.putAll(config.kafkaSettings());
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
