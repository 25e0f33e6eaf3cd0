package io.profilestream.topology;

import java.time.Instant;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.config.EngineSettings;
import io.profilestream.events.ClickEvent;
import io.profilestream.identity.IdentityPolicy;
import io.profilestream.identity.ProfileIds;
import io.profilestream.internal.IdentityLink;
import io.profilestream.internal.MergeRequest;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.metrics.EngineMetrics.Outcome;
import io.profilestream.profile.IdentityAction;
import io.profilestream.profile.IdentityEvent;

/**
 * The identity resolver: the first stage keyed by the click's own anonymous id.
 * It drops duplicate clicks (so a duplicate delivered after a link is still applied once), resolves each click with
 * the {@link IdentityPolicy} against {@code identity-links-store}, and forwards the click keyed by its profile id.
 * When an anonymous id is first linked it also forwards a merge request keyed by the anonymous profile id, which the
 * profile processor that owns that profile answers by moving it into the customer's.
 * Every link, re-link and quarantine is forwarded as an {@link IdentityEvent} keyed by customer id.
 */
final class IdentityResolver implements Processor<String, ClickEvent, String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityResolver.class);

    private final EngineSettings settings;
    private final EngineMetrics metrics;
    private final IdentityEvents identityEvents;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, IdentityLink> links;
    private DedupWindow seenClicks;

    IdentityResolver(final EngineSettings settings, final EngineMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.identityEvents = new IdentityEvents(metrics);
    }

    @Override
    public void init(final ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.links = context.getStateStore(Stores.IDENTITY_LINKS);
        this.seenClicks = new DedupWindow(context.getStateStore(Stores.CLICK_DEDUP), settings.dedupRetentionMs());
    }

    @Override
    public void process(final Record<String, ClickEvent> record) {
        final ClickEvent click = record.value();
        final String anonymousId = click.getAnonymousId();
        if (seenClicks.seenBefore(anonymousId, click.getEventId(), record.timestamp())) {
            metrics.event(settings.topics().clickstream(), Outcome.DUPLICATE);
            return;
        }
        seenClicks.remember(anonymousId, click.getEventId(), record.timestamp());
        final IdentityPolicy.Resolution resolution = settings.identity().resolve(links.get(anonymousId), click);
        links.put(anonymousId, resolution.link());
        final Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        for (final IdentityPolicy.Change change : resolution.changes()) {
            if (change.action() == IdentityAction.QUARANTINED) {
                LOG.warn("An anonymous id on {}-{} was quarantined ({}); it is no longer linked or merged.",
                    settings.topics().clickstream(), context.recordMetadata().map(m -> m.partition()).orElse(-1),
                    change.reason());
            }
            final IdentityEvent event = identityEvents.create(anonymousId, change, click.getEventId(),
                click.getTimestamp(), now);
            context.forward(record.withKey(IdentityEvents.key(event)).withValue(event), Outputs.IDENTITY_EVENTS);
        }
        if (resolution.mergeAnonymousProfile()) {
            final MergeRequest request = MergeRequest.newBuilder()
                .setAnonymousId(anonymousId)
                .setCustomerId(resolution.profileId())
                .setCauseEventId(click.getEventId())
                .setEventTime(click.getTimestamp())
                .setRequestedAt(now)
                .build();
            context.forward(record.withKey(ProfileIds.anonymous(anonymousId)).withValue(request)
                .withHeaders(ProfileMerges.causedByMerge(record.headers())), Outputs.RESOLVED_EVENTS);
        }
        context.forward(record.withKey(resolution.profileId()).withValue(click), Outputs.RESOLVED_EVENTS);
    }
}
