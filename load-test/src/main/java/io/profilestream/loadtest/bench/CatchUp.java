package io.profilestream.loadtest.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        final Map<TopicPartition, OffsetAndMetadata> committed = committed(groupId);
        if (committed == null) {
            return false;
        }
        for (final Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (position(committed, end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until the group's committed offsets of the topics' partitions sum to at least {@code records}, or fails
     * when {@code alive} turns false or the timeout passes.
     *
     * @return that sum and the wall time ({@link System#nanoTime()}) at which it was read
     */
    Committed awaitCommitted(final String groupId,
                             final long records,
                             final Duration timeout,
                             final BooleanSupplier alive) {
        final Set<TopicPartition> partitions = endOffsets().keySet();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            final Map<TopicPartition, OffsetAndMetadata> committed = committed(groupId);
            final long now = System.nanoTime();
            if (committed != null) {
                final long sum = partitions.stream().mapToLong(partition -> position(committed, partition)).sum();
                if (sum >= records) {
                    return new Committed(sum, now);
                }
            }
            check(groupId, alive, deadline, timeout, "committed " + records + " records");
            pause();
        }
    }

    /**
     * Commits the given offsets for a group that has no member yet (a fresh application id), so that it starts
     * there rather than at the beginning.
     */
    void startAt(final String groupId, final Map<TopicPartition, Long> offsets) {
        final Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((partition, offset) -> commit.put(partition, new OffsetAndMetadata(offset)));
        try {
            admin.alterConsumerGroupOffsets(groupId, commit).all().get();
        } catch (final ExecutionException e) {
            throw new IllegalStateException("Could not set the start offsets of " + groupId + ": "
                + e.getCause().getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while setting the start offsets of " + groupId + ".", e);
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
            check(groupId, alive, deadline, timeout, "caught up");
            pause();
        }
        return System.nanoTime();
    }

    /** The group's committed offsets, or {@code null} when they cannot be read (yet). */
    private Map<TopicPartition, OffsetAndMetadata> committed(final String groupId) {
        try {
            return admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        } catch (final ExecutionException e) {
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading committed offsets.", e);
        }
    }

    private static long position(final Map<TopicPartition, OffsetAndMetadata> committed,
                                 final TopicPartition partition) {
        final OffsetAndMetadata offset = committed.get(partition);
        return offset == null ? 0 : offset.offset();
    }

    private static void check(final String groupId,
                              final BooleanSupplier alive,
                              final long deadline,
                              final Duration timeout,
                              final String what) {
        if (!alive.getAsBoolean()) {
            throw new IllegalStateException(groupId + " stopped before it " + what + ".");
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(groupId + " had not " + what + " within " + timeout + ".");
        }
    }

    /**
     * What a group had committed at one moment.
     *
     * @param records the sum of its committed offsets of the topics' partitions
     * @param nanos when they were read ({@link System#nanoTime()})
     */
    record Committed(long records, long nanos) {
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
