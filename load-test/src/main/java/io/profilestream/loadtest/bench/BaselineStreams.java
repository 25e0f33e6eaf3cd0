package io.profilestream.loadtest.bench;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.Stores;

/**
 * The floor of a stateful Kafka Streams application: a count and a sum (of value bytes) per key in RocksDB, with a
 * chosen processing guarantee, timed from start until its committed offsets reach the end offsets.
 */
final class BaselineStreams {

    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private BaselineStreams() {
    }

    /**
     * Runs the application on the measured input until caught up and returns its records per second.
     * A fresh group starts at the beginning; when there is a warm-up input, its offsets are first committed at the
     * boundary, so that the application reads exactly the measured records.
     *
     * @param bootstrapServers the cluster
     * @param applicationId a fresh application id
     * @param guarantee {@code exactly_once_v2} or {@code at_least_once}
     * @param commitIntervalMs the commit interval
     * @param stateDir the state directory
     * @param inputs the input topics
     * @param catchUp checks the committed offsets
     * @param input where the measured input starts and ends
     */
    static double eventsPerSecond(final String bootstrapServers,
                                  final String applicationId,
                                  final String guarantee,
                                  final long commitIntervalMs,
                                  final Path stateDir,
                                  final List<String> inputs,
                                  final CatchUp catchUp,
                                  final PreloadedInput input) {
        if (input.warmUpRecords() > 0) {
            catchUp.startAt(applicationId, input.boundary());
        }
        final Properties props = properties(bootstrapServers, applicationId, guarantee, commitIntervalMs, stateDir);
        final long start = System.nanoTime();
        try (KafkaStreams streams = new KafkaStreams(topology(inputs, new AtomicLong()), props)) {
            streams.start();
            final long end = catchUp.await(applicationId, TIMEOUT, () -> isAlive(streams));
            return RawConsumerRun.rate(input.measuredRecords(), end - start);
        }
    }

    /**
     * Runs the application at least once from the beginning until it has processed {@code records} records (or
     * committed {@code ends}), to warm up the JIT; measures nothing.
     */
    static void warmUp(final String bootstrapServers,
                       final String applicationId,
                       final long records,
                       final Path stateDir,
                       final List<String> inputs,
                       final CatchUp catchUp,
                       final Map<TopicPartition, Long> ends) {
        final AtomicLong processed = new AtomicLong();
        final Properties props = properties(bootstrapServers, applicationId, "at_least_once", 1000, stateDir);
        try (KafkaStreams streams = new KafkaStreams(topology(inputs, processed), props)) {
            streams.start();
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (processed.get() < records && !catchUp.caughtUp(applicationId, ends)
                && isAlive(streams) && System.nanoTime() < deadline) {
                CatchUp.pause();
            }
        }
    }

    private static boolean isAlive(final KafkaStreams streams) {
        return streams.state().isRunningOrRebalancing() || streams.state() == KafkaStreams.State.CREATED;
    }

    private static Topology topology(final List<String> inputs, final AtomicLong processed) {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(inputs, Consumed.with(Serdes.Bytes(), Serdes.ByteArray()).withName("bench-source"))
            .peek((key, value) -> processed.incrementAndGet())
            .groupByKey(Grouped.with("bench-group", Serdes.Bytes(), Serdes.ByteArray()))
            .aggregate(() -> new byte[Long.BYTES * 2], (key, value, aggregate) -> add(aggregate, value),
                Materialized.<Bytes, byte[]>as(Stores.persistentKeyValueStore("bench-counts"))
                    .withKeySerde(Serdes.Bytes()).withValueSerde(Serdes.ByteArray()));
        return builder.build();
    }

    private static Properties properties(final String bootstrapServers,
                                         final String applicationId,
                                         final String guarantee,
                                         final long commitIntervalMs,
                                         final Path stateDir) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        return props;
    }

    private static byte[] add(final byte[] aggregate, final byte[] value) {
        final ByteBuffer in = ByteBuffer.wrap(aggregate);
        final long count = in.getLong();
        final long sum = in.getLong();
        return ByteBuffer.allocate(Long.BYTES * 2).putLong(count + 1).putLong(sum + (value == null ? 0 : value.length))
            .array();
    }
}
