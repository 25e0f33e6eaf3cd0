package io.profilestream.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import io.profilestream.domain.ProfileAggregator;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.CustomerTraits;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.ErasureRequest;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.internal.MergeRequest;
import io.profilestream.internal.ProfileMerge;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.metrics.EngineMetrics.Outcome;
import io.profilestream.profile.CustomerProfile;

/**
 * Keeps one profile per profile id: drops duplicate events, applies each event with the {@link ProfileAggregator},
 * stores the profile and emits it to {@code profile-updates}; an erasure request deletes the profile and its
 * remembered event ids and emits a tombstone.
 * Events arrive validated and keyed by profile id.
 * Identity resolution adds merge requests and merges, handled by {@link ProfileMerges}; besides profiles the processor
 * then emits merges (for {@code profile-events}), identity commands and identity events.
 */
final class ProfileProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    /** Separates the profile id from the event id in dedup keys; ids never contain it. */
    static final char KEY_SEPARATOR = '\u0000';

    private final EngineSettings settings;
    private final EngineMetrics metrics;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, CustomerProfile> profiles;
    private WindowStore<String, Long> seenEvents;
    private long dedupRetentionMs;
    private ProfileMerges merges;

    ProfileProcessor(final EngineSettings settings, final EngineMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(final ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.profiles = context.getStateStore(Stores.PROFILES);
        this.seenEvents = context.getStateStore(Stores.EVENT_DEDUP);
        this.dedupRetentionMs = settings.dedupRetentionMs();
        this.merges = new ProfileMerges(settings, metrics, context);
    }

    @Override
    public void process(final Record<String, SpecificRecord> record) {
        final String profileId = record.key();
        final SpecificRecord event = record.value();
        if (event instanceof ErasureRequest) {
            erase(profileId, record);
            return;
        }
        if (event instanceof MergeRequest request) {
            merges.moveOut(profileId, request, record);
            return;
        }
        final String topic = topicOf(event);
        final String eventId = eventIdOf(event);
        final long eventTime = record.timestamp();
        final String dedupKey = profileId + KEY_SEPARATOR + eventId;
        if (seenBefore(dedupKey, eventTime)) {
            metrics.event(topic, Outcome.DUPLICATE);
            return;
        }
        CustomerProfile profile = profiles.get(profileId);
        if (profile == null) {
            profile = ProfileAggregator.newProfile(profileId);
        }
        final Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        final ProfileAggregator aggregator = settings.aggregator();
        if (event instanceof ClickEvent click) {
            merges.rememberClick(profileId, profile, click);
            aggregator.apply(profile, click, now);
        } else if (event instanceof PurchaseEvent purchase) {
            aggregator.apply(profile, purchase, now);
        } else if (event instanceof EmailEvent email) {
            aggregator.apply(profile, email, now);
        } else if (event instanceof CustomerTraits traits) {
            aggregator.apply(profile, traits, now);
        } else if (event instanceof ProfileMerge merge) {
            merges.mergeIn(profile, merge, record, now);
        }
        seenEvents.put(dedupKey, eventTime, eventTime);
        profiles.put(profileId, profile);
        context.forward(event instanceof ProfileMerge
            ? record.withValue(profile).withHeaders(ProfileMerges.causedByMerge(record.headers()))
            : record.withValue(profile));
        metrics.event(topic, Outcome.APPLIED);
    }

    private boolean seenBefore(final String dedupKey, final long eventTime) {
        try (WindowStoreIterator<Long> hits = seenEvents.fetch(dedupKey,
            Instant.ofEpochMilli(Math.max(0, eventTime - dedupRetentionMs)),
            Instant.ofEpochMilli(saturatedAdd(eventTime, dedupRetentionMs)))) {
            return hits.hasNext();
        }
    }

    private void erase(final String customerId, final Record<String, SpecificRecord> record) {
        merges.unlinkAll(customerId, ((ErasureRequest) record.value()).getRequestId(), record);
        final String prefix = customerId + KEY_SEPARATOR;
        final List<KeyValue<Windowed<String>, Long>> remembered = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, Long> entries = seenEvents.fetch(
            prefix, prefix + Character.MAX_VALUE, Instant.EPOCH, Instant.ofEpochMilli(Long.MAX_VALUE))) {
            entries.forEachRemaining(remembered::add);
        }
        for (final KeyValue<Windowed<String>, Long> entry : remembered) {
            if (entry.key.key().startsWith(prefix)) {
                seenEvents.put(entry.key.key(), null, entry.key.window().start());
            }
        }
        profiles.delete(customerId);
        context.forward(new Record<String, CustomerProfile>(customerId, null, record.timestamp(), record.headers()));
        metrics.event(settings.topics().erasure(), Outcome.ERASED);
    }

    private String topicOf(final SpecificRecord event) {
        final Topics topics = settings.topics();
        if (event instanceof ClickEvent) {
            return topics.clickstream();
        }
        if (event instanceof PurchaseEvent) {
            return topics.purchases();
        }
        if (event instanceof EmailEvent) {
            return topics.email();
        }
        if (event instanceof CustomerTraits) {
            return topics.customerTraits();
        }
        if (event instanceof ProfileMerge) {
            return Topics.PROFILE_EVENTS;
        }
        throw new IllegalArgumentException("Unsupported event type " + event.getClass().getSimpleName() + ".");
    }

    private static String eventIdOf(final SpecificRecord event) {
        if (event instanceof ClickEvent click) {
            return click.getEventId();
        }
        if (event instanceof PurchaseEvent purchase) {
            return purchase.getEventId();
        }
        if (event instanceof CustomerTraits traits) {
            return traits.getEventId() != null
                ? traits.getEventId()
                : "traits@" + traits.getUpdatedAt().toEpochMilli();
        }
        if (event instanceof ProfileMerge merge) {
            return ProfileMerges.mergeId(merge);
        }
        return ((EmailEvent) event).getEventId();
    }

    private static long saturatedAdd(final long a, final long b) {
        final long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
