package io.profilestream.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.config.ConfigException;
import io.profilestream.domain.MembershipChange;
import io.profilestream.domain.ProfileAggregator;
import io.profilestream.domain.ProfileEvaluator;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.ErasureRequest;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.metrics.EngineMetrics.Outcome;
import io.profilestream.profile.ChangeKind;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.ModelParameters;
import io.profilestream.profile.SegmentChange;

/**
 * Keeps one profile per profile id.
 * Per event: drop duplicates, apply the event with the {@link ProfileAggregator}, re-evaluate scores and stage,
 * store, emit the profile to {@code profile-updates} and every membership change to {@code segment-changes}.
 * A punctuator re-evaluates the profiles whose re-evaluation time has come, found by a range scan of the
 * {@code reevaluation-schedule-store}, in bounded batches: its cost grows with the due profiles, not all profiles.
 * An erasure request deletes the profile, its remembered event ids and its schedule entry, exits every membership
 * and emits a tombstone.
 */
final class ProfileProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    /** Separates the profile id from the event id in dedup keys; ids never contain it. */
    static final char KEY_SEPARATOR = '\u0000';
    private static final byte[] EMPTY = new byte[0];
    /** Key of the BG/NBD parameters in {@code model-parameters}. */
    static final String BGNBD = "bgnbd";
    private static final long PARAMETERS_CHECK_INTERVAL_MS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(ProfileProcessor.class);

    private final EngineSettings settings;
    private final EngineMetrics metrics;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, CustomerProfile> profiles;
    private WindowStore<String, Long> seenEvents;
    private KeyValueStore<Bytes, byte[]> schedule;
    private KeyValueStore<String, ModelParameters> modelParameters;
    private ProfileEvaluator evaluator;
    private ModelParameters activeParameters;
    private long parametersCheckedAtMs = -PARAMETERS_CHECK_INTERVAL_MS;

    ProfileProcessor(final EngineSettings settings, final EngineMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(final ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.profiles = context.getStateStore(Stores.PROFILES);
        this.seenEvents = context.getStateStore(Stores.EVENT_DEDUP);
        this.schedule = context.getStateStore(Stores.REEVALUATION_SCHEDULE);
        this.modelParameters = context.getStateStore(Stores.MODEL_PARAMETERS);
        this.evaluator = settings.evaluators().defaults();
        context.schedule(settings.reevaluationInterval(),
            settings.eventTime() ? PunctuationType.STREAM_TIME : PunctuationType.WALL_CLOCK_TIME,
            this::reevaluateDue);
    }

    @Override
    public void process(final Record<String, SpecificRecord> record) {
        final String profileId = record.key();
        final SpecificRecord event = record.value();
        if (event instanceof ErasureRequest) {
            erase(profileId, record);
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
        final Instant previousDue = profile == null ? null : profile.getReevaluateAt();
        if (profile == null) {
            profile = ProfileAggregator.newProfile(profileId);
        }
        final Instant now = now(eventTime);
        final ProfileAggregator aggregator = settings.aggregator();
        if (event instanceof ClickEvent click) {
            aggregator.apply(profile, click, now);
        } else if (event instanceof PurchaseEvent purchase) {
            aggregator.apply(profile, purchase, now);
        } else if (event instanceof EmailEvent email) {
            aggregator.apply(profile, email, now);
        }
        seenEvents.put(dedupKey, eventTime, eventTime);
        final List<MembershipChange> changes = evaluator().evaluate(profile, now);
        publish(profile, previousDue, changes, eventId, Instant.ofEpochMilli(eventTime));
        metrics.event(topic, Outcome.APPLIED);
    }

    /**
     * Engine time: the wall clock, or in event-time mode the highest event time seen (never behind this event).
     */
    private Instant now(final long eventTime) {
        if (settings.eventTime()) {
            return Instant.ofEpochMilli(Math.max(context.currentStreamTimeMs(), eventTime));
        }
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    private void publish(final CustomerProfile profile,
                         final Instant previousDue,
                         final List<MembershipChange> changes,
                         final String cause,
                         final Instant eventTime) {
        final String profileId = profile.getProfileId();
        final Instant due = profile.getReevaluateAt();
        if (previousDue != null && !previousDue.equals(due)) {
            schedule.delete(ReevaluationSchedule.key(previousDue, profileId));
        }
        if (due != null && !due.equals(previousDue)) {
            schedule.put(ReevaluationSchedule.key(due, profileId), EMPTY);
        }
        profiles.put(profileId, profile);
        final long timestamp = eventTime.toEpochMilli();
        context.forward(new Record<String, SpecificRecord>(profileId, profile, timestamp),
            ProfileTopology.PROFILE_UPDATES_SINK);
        if (!changes.isEmpty()) {
            final Instant emittedAt = Instant.ofEpochMilli(context.currentSystemTimeMs());
            for (final MembershipChange change : changes) {
                final SegmentChange segmentChange = SegmentChanges.of(profile, change, cause, eventTime, emittedAt);
                context.forward(new Record<String, SpecificRecord>(profileId, segmentChange, timestamp),
                    ProfileTopology.SEGMENT_CHANGES_SINK);
                metrics.membershipChange(change);
            }
        }
    }

    /**
     * Re-evaluates, in one bounded batch, the profiles whose re-evaluation time is at or before {@code nowMs}.
     */
    private void reevaluateDue(final long nowMs) {
        final List<Bytes> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> entries = schedule.range(ReevaluationSchedule.lowerBound(),
            ReevaluationSchedule.upperBound(nowMs))) {
            while (entries.hasNext() && due.size() < settings.reevaluationBatchSize()) {
                due.add(entries.next().key);
            }
        }
        final Instant now = Instant.ofEpochMilli(nowMs);
        for (final Bytes key : due) {
            schedule.delete(key);
            final String profileId = ReevaluationSchedule.profileId(key);
            final CustomerProfile profile = profiles.get(profileId);
            if (profile == null || profile.getReevaluateAt() == null
                || profile.getReevaluateAt().toEpochMilli() != ReevaluationSchedule.due(key)) {
                continue;
            }
            final List<MembershipChange> changes = evaluator().evaluate(profile, now);
            // The entry just deleted no longer exists, so publish must not try to delete it again.
            publish(profile, null, changes, SegmentChanges.CAUSE_TIME, now);
        }
        metrics.reevaluated(due.size());
    }

    /**
     * The evaluator for the latest published BG/NBD parameters, looked up at most once a second; the configured
     * defaults until a fit is published. Parameters that cannot be used are logged once and ignored.
     */
    private ProfileEvaluator evaluator() {
        final long now = context.currentSystemTimeMs();
        if (now - parametersCheckedAtMs < PARAMETERS_CHECK_INTERVAL_MS) {
            return evaluator;
        }
        parametersCheckedAtMs = now;
        final ModelParameters published = modelParameters.get(BGNBD);
        if (published != null && !published.equals(activeParameters)) {
            activeParameters = published;
            try {
                evaluator = settings.evaluators().forBgNbd(published.getParameters(), published.getTimeUnit());
                LOG.info("Scoring with the BG/NBD parameters fitted at {}.", published.getFittedAt());
            } catch (final IllegalArgumentException | ConfigException e) {
                LOG.warn("Ignoring the published BG/NBD parameters fitted at {}: {}", published.getFittedAt(),
                    e.getMessage());
            }
        }
        return evaluator;
    }

    private boolean seenBefore(final String dedupKey, final long eventTime) {
        final long retention = settings.dedupRetentionMs();
        try (WindowStoreIterator<Long> hits = seenEvents.fetch(dedupKey,
            Instant.ofEpochMilli(Math.max(0, eventTime - retention)),
            Instant.ofEpochMilli(saturatedAdd(eventTime, retention)))) {
            return hits.hasNext();
        }
    }

    private void erase(final String customerId, final Record<String, SpecificRecord> record) {
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
        final CustomerProfile profile = profiles.delete(customerId);
        if (profile != null) {
            if (profile.getReevaluateAt() != null) {
                schedule.delete(ReevaluationSchedule.key(profile.getReevaluateAt(), customerId));
            }
            exitEverything(profile, ((ErasureRequest) record.value()).getRequestId(), record.timestamp());
        }
        context.forward(new Record<String, SpecificRecord>(customerId, null, record.timestamp(), record.headers()),
            ProfileTopology.PROFILE_UPDATES_SINK);
        metrics.event(settings.topics().erasure(), Outcome.ERASED);
    }

    /** Emits EXITED for the lifecycle stage, the persona and every segment of an erased profile. */
    private void exitEverything(final CustomerProfile profile, final String cause, final long timestamp) {
        final List<MembershipChange> exits = new ArrayList<>();
        if (profile.getLifecycleStage() != null) {
            exits.add(MembershipChange.exited(ChangeKind.LIFECYCLE, profile.getLifecycleStage().name(), 0));
        }
        if (profile.getPersona() != null) {
            exits.add(MembershipChange.exited(ChangeKind.PERSONA, profile.getPersona(), 0));
        }
        for (final String segment : profile.getSegments()) {
            exits.add(MembershipChange.exited(ChangeKind.SEGMENT, segment, 0));
        }
        final Instant time = Instant.ofEpochMilli(timestamp);
        final Instant emittedAt = Instant.ofEpochMilli(context.currentSystemTimeMs());
        for (final MembershipChange exit : exits) {
            context.forward(new Record<String, SpecificRecord>(profile.getProfileId(),
                SegmentChanges.of(profile, exit, cause, time, emittedAt), timestamp),
                ProfileTopology.SEGMENT_CHANGES_SINK);
            metrics.membershipChange(exit);
        }
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
        throw new IllegalArgumentException("Unsupported event type " + event.getClass().getSimpleName() + ".");
    }

    private static String eventIdOf(final SpecificRecord event) {
        if (event instanceof ClickEvent click) {
            return click.getEventId();
        }
        if (event instanceof PurchaseEvent purchase) {
            return purchase.getEventId();
        }
        return ((EmailEvent) event).getEventId();
    }

    private static long saturatedAdd(final long a, final long b) {
        final long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
