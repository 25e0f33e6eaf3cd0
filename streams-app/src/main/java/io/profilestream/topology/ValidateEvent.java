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
    private final boolean eventTime;
    private FixedKeyProcessorContext<String, V> context;

    ValidateEvent(final EventValidator validator, final boolean eventTime) {
        this.validator = validator;
        this.eventTime = eventTime;
    }

    @Override
    public void init(final FixedKeyProcessorContext<String, V> context) {
        this.context = context;
    }

    @Override
    public void process(final FixedKeyRecord<String, V> record) {
        final long now = eventTime ? context.currentStreamTimeMs() : context.currentSystemTimeMs();
        validator.validate(record.key(), record.value(), now);
        context.forward(record);
    }
}
