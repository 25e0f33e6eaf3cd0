package io.profilestream.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.profilestream.domain.EventValidator;

/**
 * The first step after each source: checks an event before anything is stored or re-keyed.
 * An invalid event throws, and the processing exception handler sends the original bytes to the dead-letter queue.
 *
 * @param <V> the event type
 */
final class ValidateEvent<V> implements Processor<String, V, String, V> {

    private final EventValidator validator;
    private ProcessorContext<String, V> context;

    ValidateEvent(final EventValidator validator) {
        this.validator = validator;
    }

    @Override
    public void init(final ProcessorContext<String, V> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<String, V> record) {
        // "The future" is always relative to the wall clock, also in event-time mode: replays of past months
        // jump ahead of stream time all the time, but nothing real happens after now.
        validator.validate(record.key(), record.value(), context.currentSystemTimeMs());
        context.forward(record);
    }
}
