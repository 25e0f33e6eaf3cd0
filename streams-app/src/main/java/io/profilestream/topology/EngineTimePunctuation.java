package io.profilestream.topology;

import java.time.Duration;
import java.util.function.LongConsumer;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * A punctuation on engine time: it runs every interval of wall-clock time and is given the engine's now, the wall
 * clock or, in event-time mode, the task's stream time (not before the task has one).
 *
 * <p>Why not Kafka Streams' stream-time punctuation in event-time mode: a replay moves a task's stream time on by more
 * than the interval between most records, so it would run on nearly every record, and Kafka Streams halves the
 * records it processes per task before it looks again after every punctuation that ran (measured in
 * docs/benchmarks.md).
 */
final class EngineTimePunctuation {

    private EngineTimePunctuation() {
    }

    static void schedule(final ProcessorContext<?, ?> context,
                         final Duration interval,
                         final boolean eventTime,
                         final LongConsumer punctuator) {
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, wallMs -> {
            final long nowMs = eventTime ? context.currentStreamTimeMs() : wallMs;
            if (nowMs >= 0) {
                punctuator.accept(nowMs);
            }
        });
    }
}
