package io.profilestream.topology;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import io.profilestream.domain.EventValidator;

/**
 * The first step after each source: checks an event before anything is stored or re-keyed.
 * An invalid event throws, and the processing exception handler sends the original bytes to the dead-letter queue.
 *
 * @param <V> the event type
 */
final class ValidateEvent<V> implements FixedKeyProcessor<String, V, V> {

    private final EventValidator validator;
    private FixedKeyProcessorContext<String, V> context;

    ValidateEvent(final EventValidator validator) {
        this.validator = validator;
    }

    @Override
    public void init(final FixedKeyProcessorContext<String, V> context) {
        this.context = context;
    }

    @Override
    public void process(final FixedKeyRecord<String, V> record) {
        // "The future" is always relative to the wall clock, also in event-time mode: replays of past months
        // jump ahead of stream time all the time, but nothing real happens after now.
        validator.validate(record.key(), record.value(), context.currentSystemTimeMs());
        context.forward(record);
    }
}
