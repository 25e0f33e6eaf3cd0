package io.profilestream.loadtest.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a consumer group (a Kafka Streams application id) has committed the end offsets of the input topics.
 */
final class CatchUp {

    private static final Duration POLL = Duration.ofMillis(100);

    private final Admin admin;
    private final List<String> topics;

    CatchUp(final Admin admin, final List<String> topics) {
        this.admin = admin;
        this.topics = List.copyOf(topics);
    }

    /** The end offset of every partition of the topics. */
    Map<TopicPartition, Long> endOffsets() {
        try {
            final Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get().forEach((name, description) ->
                description.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()),
                    OffsetSpec.latest())));
            final Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(request).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
            return ends;
        } catch (final ExecutionException e) {
            throw new IllegalStateException("Could not read the end offsets: " + e.getCause().getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the end offsets.", e);
        }
    }

    /** How many records the topics hold (the sum of their end offsets; the bench writes no transactions). */
    long totalRecords() {
        return endOffsets().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Whether the group has committed every end offset. */
    boolean caughtUp(final String groupId, final Map<TopicPartition, Long> ends) {
        try {
            final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get();
            for (final Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                final OffsetAndMetadata offset = committed.get(end.getKey());
                final long position = offset == null ? 0 : offset.offset();
                if (position < end.getValue()) {
                    return false;
                }
            }
            return true;
        } catch (final ExecutionException e) {
            return false;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading committed offsets.", e);
        }
    }

    /**
     * Waits until the group has caught up, or fails when {@code alive} turns false or the timeout passes.
     *
     * @return the wall time in nanoseconds ({@link System#nanoTime()}) at which the group was seen caught up
     */
    long await(final String groupId, final Duration timeout, final BooleanSupplier alive) {
        final Map<TopicPartition, Long> ends = endOffsets();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUp(groupId, ends)) {
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException(groupId + " stopped before it caught up.");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(groupId + " did not catch up within " + timeout + ".");
            }
            pause();
        }
        return System.nanoTime();
    }

    static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a group to catch up.", e);
        }
    }
}
