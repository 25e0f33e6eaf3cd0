package io.profilestream.topology;

import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Commits a task's work about as often as the records it processes are old, between a shortest interval and
 * {@code commit.interval.ms}: under exactly-once a {@code read_committed} consumer sees an output only when the
 * transaction that wrote it commits, so live records want frequent commits, while every commit costs the stream thread
 * a fixed amount (flushes, the profiles' write-back, a round trip to the transaction coordinator).
 *
 * <p>On each record the pacer asks Kafka Streams to commit ({@link ProcessorContext#commit()}, which commits every
 * task of the stream thread after the current pass) once at least {@code max(shortest, age)} has passed since it last
 * asked, where {@code age} is the wall clock minus the record's timestamp. While the thread keeps up, records are a
 * few milliseconds old and it commits every {@code shortest}; when it falls behind, records grow older, it commits
 * less often and spends the time saved on processing, which bounds the backlog instead of growing it; records older
 * than {@code commit.interval.ms} (a replay, a restart's backlog, event times far in the past) leave the commits to
 * Kafka Streams' interval. A record timestamp ahead of the wall clock counts as age 0.
 *
 * <p>Kafka Streams has no adaptive commit interval of its own; this paces the one request its Processor API offers.
 */
final class CommitPacer {

    private final ProcessorContext<?, ?> context;
    private final long shortestMs;
    private final long longestMs;
    private long lastRequestMs = Long.MIN_VALUE;

    /**
     * @param context    the task's context
     * @param shortestMs the shortest interval between requested commits; 0, or not below {@code longestMs}, requests
     *                   none
     * @param longestMs  Kafka Streams' {@code commit.interval.ms}
     */
    CommitPacer(final ProcessorContext<?, ?> context, final long shortestMs, final long longestMs) {
        this.context = context;
        this.shortestMs = shortestMs > 0 && shortestMs < longestMs ? shortestMs : 0;
        this.longestMs = longestMs;
    }

    /** Called for each record the task processes, with the record's timestamp. */
    void processing(final long recordTimestamp) {
        if (shortestMs == 0) {
            return;
        }
        final long now = context.currentSystemTimeMs();
        final long age = Math.max(0, now - recordTimestamp);
        if (age < longestMs && (lastRequestMs == Long.MIN_VALUE || now - lastRequestMs >= Math.max(shortestMs, age))) {
            context.commit();
            lastRequestMs = now;
        }
    }
}
