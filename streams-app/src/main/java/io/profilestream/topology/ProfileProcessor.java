package io.profilestream.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.domain.Evaluators;
import io.profilestream.domain.MembershipChange;
import io.profilestream.domain.ProfileAggregator;
import io.profilestream.domain.ProfileEvaluator;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.CustomerTraits;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.ErasureRequest;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.internal.MergeRequest;
import io.profilestream.internal.ProfileMerge;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.metrics.EngineMetrics.Outcome;
import io.profilestream.profile.ChangeKind;
import io.profilestream.profile.ChangeType;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.GammaGammaParameters;
import io.profilestream.models.ModelTimeUnit;
import io.profilestream.models.RfmBreakpoints;
import io.profilestream.models.RfmSketch;
import io.profilestream.profile.ModelParameters;
import io.profilestream.profile.Transactions;
import io.profilestream.profile.SegmentChange;
import io.profilestream.profile.SegmentDefinition;
import io.profilestream.segments.SegmentCatalogue;
import io.profilestream.segments.SegmentEvaluation;
import io.profilestream.segments.SegmentEvaluator;
import io.profilestream.config.Topics;
import io.profilestream.config.EngineSettings;

/**
 * Keeps one profile per profile id.
 * Per event: drop duplicates, apply the event with the {@link ProfileAggregator}, re-evaluate scores and stage,
 * store, emit the profile to {@code profile-updates} and every membership change to {@code segment-changes}.
 * A punctuator re-evaluates the profiles whose re-evaluation time has come, found by a range scan of the
 * {@code reevaluation-schedule-store}, in bounded batches: its cost grows with the due profiles, not all profiles.
 * An erasure request deletes the profile, its remembered event ids and its schedule entry, exits every membership
 * and emits a tombstone.
 * Identity resolution adds merge requests and merges, handled by {@link ProfileMerges}; besides profiles and
 * changes the processor then emits merges (for {@code profile-events}), identity commands and identity events.
 */
final class ProfileProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    /** Separates the profile id from the event id in dedup keys; ids never contain it. */
    static final char KEY_SEPARATOR = '\u0000';
    private static final byte[] EMPTY = new byte[0];
    private static final double MILLIS_PER_DAY = 86_400_000.0;
    private static final long PARAMETERS_CHECK_INTERVAL_MS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(ProfileProcessor.class);

    private final EngineSettings settings;
    private final EngineMetrics metrics;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, CustomerProfile> profiles;
    private DedupWindow seenEvents;
    private KeyValueStore<Bytes, byte[]> schedule;
    private KeyValueStore<String, ModelParameters> modelParameters;
    private ProfileEvaluator evaluator;
    private ModelParameters publishedBgNbd;
    private ModelParameters publishedGammaGamma;
    private RfmBreakpoints rfm = RfmBreakpoints.DEFAULT_FIXED;
    private KeyValueStore<String, SegmentDefinition> definitions;
    private KeyValueStore<String, byte[]> members;
    private KeyValueStore<String, String> backfills;
    private SegmentCatalogue catalogue;
    private SegmentEvaluator segmentEvaluator;
    private long catalogueCheckedAtMs = -PARAMETERS_CHECK_INTERVAL_MS;
    private long parametersCheckedAtMs = -PARAMETERS_CHECK_INTERVAL_MS;
    private ProfileMerges merges;
    /**
     * Every schedule entry due before this time has been deleted by an earlier punctuation, so scans start here:
     * from the first key they would walk over RocksDB's tombstones of every entry ever processed (measured as half of
     * the engine's time in an event-time replay). Kept in memory; after a restart the first scan starts at zero.
     */
    private long scheduleFloorMs;
    /** Whether a backfill may be running; cleared when a step finds none, set when one starts. */
    private boolean backfillsPending = true;

    ProfileProcessor(final EngineSettings settings, final EngineMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(final ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.profiles = context.getStateStore(Stores.PROFILES);
        this.seenEvents = new DedupWindow(context.getStateStore(Stores.EVENT_DEDUP), settings.dedupRetentionMs());
        this.schedule = context.getStateStore(Stores.REEVALUATION_SCHEDULE);
        this.modelParameters = context.getStateStore(Stores.MODEL_PARAMETERS);
        this.evaluator = settings.evaluators().defaults();
        this.definitions = context.getStateStore(Stores.SEGMENT_DEFINITIONS);
        this.members = context.getStateStore(Stores.SEGMENT_MEMBERS);
        this.backfills = context.getStateStore(Stores.SEGMENT_BACKFILL);
        this.catalogue = SegmentCatalogue.empty(settings.segmentCompiler());
        this.segmentEvaluator = new SegmentEvaluator(metrics::segmentRuleFailed);
        countMembers(1);
        this.merges = new ProfileMerges(settings, metrics, context);
        context.schedule(settings.reevaluationInterval(),
            settings.eventTime() ? PunctuationType.STREAM_TIME : PunctuationType.WALL_CLOCK_TIME,
            this::reevaluateDue);
        context.schedule(settings.rfmRefreshInterval(), PunctuationType.WALL_CLOCK_TIME, this::refreshRfm);
    }

    @Override
    public void close() {
        try {
            countMembers(-1);
        } catch (final InvalidStateStoreException e) {
            // A task closed after a failure may have lost its stores; the gauges then keep its last counts.
            LOG.debug("The segment members of a closing task could not be counted.", e);
        }
    }

    /** Adds (or, when the task leaves this thread, removes) this task's members to the segment size gauges. */
    private void countMembers(final int sign) {
        try (KeyValueIterator<String, byte[]> all = members.all()) {
            while (all.hasNext()) {
                final String key = all.next().key;
                metrics.segmentSize(key.substring(0, key.indexOf(KEY_SEPARATOR)), sign);
            }
        }
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
            // The anonymous profile leaves: its stage and memberships exit before it moves into the customer's.
            final CustomerProfile leaving = profiles.get(profileId);
            if (leaving != null) {
                if (leaving.getReevaluateAt() != null) {
                    schedule.delete(ReevaluationSchedule.key(leaving.getReevaluateAt(), profileId));
                }
                exitEverything(leaving, SegmentChanges.CAUSE_MERGE, record.timestamp());
            }
            merges.moveOut(profileId, request, record);
            return;
        }
        final String topic = topicOf(event);
        final String eventId = eventIdOf(event);
        final long eventTime = record.timestamp();
        // Clicks were deduplicated by the identity resolver, by their own anonymous id, before they were routed here.
        final boolean deduplicate = !(event instanceof ClickEvent);
        if (deduplicate && seenEvents.seenBefore(profileId, eventId, eventTime)) {
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
        if (deduplicate) {
            seenEvents.remember(profileId, eventId, eventTime);
        }
        final List<MembershipChange> changes = evaluate(profile, now);
        if (event instanceof ProfileMerge) {
            publish(profile, previousDue, changes, SegmentChanges.CAUSE_MERGE, Instant.ofEpochMilli(eventTime),
                ProfileMerges.causedByMerge(record.headers()));
        } else {
            publish(profile, previousDue, changes, eventId, Instant.ofEpochMilli(eventTime), new RecordHeaders());
        }
        metrics.event(topic, Outcome.APPLIED);
    }

    /**
     * Scores, stage and segment memberships of a profile as of now; returns what entered and exited.
     * The profile is due again when its stage or a rule's answer can next change with time alone, whichever is first.
     */
    private List<MembershipChange> evaluate(final CustomerProfile profile, final Instant now) {
        final List<MembershipChange> changes = new ArrayList<>(evaluator().evaluate(profile, now));
        final SegmentCatalogue current = catalogue();
        final SegmentEvaluation segments = segmentEvaluator.evaluate(current, profile, now);
        segments.applyTo(profile);
        changes.addAll(segments.changes());
        dueBy(profile, current.nextTimeChange(profile, now, settings.timeRuleInterval()));
        return changes;
    }

    /** Brings the profile's re-evaluation time forward to {@code due} when that is earlier (or it has none). */
    private static void dueBy(final CustomerProfile profile, final Instant due) {
        if (due != null && (profile.getReevaluateAt() == null || due.isBefore(profile.getReevaluateAt()))) {
            profile.setReevaluateAt(due);
        }
    }

    /**
     * The compiled catalogue, re-read from the global store at most once a second.
     * A definition whose version differs from the one last filled (recorded in the backfill store, so this
     * survives restarts) starts a backfill over this task's profiles; a deleted one starts one that exits its
     * members.
     */
    private SegmentCatalogue catalogue() {
        final long now = context.currentSystemTimeMs();
        if (now - catalogueCheckedAtMs < PARAMETERS_CHECK_INTERVAL_MS) {
            return catalogue;
        }
        catalogueCheckedAtMs = now;
        final Map<String, SegmentDefinition> latest = new HashMap<>();
        try (KeyValueIterator<String, SegmentDefinition> all = definitions.all()) {
            all.forEachRemaining(entry -> latest.put(entry.key, entry.value));
        }
        final SegmentCatalogue updated = catalogue.withDefinitions(latest.values());
        if (updated == catalogue) {
            return catalogue;
        }
        catalogue = updated;
        final long total = profiles.approximateNumEntries();
        for (final SegmentDefinition definition : latest.values()) {
            final String recorded = backfills.get(definition.getId());
            if (recorded == null || Backfill.parse(recorded).version() != definition.getVersion()) {
                backfills.put(definition.getId(), Backfill.start(definition.getVersion(), total).format());
                backfillsPending = true;
            }
        }
        try (KeyValueIterator<String, String> all = backfills.all()) {
            while (all.hasNext()) {
                final var entry = all.next();
                if (!latest.containsKey(entry.key) && Backfill.parse(entry.value).version() != Backfill.DELETED) {
                    backfills.put(entry.key, Backfill.start(Backfill.DELETED, total).format());
                    backfillsPending = true;
                }
            }
        }
        return catalogue;
    }

    /**
     * One bounded step of every running backfill: evaluates the definition over the next profiles after the cursor.
     */
    private void backfillStep(final Instant now) {
        final SegmentCatalogue current = catalogue();
        if (!backfillsPending) {
            return;
        }
        final List<String> running = new ArrayList<>();
        try (KeyValueIterator<String, String> all = backfills.all()) {
            all.forEachRemaining(entry -> {
                if (Backfill.parse(entry.value).state() == Backfill.State.RUNNING) {
                    running.add(entry.key);
                }
            });
        }
        backfillsPending = !running.isEmpty();
        for (final String definitionId : running) {
            final Backfill backfill = Backfill.parse(backfills.get(definitionId));
            final List<CustomerProfile> batch = new ArrayList<>();
            boolean finished = true;
            try (KeyValueIterator<String, CustomerProfile> next = backfill.cursor().isEmpty()
                ? profiles.all()
                : profiles.range(backfill.cursor() + KEY_SEPARATOR, null)) {
                while (next.hasNext()) {
                    if (batch.size() == settings.reevaluationBatchSize()) {
                        finished = false;
                        break;
                    }
                    batch.add(next.next().value);
                }
            }
            for (final CustomerProfile profile : batch) {
                final SegmentEvaluation evaluation = segmentEvaluator.evaluateDefinition(current, definitionId,
                    profile, now);
                // A new time-dependent rule may be due before the profile's current re-evaluation time.
                final Instant previousDue = profile.getReevaluateAt();
                dueBy(profile, current.nextTimeChange(definitionId, profile, now, settings.timeRuleInterval()));
                if (evaluation.changed() || !Objects.equals(previousDue, profile.getReevaluateAt())) {
                    evaluation.applyTo(profile);
                    publish(profile, previousDue, evaluation.changes(), SegmentChanges.CAUSE_BACKFILL, now,
                        new RecordHeaders());
                }
            }
            final String last = batch.isEmpty() ? backfill.cursor() : batch.get(batch.size() - 1).getProfileId();
            final Backfill progressed = backfill.advance(batch.size(), last, finished);
            if (finished && backfill.version() == Backfill.DELETED) {
                backfills.delete(definitionId);
            } else {
                backfills.put(definitionId, progressed.format());
            }
            metrics.backfilled(batch.size());
        }
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
                         final Instant eventTime,
                         final Headers headers) {
        final String profileId = profile.getProfileId();
        final Instant due = profile.getReevaluateAt();
        if (previousDue != null && !previousDue.equals(due)) {
            schedule.delete(ReevaluationSchedule.key(previousDue, profileId));
        }
        if (due != null && !due.equals(previousDue)) {
            schedule.put(ReevaluationSchedule.key(due, profileId), EMPTY);
            scheduleFloorMs = Math.max(0, Math.min(scheduleFloorMs, due.toEpochMilli()));
        }
        profiles.put(profileId, profile);
        final long timestamp = eventTime.toEpochMilli();
        context.forward(new Record<String, SpecificRecord>(profileId, profile, timestamp, headers));
        if (!changes.isEmpty()) {
            final Instant emittedAt = Instant.ofEpochMilli(context.currentSystemTimeMs());
            for (final MembershipChange change : changes) {
                recordMembership(profileId, change);
                final SegmentChange segmentChange = SegmentChanges.of(profile, change, cause, eventTime, emittedAt);
                context.forward(new Record<String, SpecificRecord>(profileId, segmentChange, timestamp));
                metrics.membershipChange(change);
            }
        }
    }

    /** Keeps the members index and the size gauges in step with segment and persona changes. */
    private void recordMembership(final String profileId, final MembershipChange change) {
        if (change.kind() == ChangeKind.LIFECYCLE) {
            return;
        }
        final String key = change.id() + KEY_SEPARATOR + profileId;
        if (change.change() == ChangeType.ENTERED) {
            members.put(key, EMPTY);
            metrics.segmentSize(change.id(), 1);
        } else {
            members.delete(key);
            metrics.segmentSize(change.id(), -1);
        }
    }

    /**
     * Re-evaluates, in one bounded batch, the profiles whose re-evaluation time is at or before {@code nowMs}.
     */
    private void reevaluateDue(final long nowMs) {
        final List<Bytes> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> entries = schedule.range(
            ReevaluationSchedule.lowerBound(scheduleFloorMs), ReevaluationSchedule.upperBound(nowMs))) {
            while (entries.hasNext() && due.size() < settings.reevaluationBatchSize()) {
                due.add(entries.next().key);
            }
        }
        // Entries re-scheduled below lower the floor again in publish.
        scheduleFloorMs = Math.max(scheduleFloorMs, due.size() < settings.reevaluationBatchSize()
            ? nowMs + 1
            : ReevaluationSchedule.due(due.get(due.size() - 1)));
        final Instant now = Instant.ofEpochMilli(nowMs);
        for (final Bytes key : due) {
            schedule.delete(key);
            final String profileId = ReevaluationSchedule.profileId(key);
            final CustomerProfile profile = profiles.get(profileId);
            if (profile == null || profile.getReevaluateAt() == null
                || profile.getReevaluateAt().toEpochMilli() != ReevaluationSchedule.due(key)) {
                continue;
            }
            final List<MembershipChange> changes = evaluate(profile, now);
            // The entry just deleted no longer exists, so publish must not try to delete it again.
            publish(profile, null, changes, SegmentChanges.CAUSE_TIME, now, new RecordHeaders());
        }
        metrics.reevaluated(due.size());
        backfillStep(now);
    }

    /**
     * The evaluator for the latest published model parameters and RFM breakpoints, looked up at most once a second;
     * the configured defaults until a fit is published. Parameters that cannot be used are logged and ignored.
     */
    private ProfileEvaluator evaluator() {
        final long now = context.currentSystemTimeMs();
        if (now - parametersCheckedAtMs < PARAMETERS_CHECK_INTERVAL_MS) {
            return evaluator;
        }
        parametersCheckedAtMs = now;
        final ModelParameters bgNbd = modelParameters.get(BgNbdParameters.MODEL_NAME);
        final ModelParameters gammaGamma = modelParameters.get(GammaGammaParameters.MODEL_NAME);
        if (!Objects.equals(bgNbd, publishedBgNbd) || !Objects.equals(gammaGamma, publishedGammaGamma)) {
            publishedBgNbd = bgNbd;
            publishedGammaGamma = gammaGamma;
            rebuildEvaluator();
        }
        return evaluator;
    }

    private void rebuildEvaluator() {
        final Evaluators evaluators = settings.evaluators();
        BgNbdParameters bgNbd = evaluators.defaultBgNbd();
        GammaGammaParameters gammaGamma = evaluators.defaultGammaGamma();
        try {
            if (publishedBgNbd != null) {
                bgNbd = evaluators.inEngineUnit(BgNbdParameters.fromMap(publishedBgNbd.getParameters()),
                    ModelTimeUnit.parse(publishedBgNbd.getTimeUnit()));
                LOG.info("Scoring with the BG/NBD parameters fitted at {}.", publishedBgNbd.getFittedAt());
            }
            if (publishedGammaGamma != null) {
                gammaGamma = GammaGammaParameters.fromMap(publishedGammaGamma.getParameters());
                LOG.info("Scoring with the Gamma-Gamma parameters fitted at {}.", publishedGammaGamma.getFittedAt());
            }
        } catch (final IllegalArgumentException e) {
            LOG.warn("Ignoring published model parameters that cannot be used: {}", e.getMessage());
        }
        evaluator = evaluators.evaluator(bgNbd, gammaGamma, rfm);
    }

    /**
     * Recomputes the RFM quintile breakpoints from this task's profiles; profiles pick them up when next scored.
     */
    private void refreshRfm(final long nowMs) {
        final RfmSketch sketch = new RfmSketch();
        try (KeyValueIterator<String, CustomerProfile> all = profiles.all()) {
            while (all.hasNext()) {
                final CustomerProfile profile = all.next().value;
                final Transactions tx = profile.getTransactions();
                if (tx.getOrders() > 0 && tx.getLastPurchaseAt() != null) {
                    sketch.update((nowMs - tx.getLastPurchaseAt().toEpochMilli()) / MILLIS_PER_DAY, tx.getOrders(),
                        Math.max(0, tx.getRevenueMinor()));
                }
            }
        }
        rfm = sketch.freeze(settings.rfmMinPopulation(), RfmBreakpoints.DEFAULT_FIXED);
        rebuildEvaluator();
    }

    private void erase(final String customerId, final Record<String, SpecificRecord> record) {
        merges.unlinkAll(customerId, ((ErasureRequest) record.value()).getRequestId(), record);
        seenEvents.removeAll(customerId);
        final CustomerProfile profile = profiles.delete(customerId);
        if (profile != null) {
            if (profile.getReevaluateAt() != null) {
                schedule.delete(ReevaluationSchedule.key(profile.getReevaluateAt(), customerId));
            }
            exitEverything(profile, ((ErasureRequest) record.value()).getRequestId(), record.timestamp());
        }
        context.forward(new Record<String, SpecificRecord>(customerId, null, record.timestamp(), record.headers()));
        metrics.event(settings.topics().erasure(), Outcome.ERASED);
    }

    /** Emits EXITED for the lifecycle stage, the persona and every segment of an erased profile. */
    private void exitEverything(final CustomerProfile profile, final String cause, final long timestamp) {
        final List<MembershipChange> exits = new ArrayList<>();
        if (profile.getLifecycleStage() != null) {
            exits.add(MembershipChange.exited(ChangeKind.LIFECYCLE, profile.getLifecycleStage().name(), 0));
        }
        if (profile.getPersona() != null) {
            exits.add(MembershipChange.exited(ChangeKind.PERSONA, profile.getPersona(),
                versionOf(profile.getPersona())));
        }
        for (final String segment : profile.getSegments()) {
            exits.add(MembershipChange.exited(ChangeKind.SEGMENT, segment, versionOf(segment)));
        }
        final Instant time = Instant.ofEpochMilli(timestamp);
        final Instant emittedAt = Instant.ofEpochMilli(context.currentSystemTimeMs());
        for (final MembershipChange exit : exits) {
            recordMembership(profile.getProfileId(), exit);
            context.forward(new Record<String, SpecificRecord>(profile.getProfileId(),
                SegmentChanges.of(profile, exit, cause, time, emittedAt), timestamp));
            metrics.membershipChange(exit);
        }
    }

    private long versionOf(final String definitionId) {
        return catalogue().version(definitionId).orElse(0L);
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
}
