package io.profilestream.topology;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

import io.profilestream.events.CustomEvent;

/**
 * Sends a valid custom event on towards its profile: one that names its customer straight to {@code profile-events}
 * by customer id; one with only an anonymous id to the identity task's inbox by that id, where the
 * {@link CustomEventRouter} finds the customer it is linked to. Keying by the anonymous id also brings such an event
 * to the task that holds its link when its producer partitioned it another way.
 */
final class CustomEventRelay extends ContextualProcessor<String, CustomEvent, String, SpecificRecord> {

    @Override
    public void process(final Record<String, CustomEvent> record) {
        // Validation checked that the key is the customer id when there is one, the anonymous id otherwise.
        context().forward(record.withValue((SpecificRecord) record.value()),
            record.value().getCustomerId() != null ? Outputs.RELAYED_EVENTS : Outputs.RELAYED_TO_INBOX);
    }
}
