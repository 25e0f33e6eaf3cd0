package io.profilestream.loadtest.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

import io.profilestream.config.Topics;
import io.profilestream.loadtest.GeneratorSettings;
import io.profilestream.loadtest.LoadGenerator;
import io.profilestream.profile.SegmentChange;
import io.profilestream.registry.RestSchemaRegistryClient;
import io.profilestream.serde.EngineSerdes;

/**
 * End-to-end latency at a fixed rate: a live generator stamps events with the wall clock; a consumer of
 * {@code profile-updates} (whose records carry the event time) and {@code segment-changes} (whose values carry it)
 * records, for every output caused by an event of this run, the time from the event to the record's arrival.
 */
final class LatencyRun {

    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration DRAIN = Duration.ofSeconds(5);
    private static final long HIGHEST_MS = TimeUnit.MINUTES.toMillis(10);
    private static final int MAX_RECORD_BYTES = 262_144;

    private LatencyRun() {
    }

    /**
     * Latencies of one rate.
     *
     * @param profileUpdates event to {@code profile-updates}, in milliseconds
     * @param segmentChanges event to {@code segment-changes}, in milliseconds
     */
    record Result(Histogram profileUpdates, Histogram segmentChanges) {
    }

    /**
     * Runs the live generator for the given time at the given rate against the running engine.
     *
     * @param bootstrapServers the cluster
     * @param registryUrl the schema registry
     * @param topics the engine's topics
     * @param live live generator settings (rate, duration, population)
     */
    static Result measure(final String bootstrapServers,
                          final String registryUrl,
                          final Topics topics,
                          final GeneratorSettings live) throws InterruptedException {
        final Histogram profiles = new Histogram(HIGHEST_MS, 3);
        final Histogram segments = new Histogram(HIGHEST_MS, 3);
        final Deserializer<SegmentChange> changes = new EngineSerdes(new RestSchemaRegistryClient(registryUrl),
            MAX_RECORD_BYTES).segmentChange().deserializer();
        try (KafkaConsumer<byte[], byte[]> consumer = ProfileKeys.committedReader(bootstrapServers)) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final String topic : List.of(topics.profileUpdates(), topics.segmentChanges())) {
                for (final PartitionInfo info : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            final long since = System.currentTimeMillis();
            try (LoadGenerator generator = LoadGenerator.start(bootstrapServers,
                new RestSchemaRegistryClient(registryUrl), topics, live, line -> { })) {
                long drainUntil = Long.MAX_VALUE;
                while (System.currentTimeMillis() < drainUntil) {
                    for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        final long arrival = System.currentTimeMillis();
                        final long eventTime = record.topic().equals(topics.profileUpdates())
                            ? record.timestamp()
                            : changes.deserialize(record.topic(), record.value()).getEventTime().toEpochMilli();
                        if (eventTime >= since) {
                            final Histogram histogram = record.topic().equals(topics.profileUpdates())
                                ? profiles : segments;
                            histogram.recordValue(Math.min(HIGHEST_MS, Math.max(0, arrival - eventTime)));
                        }
                    }
                    if (drainUntil == Long.MAX_VALUE && !generator.isRunning()) {
                        drainUntil = System.currentTimeMillis() + DRAIN.toMillis();
                    }
                }
            }
        }
        return new Result(profiles, segments);
    }

    /** Percentile of a histogram in milliseconds; NaN when it is empty. */
    static double percentile(final Histogram histogram, final double percentile) {
        return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile);
    }

    /** Largest value of a histogram in milliseconds; NaN when it is empty. */
    static double max(final Histogram histogram) {
        return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMaxValue();
    }
}
