package io.profilestream.topology;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.CustomEvent;
import io.profilestream.internal.IdentityCommand;

/**
 * Hands each record of the identity task's inbox (the {@code identity-commands} topic) to the processor of its kind:
 * a click re-routed from another partition to the {@link IdentityResolver}, an identity command to the
 * {@link IdentityUnlinker}, a custom event with only an anonymous id to the {@link CustomEventRouter}.
 * The inbox's union ({@code EngineSerdes.IDENTITY_INBOX_SCHEMA}) yields nothing else; a null value is skipped.
 */
final class IdentityInbox extends ContextualProcessor<String, SpecificRecord, String, SpecificRecord> {

    @Override
    public void process(final Record<String, SpecificRecord> record) {
        final SpecificRecord value = record.value();
        if (value instanceof ClickEvent) {
            context().forward(record, ProfileTopology.IDENTITY_RESOLVER);
        } else if (value instanceof IdentityCommand) {
            context().forward(record, ProfileTopology.IDENTITY_UNLINKER);
        } else if (value instanceof CustomEvent) {
            context().forward(record, ProfileTopology.CUSTOM_EVENT_ROUTER);
        }
    }
}
