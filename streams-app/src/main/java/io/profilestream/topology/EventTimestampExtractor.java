package io.profilestream.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.ErasureRequest;
import io.profilestream.events.PurchaseEvent;

/**
 * Uses each event's own time as the record time, so stream time is event time.
 * A timestamp too far ahead (a record the validator will reject) must not drag stream time into the future, where
 * it would expire every remembered event id, and a negative one would make Kafka Streams drop the record unseen:
 * such records keep the partition's current time, and the validator sends them to the dead-letter queue.
 */
final class EventTimestampExtractor implements TimestampExtractor {

    private final long maxFutureSkewMs;

    EventTimestampExtractor(final long maxFutureSkewMs) {
        this.maxFutureSkewMs = maxFutureSkewMs;
    }

    @Override
    public long extract(final ConsumerRecord<Object, Object> record, final long partitionTime) {
        final long timestamp = eventTimeOf(record.value(), record.timestamp());
        if (timestamp < 0 || timestamp > System.currentTimeMillis() + maxFutureSkewMs) {
            return Math.max(partitionTime, 0);
        }
        return timestamp;
    }

    private static long eventTimeOf(final Object value, final long fallback) {
        if (value instanceof ClickEvent click) {
            return click.getTimestamp().toEpochMilli();
        }
        if (value instanceof PurchaseEvent purchase) {
            return purchase.getTimestamp().toEpochMilli();
        }
        if (value instanceof EmailEvent email) {
            return email.getTimestamp().toEpochMilli();
        }
        if (value instanceof ErasureRequest erasure) {
            return erasure.getRequestedAt().toEpochMilli();
        }
        return fallback;
    }
}
