package io.profilestream.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
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
 * A link not used for {@code identity.link.retention.ms} is deleted by a punctuated sweep.
 */
final class IdentityResolver implements Processor<String, ClickEvent, String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityResolver.class);
    /** How often a batch of links is checked for expiry. */
    static final Duration EXPIRY_INTERVAL = Duration.ofSeconds(10);

    private final EngineSettings settings;
    private final EngineMetrics metrics;
    private final IdentityEvents identityEvents;
    private ProcessorContext<String, SpecificRecord> context;
    private CommitPacer commits;
    private WriteBackStore<IdentityLink> links;
    private DedupWindow seenClicks;
    /** Where the link expiry sweep goes on: the last anonymous id it visited, or null to start at the first. */
    private String sweepCursor;

    IdentityResolver(final EngineSettings settings, final EngineMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.identityEvents = new IdentityEvents(metrics);
    }

    @Override
    public void init(final ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        // Clicks reach the profile processor through profile-events, which it reads once this task commits.
        this.commits = new CommitPacer(context, settings.commitMinIntervalMs(), settings.commitIntervalMs());
        this.links = IdentityLinks.of(context, settings);
        this.seenClicks = new DedupWindow(context.getStateStore(Stores.CLICK_DEDUP), settings.dedupRetentionMs(),
            context::currentSystemTimeMs);
        if (settings.linkRetention().isZero()) {
            return;
        }
        EngineTimePunctuation.schedule(context, EXPIRY_INTERVAL, settings.eventTime(), this::expireLinks);
    }

    /**
     * Deletes, in one bounded batch of the sweep over the task's links, those whose last click is older than the link
     * retention. The sweep goes round the store from where it stopped (in memory: after a restart it starts again
     * from the first id), so a link goes at most one sweep after it expires.
     */
    private void expireLinks(final long nowMs) {
        final long oldestKept = nowMs - settings.linkRetention().toMillis();
        final List<String> expired = new ArrayList<>();
        int visited = 0;
        String last = null;
        try (KeyValueIterator<String, IdentityLink> next = links.range(sweepCursor, null)) {
            while (next.hasNext() && visited < settings.reevaluationBatchSize()) {
                final KeyValue<String, IdentityLink> entry = next.next();
                if (entry.key.equals(sweepCursor)) {
                    continue;
                }
                visited++;
                last = entry.key;
                final Instant seen = entry.value.getLastSeen() != null ? entry.value.getLastSeen()
                    : entry.value.getFirstSeen();
                if (seen != null && seen.toEpochMilli() < oldestKept) {
                    expired.add(entry.key);
                }
            }
        }
        sweepCursor = visited < settings.reevaluationBatchSize() ? null : last;
        expired.forEach(links::delete);
        if (!expired.isEmpty()) {
            LOG.debug("Deleted {} identity links not used within the link retention.", expired.size());
        }
    }

    @Override
    public void process(final Record<String, ClickEvent> record) {
        commits.processing(record.timestamp());
        final ClickEvent click = record.value();
        final String anonymousId = click.getAnonymousId();
        if (seenClicks.seenBefore(anonymousId, click.getEventId())) {
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
        // The click as read, unchanged: its sink writes it in the bytes it was read in (ReadBytes).
        context.forward(record.withKey(resolution.profileId()).withValue(click), Outputs.RESOLVED_EVENTS);
    }
}
