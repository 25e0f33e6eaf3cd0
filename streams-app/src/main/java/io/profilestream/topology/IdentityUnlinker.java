package io.profilestream.topology;

import java.time.Instant;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.profilestream.config.EngineSettings;
import io.profilestream.identity.IdentityPolicy;
import io.profilestream.internal.IdentityCommand;
import io.profilestream.internal.IdentityLink;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.profile.IdentityAction;
import io.profilestream.profile.IdentityEvent;

/**
 * Applies identity commands on the identity resolver's partitions, keyed by anonymous id.
 * An unlink (sent by the profile processor when a customer is erased) removes the anonymous id's link to that
 * customer and its remembered click ids, and scrubs the customer from the id's history; a link that was already moved
 * to another customer stays. Each removed link is reported as an UNLINKED {@link IdentityEvent}.
 * It shares {@code identity-links-store} and {@code click-dedup-store} with the {@link IdentityResolver}.
 */
final class IdentityUnlinker implements Processor<String, IdentityCommand, String, IdentityEvent> {

    /** Reason of an UNLINKED identity event caused by an erasure request. */
    static final String ERASURE = "erasure";

    private final EngineSettings settings;
    private final IdentityEvents identityEvents;
    private ProcessorContext<String, IdentityEvent> context;
    private WriteBackStore<IdentityLink> links;
    private DedupWindow seenClicks;

    IdentityUnlinker(final EngineSettings settings, final EngineMetrics metrics) {
        this.settings = settings;
        this.identityEvents = new IdentityEvents(metrics);
    }

    @Override
    public void init(final ProcessorContext<String, IdentityEvent> context) {
        this.context = context;
        this.links = IdentityLinks.of(context, settings);
        this.seenClicks = new DedupWindow(context.getStateStore(Stores.CLICK_DEDUP), settings.dedupRetentionMs(),
            context::currentSystemTimeMs);
    }

    @Override
    public void process(final Record<String, IdentityCommand> record) {
        final IdentityCommand command = record.value();
        final String anonymousId = command.getAnonymousId();
        final IdentityLink current = links.get(anonymousId);
        if (current == null) {
            return;
        }
        final IdentityPolicy.Unlink unlink = settings.identity().unlink(current, command.getCustomerId());
        if (unlink.link() == null) {
            links.delete(anonymousId);
            seenClicks.removeAll(anonymousId);
        } else {
            links.put(anonymousId, unlink.link());
        }
        if (unlink.unlinked()) {
            final IdentityEvent event = identityEvents.create(anonymousId,
                IdentityEvents.change(IdentityAction.UNLINKED, command.getCustomerId(), ERASURE),
                command.getCauseEventId(), command.getEventTime(), Instant.ofEpochMilli(context.currentSystemTimeMs()));
            context.forward(record.withKey(command.getCustomerId()).withValue(event), Outputs.IDENTITY_EVENTS);
        }
    }
}
