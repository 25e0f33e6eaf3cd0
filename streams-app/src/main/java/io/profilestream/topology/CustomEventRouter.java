package io.profilestream.topology;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.profilestream.config.EngineSettings;
import io.profilestream.events.CustomEvent;
import io.profilestream.identity.ProfileIds;
import io.profilestream.internal.IdentityLink;
import io.profilestream.internal.LinkStatus;

/**
 * Routes a custom event with only an anonymous id, from the identity task's inbox ({@link CustomEventRelay} sends
 * those that name their customer straight on), to the profile it belongs to, on {@code profile-events}: the customer
 * its anonymous id is linked to, read from the identity resolver's links ({@link IdentityLinks}) (the inbox is keyed by
 * that anonymous id, so the link is in this task); otherwise the anonymous profile.
 * A custom event never makes or changes a link: clicks do.
 */
final class CustomEventRouter implements Processor<String, CustomEvent, String, SpecificRecord> {

    private final EngineSettings settings;
    private ProcessorContext<String, SpecificRecord> context;
    private WriteBackStore<IdentityLink> links;

    CustomEventRouter(final EngineSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(final ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.links = IdentityLinks.of(context, settings);
    }

    @Override
    public void process(final Record<String, CustomEvent> record) {
        final CustomEvent event = record.value();
        context.forward(record.withKey(profileId(event)).withValue((SpecificRecord) event),
            Outputs.ROUTED_CUSTOM_EVENTS);
    }

    private String profileId(final CustomEvent event) {
        if (event.getCustomerId() != null) {
            return event.getCustomerId();
        }
        final IdentityLink link = links.get(event.getAnonymousId());
        if (link != null && link.getStatus() == LinkStatus.LINKED && link.getCustomerId() != null) {
            return link.getCustomerId();
        }
        return ProfileIds.anonymous(event.getAnonymousId());
    }
}
