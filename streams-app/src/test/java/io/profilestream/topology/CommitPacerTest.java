package io.profilestream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CommitPacerTest {

    private static final long NOW = 1_800_000_000_000L;

    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();

    @BeforeEach
    void setClock() {
        context.setCurrentSystemTimeMs(NOW);
    }

    @Test
    void shouldAskForACommitEveryShortestIntervalWhileRecordsAreLive() {
        final CommitPacer pacer = new CommitPacer(context, 50, 1000);

        assertThat(asks(pacer, NOW, NOW - 5)).as("the first live record").isTrue();
        assertThat(asks(pacer, NOW + 49, NOW + 40)).as("within the shortest interval").isFalse();
        assertThat(asks(pacer, NOW + 50, NOW + 45)).isTrue();
        assertThat(asks(pacer, NOW + 60, NOW + 70)).as("ahead of the wall clock counts as age 0").isFalse();
        assertThat(asks(pacer, NOW + 100, NOW + 150)).isTrue();
    }

    @Test
    void shouldAskLessOftenAsRecordsGrowOlder() {
        final CommitPacer pacer = new CommitPacer(context, 50, 1000);
        assertThat(asks(pacer, NOW, NOW - 300)).isTrue();

        assertThat(asks(pacer, NOW + 100, NOW + 100 - 300)).as("100 ms after, a record 300 ms old").isFalse();
        assertThat(asks(pacer, NOW + 299, NOW + 299 - 300)).isFalse();
        assertThat(asks(pacer, NOW + 300, NOW + 300 - 300)).isTrue();
        assertThat(asks(pacer, NOW + 360, NOW + 350)).as("caught up again: the shortest interval").isTrue();
    }

    @Test
    void shouldLeaveRecordsOlderThanTheCommitIntervalToKafkaStreams() {
        final CommitPacer pacer = new CommitPacer(context, 50, 1000);

        assertThat(asks(pacer, NOW, NOW - 1000)).isFalse();
        assertThat(asks(pacer, NOW + 5_000, NOW - 86_400_000L)).as("a replayed record").isFalse();
        assertThat(asks(pacer, NOW + 5_000, NOW + 4_001)).isTrue();
    }

    @Test
    void shouldAskForNoneWhenOffOrNotShorterThanTheCommitInterval() {
        assertThat(asks(new CommitPacer(context, 0, 1000), NOW, NOW)).isFalse();
        assertThat(asks(new CommitPacer(context, 1000, 1000), NOW, NOW)).isFalse();
        assertThat(asks(new CommitPacer(context, 2000, 1000), NOW, NOW)).isFalse();
    }

    /** Processes a record of the given timestamp at the given wall-clock time; whether a commit was asked for. */
    private boolean asks(final CommitPacer pacer, final long wallClockMs, final long recordTimestamp) {
        context.resetCommit();
        context.setCurrentSystemTimeMs(wallClockMs);
        pacer.processing(recordTimestamp);
        return context.committed();
    }
}
