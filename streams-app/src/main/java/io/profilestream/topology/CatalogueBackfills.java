package io.profilestream.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.profilestream.config.EngineSettings;
import io.profilestream.domain.MembershipChange;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.SegmentDefinition;
import io.profilestream.segments.SegmentCatalogue;
import io.profilestream.segments.SegmentEvaluation;
import io.profilestream.segments.SegmentEvaluator;

/**
 * The compiled segment catalogue of one task and the backfills it starts.
 * The catalogue is re-read from the global {@code segment-definitions-store} at most once a second. A definition
 * whose version differs from the one last filled (recorded in {@code segment-backfill-store}, so this survives
 * restarts) starts a backfill over the task's profiles; a deleted one starts one that exits its members. Each step
 * evaluates one bounded batch per running backfill.
 */
final class CatalogueBackfills {

    private static final long CHECK_INTERVAL_MS = 1_000;

    /** Where a backfilled profile goes: stored, scheduled and published like any other change. */
    @FunctionalInterface
    interface Publisher {
        void publish(CustomerProfile profile, Instant previousDue, List<MembershipChange> changes, Instant now);
    }

    private final EngineSettings settings;
    private final KeyValueStore<String, SegmentDefinition> definitions;
    private final KeyValueStore<String, String> backfills;
    private final KeyValueStore<String, CustomerProfile> profiles;
    private final SegmentEvaluator evaluator;
    private final BooleanSupplier holdsNoProfiles;
    private final LongSupplier wallClockMs;
    private SegmentCatalogue catalogue;
    private long checkedAtMs = -CHECK_INTERVAL_MS;
    /** Whether a backfill may be running; cleared when a step finds none, set when one starts. */
    private boolean pending = true;

    CatalogueBackfills(final EngineSettings settings,
                       final KeyValueStore<String, SegmentDefinition> definitions,
                       final KeyValueStore<String, String> backfills,
                       final KeyValueStore<String, CustomerProfile> profiles,
                       final SegmentEvaluator evaluator,
                       final BooleanSupplier holdsNoProfiles,
                       final LongSupplier wallClockMs) {
        this.settings = settings;
        this.definitions = definitions;
        this.backfills = backfills;
        this.profiles = profiles;
        this.evaluator = evaluator;
        this.holdsNoProfiles = holdsNoProfiles;
        this.wallClockMs = wallClockMs;
        this.catalogue = SegmentCatalogue.empty(settings.segmentCompiler());
    }

    /** The current catalogue; starts the backfills of definitions that changed since the last look. */
    SegmentCatalogue catalogue() {
        final long now = wallClockMs.getAsLong();
        if (now - checkedAtMs < CHECK_INTERVAL_MS) {
            return catalogue;
        }
        checkedAtMs = now;
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
        // A task that holds no profile yet (its first start) has nothing to fill: the profiles to come are evaluated
        // with this catalogue as their events arrive.
        final boolean empty = holdsNoProfiles.getAsBoolean();
        for (final SegmentDefinition definition : latest.values()) {
            final String recorded = backfills.get(definition.getId());
            if (recorded == null || Backfill.parse(recorded).version() != definition.getVersion()) {
                backfills.put(definition.getId(), (empty ? Backfill.filled(definition.getVersion())
                    : Backfill.start(definition.getVersion(), total)).format());
                pending |= !empty;
            }
        }
        try (KeyValueIterator<String, String> all = backfills.all()) {
            while (all.hasNext()) {
                final var entry = all.next();
                if (!latest.containsKey(entry.key) && Backfill.parse(entry.value).version() != Backfill.DELETED) {
                    backfills.put(entry.key, Backfill.start(Backfill.DELETED, total).format());
                    pending = true;
                }
            }
        }
        return catalogue;
    }

    /** The holdout percentage of a definition in the current catalogue, 0 when it has none. */
    double holdoutPercent(final String definitionId) {
        return catalogue().definition(definitionId).map(compiled -> compiled.definition().getHoldoutPercent())
            .orElse(0.0);
    }

    /** The version of a definition in the current catalogue, 0 when it has none. */
    long version(final String definitionId) {
        return catalogue().version(definitionId).orElse(0L);
    }

    /**
     * Moves every backfill cursor that names a profile just deleted (erased, or merged into a customer's) to the
     * profile before it, so the backfill resumes at the same place and no store keeps the deleted id.
     * Call it after the profile left the store; the backfills store holds one entry per definition.
     */
    void forget(final String profileId) {
        final List<KeyValue<String, Backfill>> moved = new ArrayList<>();
        try (KeyValueIterator<String, String> all = backfills.all()) {
            all.forEachRemaining(entry -> {
                final Backfill backfill = Backfill.parse(entry.value);
                if (backfill.cursor().equals(profileId)) {
                    moved.add(KeyValue.pair(entry.key, backfill));
                }
            });
        }
        if (moved.isEmpty()) {
            return;
        }
        String previous = "";
        try (KeyValueIterator<String, CustomerProfile> before = profiles.reverseRange(null, profileId)) {
            while (before.hasNext()) {
                final String key = before.next().key;
                if (!key.equals(profileId)) {
                    previous = key;
                    break;
                }
            }
        }
        for (final KeyValue<String, Backfill> entry : moved) {
            backfills.put(entry.key, entry.value.withCursor(previous).format());
        }
    }

    /** Whether a backfill may be running, so that the next {@link #step} scans the profiles. */
    boolean running() {
        catalogue();
        return pending;
    }

    /**
     * One bounded step of every running backfill: evaluates the definition over the next profiles after the cursor.
     *
     * @return the number of profiles evaluated
     */
    int step(final Instant now, final Publisher publisher) {
        final SegmentCatalogue current = catalogue();
        if (!pending) {
            return 0;
        }
        final List<String> running = new ArrayList<>();
        try (KeyValueIterator<String, String> all = backfills.all()) {
            all.forEachRemaining(entry -> {
                if (Backfill.parse(entry.value).state() == Backfill.State.RUNNING) {
                    running.add(entry.key);
                }
            });
        }
        pending = !running.isEmpty();
        int evaluated = 0;
        for (final String definitionId : running) {
            final Backfill backfill = Backfill.parse(backfills.get(definitionId));
            final List<CustomerProfile> batch = new ArrayList<>();
            boolean finished = true;
            try (KeyValueIterator<String, CustomerProfile> next = backfill.cursor().isEmpty()
                ? profiles.all()
                : profiles.range(backfill.cursor() + Stores.KEY_SEPARATOR, null)) {
                while (next.hasNext()) {
                    if (batch.size() == settings.reevaluationBatchSize()) {
                        finished = false;
                        break;
                    }
                    batch.add(next.next().value);
                }
            }
            for (final CustomerProfile profile : batch) {
                final SegmentEvaluation evaluation = evaluator.evaluateDefinition(current, definitionId, profile, now);
                // A new time-dependent rule may be due before the profile's current re-evaluation time.
                final Instant previousDue = profile.getReevaluateAt();
                ReevaluationSchedule.dueBy(profile,
                    current.nextTimeChange(definitionId, profile, now, settings.timeRuleInterval(),
                        settings.live().curve()));
                if (evaluation.changed() || !Objects.equals(previousDue, profile.getReevaluateAt())) {
                    evaluation.applyTo(profile);
                    publisher.publish(profile, previousDue, evaluation.changes(), now);
                }
            }
            final String last = batch.isEmpty() ? backfill.cursor() : batch.get(batch.size() - 1).getProfileId();
            final Backfill progressed = backfill.advance(batch.size(), last, finished);
            if (finished && backfill.version() == Backfill.DELETED) {
                backfills.delete(definitionId);
            } else {
                backfills.put(definitionId, progressed.format());
            }
            evaluated += batch.size();
        }
        return evaluated;
    }
}
