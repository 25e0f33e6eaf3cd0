package io.profilestream.topology;

import java.time.Clock;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

import io.profilestream.domain.EventKind;
import io.profilestream.internal.IdentityCommand;

/**
 * Uses each event's own time as the record time, so stream time is event time; on the engine's own topics too, whose
 * records the broker stamps with the append time.
 * A timestamp too far ahead of the wall clock (a record the validator will reject) must not drag stream time into
 * the future, where it would expire every remembered event id, and a negative one would make Kafka Streams drop the
 * record unseen: such records keep the partition's current time, and the validator sends them to the dead-letter
 * queue.
 * The clock is the one the validator judges "the future" by; tests hand in theirs.
 */
final class EventTimestampExtractor implements TimestampExtractor {

    private final long maxFutureSkewMs;
    private final Clock clock;

    EventTimestampExtractor(final long maxFutureSkewMs,
                            final Clock clock) {
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.clock = clock;
    }

    @Override
    public long extract(final ConsumerRecord<Object, Object> record, final long partitionTime) {
        final Object value = record.value();
        final Optional<EventKind> kind = EventKind.find(value);
        final long timestamp;
        if (kind.isPresent()) {
            timestamp = kind.get().timestamp(value).toEpochMilli();
        } else if (value instanceof IdentityCommand command) {
            timestamp = command.getEventTime().toEpochMilli();
        } else {
            timestamp = record.timestamp();
        }
        if (timestamp < 0 || timestamp > clock.millis() + maxFutureSkewMs) {
            return Math.max(partitionTime, 0);
        }
        return timestamp;
    }
}
