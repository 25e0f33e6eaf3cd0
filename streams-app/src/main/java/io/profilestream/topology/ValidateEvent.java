package io.profilestream.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import io.profilestream.domain.EventValidator;

/**
 * The first step after each source: checks an event before anything is stored or re-keyed, then routes it.
 * An invalid event throws, and the processing exception handler sends the original bytes to the dead-letter queue.
 * A valid event goes on to the next step, or, when it arrived on a partition other than its key's, to the task that
 * owns the key ({@link InputRouting}).
 *
 * @param <V> the event type
 */
final class ValidateEvent<V> implements Processor<String, V, String, V> {

    private final EventValidator validator;
    private final InputRouting routing;
    private ProcessorContext<String, V> context;

    ValidateEvent(final EventValidator validator, final InputRouting routing) {
        this.validator = validator;
        this.routing = routing;
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
        final int partition = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
        if (routing.misrouted(record.key(), partition) && routing.reroute() != null) {
            context.forward(record, routing.reroute());
        } else if (routing.next() == null) {
            context.forward(record);
        } else {
            context.forward(record, routing.next());
        }
    }
}
