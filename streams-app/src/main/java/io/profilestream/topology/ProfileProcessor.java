package io.profilestream.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.config.EngineSettings;
import io.profilestream.domain.CoPurchase;
import io.profilestream.domain.EventKind;
import io.profilestream.domain.Holdout;
import io.profilestream.domain.MembershipChange;
import io.profilestream.domain.ProfileAggregator;
import io.profilestream.domain.ProfileEvaluator;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.ErasureRequest;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.internal.MergeRequest;
import io.profilestream.internal.ProfileMerge;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.metrics.EngineMetrics.Outcome;
import io.profilestream.profile.ChangeKind;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.segments.SegmentCatalogue;
import io.profilestream.segments.SegmentEvaluation;
import io.profilestream.segments.SegmentEvaluator;

/**
 * Keeps one profile per profile id.
 * Per event: drop duplicates, apply the event with the {@link ProfileAggregator}, re-evaluate scores, stage and
 * segments, store, and forward every membership change to {@code segment-changes}.
 * Changed profiles are kept decoded and reach the store, its changelog and {@code profile-updates} once per commit
 * ({@link WriteBackStore}, {@link ProfileUpdates}).
 * A punctuator re-evaluates the profiles whose re-evaluation time has come ({@link ReevaluationSchedule}) and steps
 * the running segment backfills ({@link CatalogueBackfills}) and trait recomputations ({@link TraitCatalogue}), in
 * bounded batches.
 * Computed traits are recomputed from the profile's retained custom events before its segments are evaluated, so rules
 * can read them.
 * An erasure request deletes the profile, its remembered event ids and its schedule entry, exits every membership
 * and emits a tombstone.
 * Merge requests and merges are identity resolution's part here, handled by {@link ProfileMerges}.
 * An order is also counted into the task's co-purchase rows ({@link CoPurchaseCounts}), which a punctuator publishes,
 * and the customer's next categories are ranked again.
 * Each output goes to its own sink, named in {@link Outputs}.
 */
final class ProfileProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(ProfileProcessor.class);
    /**
     * Top-level profile fields every evaluation recomputes as of now: scores and stage, computed traits (their windows
     * move with time), recommendations. A rule that reads one of them is evaluated every time.
     */
    private static final Set<String> EVALUATED = Set.of("scores", "lifecycleStage", "lifecycleSince",
        "computedTraits", "recommendations");
    /** Per kind of event: the fields applying it and evaluating the profile can change; no entry when any can. */
    private static final Map<EventKind, Set<String>> CHANGED_BY = changedBy();

    private final EngineSettings settings;
    private final EngineMetrics metrics;
    private final UnaryOperator<byte[]> profileUpdate;
    private ProcessorContext<String, SpecificRecord> context;
    private CommitPacer commits;
    private WriteBackStore<CustomerProfile> profiles;
    private DedupWindow seenEvents;
    private ReevaluationSchedule schedule;
    private ScoringModels models;
    private CatalogueBackfills catalogue;
    private SegmentMembers members;
    private SegmentEvaluator segmentEvaluator;
    private ProfileMerges merges;
    private TraitCatalogue traits;
    private CoPurchaseCounts coPurchase;

    /**
     * @param profileUpdate the {@code profile-updates} value of a profile's stored bytes
     */
    ProfileProcessor(final EngineSettings settings,
                     final EngineMetrics metrics,
                     final UnaryOperator<byte[]> profileUpdate) {
        this.settings = settings;
        this.metrics = metrics;
        this.profileUpdate = profileUpdate;
    }

    @Override
    public void init(final ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.commits = new CommitPacer(context, settings.commitMinIntervalMs(), settings.commitIntervalMs());
        final KeyValueStore<String, CustomerProfile> store = context.getStateStore(Stores.PROFILES);
        this.profiles = new WriteBackStore<>(store, settings.profileCacheSize(),
            WriteBackStore.RecordContexts.of(context));
        // Changed profiles reach the store (and so its changelog and profile-updates) once per commit.
        FlushHookStore.of(store).beforeFlush(profiles::writeBack);
        ProfileUpdates.publishOnFlush(context, store, profileUpdate);
        this.seenEvents = new DedupWindow(context.getStateStore(Stores.EVENT_DEDUP), settings.dedupRetentionMs(),
            context::currentSystemTimeMs);
        this.schedule = new ReevaluationSchedule(context.getStateStore(Stores.REEVALUATION_SCHEDULE),
            settings.reevaluationBatchSize());
        this.models = new ScoringModels(settings.evaluators(), settings.rfmMinPopulation(),
            context.getStateStore(Stores.MODEL_PARAMETERS), context::currentSystemTimeMs, settings.live());
        this.segmentEvaluator = new SegmentEvaluator(metrics::segmentRuleFailed);
        this.catalogue = new CatalogueBackfills(settings, context.getStateStore(Stores.SEGMENT_DEFINITIONS),
            context.getStateStore(Stores.SEGMENT_BACKFILL), store, segmentEvaluator, profiles::isEmpty,
            context::currentSystemTimeMs);
        this.members = new SegmentMembers(context.getStateStore(Stores.SEGMENT_MEMBERS), metrics);
        this.members.count(1);
        this.merges = new ProfileMerges(settings, metrics, context, profiles);
        this.traits = new TraitCatalogue(context.getStateStore(Stores.TRAIT_DEFINITIONS),
            context.getStateStore(Stores.TRAIT_BACKFILL), store, settings.aggregator().customEvents(),
            settings.reevaluationBatchSize(), profiles::isEmpty, context::currentSystemTimeMs);
        final CoPurchase.Limits limits = settings.live().coPurchase().limits();
        this.coPurchase = new CoPurchaseCounts(context.getStateStore(Stores.CO_PURCHASE_COUNTS), limits,
            context.taskId().partition());
        context.schedule(Duration.ofMillis(limits.publishIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
            nowMs -> coPurchase.publish(context, nowMs));
        // A due profile's own next event brings it up to date first (apply), so its time-driven changes come before
        // that event's whatever the punctuation's pace.
        EngineTimePunctuation.schedule(context, settings.reevaluationInterval(), settings.eventTime(),
            this::reevaluateDue);
        // Newly published parameters reach reads (LiveModels) within a second even while no event arrives.
        context.schedule(ScoringModels.CHECK_INTERVAL, PunctuationType.WALL_CLOCK_TIME, nowMs -> models.evaluator());
        // Recency is measured from the engine's now: in event-time mode the task's stream time, not the wall clock.
        context.schedule(settings.rfmRefreshInterval(), PunctuationType.WALL_CLOCK_TIME,
            nowMs -> models.refreshRfm(store, settings.eventTime() ? context.currentStreamTimeMs() : nowMs));
    }

    @Override
    public void close() {
        try {
            members.count(-1);
        } catch (final InvalidStateStoreException e) {
            // A task closed after a failure may have lost its stores; the gauges then keep its last counts.
            LOG.debug("The segment members of a closing task could not be counted.", e);
        }
    }

    @Override
    public void process(final Record<String, SpecificRecord> record) {
        commits.processing(record.timestamp());
        final EventKind kind = EventKind.of(record.value());
        try {
            switch (kind) {
                case ERASURE -> erase(record.key(), (ErasureRequest) record.value(), record);
                case MERGE_REQUEST -> moveOut(record.key(), (MergeRequest) record.value(), record);
                default -> apply(kind, record);
            }
        } catch (final RuntimeException e) {
            // A profile may have been changed half-way; the record goes to the dead-letter queue.
            forgetTouched();
            throw e;
        }
        profiles.recordDone();
    }

    private static Map<EventKind, Set<String>> changedBy() {
        final Map<EventKind, Set<String>> changed = new EnumMap<>(EventKind.class);
        for (final EventKind kind : EventKind.values()) {
            final Set<String> applied = ProfileAggregator.fieldsChangedBy(kind);
            if (applied != null) {
                final Set<String> all = new HashSet<>(applied);
                all.addAll(EVALUATED);
                changed.put(kind, Set.copyOf(all));
            }
        }
        return changed;
    }

    /** After a failure: profiles the failed record may have changed half-way are read again from the store. */
    private void forgetTouched() {
        final int keptAsLeft = profiles.forgetTouched().size();
        if (keptAsLeft > 0) {
            LOG.warn("Processing failed half-way through {} profile(s) already changed since the last commit; they "
                + "keep the state the failure left.", keptAsLeft);
        }
    }

    private void apply(final EventKind kind, final Record<String, SpecificRecord> record) {
        final String profileId = record.key();
        final SpecificRecord event = record.value();
        final String eventId = kind.eventId(event);
        final long eventTime = record.timestamp();
        // Clicks were deduplicated by the identity resolver, by their own anonymous id, before they were routed here.
        final boolean deduplicate = kind != EventKind.CLICK;
        if (deduplicate && seenEvents.seenBefore(profileId, eventId)) {
            metrics.event(settings.topics().of(kind), Outcome.DUPLICATE);
            return;
        }
        final CustomerProfile stored = profiles.get(profileId);
        if (kind == EventKind.MERGE && stored == null) {
            // The click that linked the customer reached this partition before the profile it moved, so the customer
            // was erased meanwhile: the moved profile must not bring the customer back.
            metrics.event(settings.topics().of(kind), Outcome.ERASED);
            return;
        }
        final Instant now = now(eventTime);
        if (stored != null && stored.getReevaluateAt() != null && !stored.getReevaluateAt().isAfter(now)) {
            reevaluateBeforeEvent(stored, now);
        }
        final Instant previousDue = stored == null ? null : stored.getReevaluateAt();
        final CustomerProfile profile = stored == null ? ProfileAggregator.newProfile(profileId) : stored;
        if (kind == EventKind.MERGE) {
            merges.mergeIn(profile, (ProfileMerge) event, record, now);
        } else {
            if (kind == EventKind.CLICK) {
                merges.rememberClick(profileId, profile, (ClickEvent) event);
            }
            final Set<String> earlier = kind == EventKind.PURCHASE ? earlierCategories(profile) : null;
            settings.aggregator().apply(profile, event, now);
            if (earlier != null && ((PurchaseEvent) event).getType() == PurchaseType.ORDER) {
                coPurchase.record(earlier, CoPurchase.categories((PurchaseEvent) event));
                settings.live().coPurchase().recommend(profile);
            }
        }
        if (deduplicate) {
            seenEvents.remember(profileId, eventId, eventTime);
        }
        final List<MembershipChange> changes = evaluate(profile, now,
            stored == null || kind == EventKind.MERGE ? null : CHANGED_BY.get(kind));
        publish(profile, previousDue, changes, kind == EventKind.MERGE ? SegmentChanges.CAUSE_MERGE : eventId,
            Instant.ofEpochMilli(eventTime));
        metrics.eventToOutput(eventTime, context.currentSystemTimeMs());
        metrics.event(settings.topics().of(kind), Outcome.APPLIED);
    }

    /**
     * A profile that fell due before the punctuator reached it is re-evaluated as the punctuator would have, before
     * the event that came first is applied: what time alone changed is published with its own cause and time.
     */
    private void reevaluateBeforeEvent(final CustomerProfile profile, final Instant now) {
        final Instant due = profile.getReevaluateAt();
        publish(profile, due, evaluate(profile, now, EVALUATED), SegmentChanges.CAUSE_TIME, due);
        metrics.reevaluatedBeforeEvent();
    }

    /** The categories of a customer's earlier orders (a profile written before categoryOrders existed has spend). */
    private static Set<String> earlierCategories(final CustomerProfile profile) {
        final Set<String> earlier = new HashSet<>(profile.getTransactions().getCategorySpendMinor().keySet());
        earlier.addAll(profile.getTransactions().getCategoryOrders().keySet());
        return earlier;
    }

    /** The anonymous profile leaves: its stage and memberships exit before it moves into the customer's. */
    private void moveOut(final String profileId,
                         final MergeRequest request,
                         final Record<String, SpecificRecord> record) {
        final CustomerProfile leaving = profiles.get(profileId);
        if (leaving != null) {
            schedule.remove(profileId, leaving.getReevaluateAt());
            exitEverything(leaving, SegmentChanges.CAUSE_MERGE, record.timestamp());
        }
        merges.moveOut(profileId, request, record);
        catalogue.forget(profileId);
    }

    /**
     * Scores, stage and segment memberships of a profile as of now; returns what entered and exited.
     * The profile is due again when its stage or a rule's answer can next change with time alone, whichever is first.
     *
     * @param changed the top-level profile fields changed since its memberships were last evaluated, besides those
     *                this evaluation recomputes ({@link #EVALUATED}); {@code null} when any may have changed
     */
    private List<MembershipChange> evaluate(final CustomerProfile profile,
                                            final Instant now,
                                            final Set<String> changed) {
        // The previous evaluation set this to its rules' earliest next time change (among others), so while it is
        // ahead no rule's time threshold has been crossed since.
        final Instant due = profile.getReevaluateAt();
        final boolean timeMoved = due != null && !due.isAfter(now);
        final ProfileEvaluator evaluator = models.evaluator();
        final List<MembershipChange> changes = new ArrayList<>(evaluator.evaluate(profile, now));
        traits.apply(profile, now);
        final SegmentCatalogue current = catalogue.catalogue();
        // Rules whose inputs did not change keep their answer, unless a backfill may not have given it to this
        // profile yet (a definition added or changed since).
        final SegmentEvaluation segments = segmentEvaluator.evaluate(current, profile, now,
            changed == null || catalogue.running() ? null : changed, timeMoved);
        metrics.segmentRules(segments.evaluated(), segments.skipped());
        segments.applyTo(profile);
        changes.addAll(segments.changes());
        ReevaluationSchedule.dueBy(profile,
            current.nextTimeChange(profile, now, settings.timeRuleInterval(), evaluator.scorer()));
        return changes;
    }

    /**
     * Engine time: the wall clock, or in event-time mode the highest event time seen (never behind this event).
     */
    private Instant now(final long eventTime) {
        if (settings.eventTime()) {
            final long now = Math.max(context.currentStreamTimeMs(), eventTime);
            settings.live().observe(now);
            return Instant.ofEpochMilli(now);
        }
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    private void publish(final CustomerProfile profile,
                         final Instant previousDue,
                         final List<MembershipChange> changes,
                         final String cause,
                         final Instant eventTime) {
        final String profileId = profile.getProfileId();
        schedule.reschedule(profileId, previousDue, profile.getReevaluateAt(),
            settings.eventTime() ? context.currentStreamTimeMs() : context.currentSystemTimeMs());
        // Published to profile-updates when the store's cache flushes: see ProfileUpdates.
        profiles.put(profileId, profile);
        forwardChanges(profile, changes, cause, eventTime);
    }

    /**
     * Records each change in the members index and forwards it to {@code segment-changes}, flagged when the profile is
     * in the definition's holdout.
     */
    private void forwardChanges(final CustomerProfile profile,
                                final List<MembershipChange> changes,
                                final String cause,
                                final Instant eventTime) {
        if (changes.isEmpty()) {
            return;
        }
        final Instant emittedAt = Instant.ofEpochMilli(context.currentSystemTimeMs());
        for (final MembershipChange change : changes) {
            members.record(profile, change, eventTime);
            final boolean holdout = change.kind() != ChangeKind.LIFECYCLE && Holdout.isHeldOut(change.id(),
                profile.getProfileId(), catalogue.holdoutPercent(change.id()));
            context.forward(new Record<String, SpecificRecord>(profile.getProfileId(),
                SegmentChanges.of(profile, change, cause, eventTime, emittedAt, holdout), eventTime.toEpochMilli()),
                Outputs.SEGMENT_CHANGES);
            metrics.membershipChange(change);
        }
    }

    /**
     * Re-evaluates, in one bounded batch, the profiles whose re-evaluation time is at or before {@code nowMs}, then
     * steps the running backfills.
     */
    private void reevaluateDue(final long nowMs) {
        try {
            reevaluate(nowMs);
        } catch (final RuntimeException e) {
            forgetTouched();
            throw e;
        }
        profiles.recordDone();
    }

    private void reevaluate(final long nowMs) {
        final Instant now = Instant.ofEpochMilli(nowMs);
        int reevaluated = 0;
        for (final String profileId : schedule.takeDue(nowMs)) {
            final CustomerProfile profile = profiles.get(profileId);
            if (profile == null || profile.getReevaluateAt() == null) {
                continue;
            }
            final Instant due = profile.getReevaluateAt();
            if (due.isAfter(now)) {
                // Filed at the start of the hour its due time falls in: filed again at that time.
                schedule.reschedule(profileId, null, due, nowMs);
                continue;
            }
            // The entry was taken off the schedule, so publish must not try to delete it again. The changes are dated
            // when they became due, not when the punctuator got to them, so a replay gives them the same ids.
            publish(profile, null, evaluate(profile, now, EVALUATED), SegmentChanges.CAUSE_TIME, due);
            reevaluated++;
        }
        metrics.reevaluated(reevaluated);
        if (catalogue.running() || traits.running()) {
            // Backfills scan the store: it must hold every profile changed since the last commit.
            profiles.writeBack();
        }
        metrics.backfilled(catalogue.step(now, (profile, previousDue, changes, time) ->
            publish(profile, previousDue, changes, SegmentChanges.CAUSE_BACKFILL, time)));
        metrics.backfilled(traits.step(now, (profile, previousDue, time) ->
            publish(profile, previousDue, evaluate(profile, time, EVALUATED), SegmentChanges.CAUSE_BACKFILL, time)));
    }

    private void erase(final String customerId,
                       final ErasureRequest request,
                       final Record<String, SpecificRecord> record) {
        merges.unlinkAll(customerId, request.getRequestId(), record);
        seenEvents.removeAll(customerId);
        final CustomerProfile profile = profiles.delete(customerId);
        if (profile != null) {
            schedule.remove(customerId, profile.getReevaluateAt());
            exitEverything(profile, request.getRequestId(), record.timestamp());
            catalogue.forget(customerId);
        }
        metrics.event(settings.topics().erasure(), Outcome.ERASED);
    }

    /** Emits EXITED for the lifecycle stage, the persona and every segment of a profile that goes away. */
    private void exitEverything(final CustomerProfile profile, final String cause, final long timestamp) {
        final List<MembershipChange> exits = new ArrayList<>();
        if (profile.getLifecycleStage() != null) {
            exits.add(MembershipChange.exited(ChangeKind.LIFECYCLE, profile.getLifecycleStage().name(), 0));
        }
        if (profile.getPersona() != null) {
            exits.add(MembershipChange.exited(ChangeKind.PERSONA, profile.getPersona(),
                catalogue.version(profile.getPersona())));
        }
        for (final String segment : profile.getSegments()) {
            exits.add(MembershipChange.exited(ChangeKind.SEGMENT, segment, catalogue.version(segment)));
        }
        forwardChanges(profile, exits, cause, Instant.ofEpochMilli(timestamp));
    }
}
