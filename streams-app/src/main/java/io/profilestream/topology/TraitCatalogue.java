package io.profilestream.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.profilestream.domain.ComputedTraits;
import io.profilestream.domain.CustomEventLog;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.TraitDefinition;

/**
 * The computed trait catalogue of one task, and the recomputation it runs when the catalogue changes.
 * The catalogue is re-read from the global {@code trait-definitions-store} at most once a second. When it differs from
 * the one this task's profiles were last computed with (recorded in {@code trait-backfill-store}, so this survives
 * restarts), every profile that holds custom events is recomputed over the punctuator's steps, in bounded batches:
 * a trait defined later covers the events each profile still retains.
 */
final class TraitCatalogue {

    private static final long CHECK_INTERVAL_MS = 1_000;
    private static final String KEY = "catalogue";

    /** Where a recomputed profile goes: evaluated, stored and published like any other change. */
    @FunctionalInterface
    interface Publisher {
        void publish(CustomerProfile profile, Instant previousDue, Instant now);
    }

    private final KeyValueStore<String, TraitDefinition> definitions;
    private final KeyValueStore<String, String> progress;
    private final KeyValueStore<String, CustomerProfile> profiles;
    private final CustomEventLog log;
    private final int batchSize;
    private final BooleanSupplier holdsNoProfiles;
    private final LongSupplier wallClockMs;
    private List<TraitDefinition> current = List.of();
    private String fingerprint = "";
    private long checkedAtMs = -CHECK_INTERVAL_MS;

    TraitCatalogue(final KeyValueStore<String, TraitDefinition> definitions,
                   final KeyValueStore<String, String> progress,
                   final KeyValueStore<String, CustomerProfile> profiles,
                   final CustomEventLog log,
                   final int batchSize,
                   final BooleanSupplier holdsNoProfiles,
                   final LongSupplier wallClockMs) {
        this.definitions = definitions;
        this.progress = progress;
        this.profiles = profiles;
        this.log = log;
        this.batchSize = batchSize;
        this.holdsNoProfiles = holdsNoProfiles;
        this.wallClockMs = wallClockMs;
    }

    /** The current definitions; starts a recomputation when they changed since the last one. */
    List<TraitDefinition> definitions() {
        final long now = wallClockMs.getAsLong();
        if (now - checkedAtMs < CHECK_INTERVAL_MS) {
            return current;
        }
        checkedAtMs = now;
        final Map<String, TraitDefinition> latest = new TreeMap<>();
        try (KeyValueIterator<String, TraitDefinition> all = definitions.all()) {
            all.forEachRemaining(entry -> latest.put(entry.key, entry.value));
        }
        final StringBuilder print = new StringBuilder();
        latest.values().forEach(definition -> print.append(definition.getId()).append(':')
            .append(definition.getVersion()).append(';'));
        if (!print.toString().equals(fingerprint)) {
            fingerprint = print.toString();
            current = List.copyOf(latest.values());
            final String[] recorded = parse(progress.get(KEY));
            if (!fingerprint.equals(recorded[0])) {
                // A task that holds no profile yet has nothing to recompute.
                progress.put(KEY, holdsNoProfiles.getAsBoolean() ? fingerprint : fingerprint + Stores.KEY_SEPARATOR);
            }
        }
        return current;
    }

    /**
     * Recomputes the traits of a profile that holds custom events or traits, as of now, and trims its retained
     * events; marks the profile due when an event next leaves a window or the retention.
     *
     * @return whether the traits or the retained events changed
     */
    boolean apply(final CustomerProfile profile, final Instant now) {
        if (profile.getCustomEvents().isEmpty() && profile.getComputedTraits().isEmpty()) {
            return false;
        }
        final boolean trimmed = log.trim(profile, now);
        final ComputedTraits.Result result = ComputedTraits.compute(definitions(), profile.getCustomEvents(), now);
        final boolean changed = !result.values().equals(profile.getComputedTraits());
        if (changed) {
            profile.setComputedTraits(result.values());
        }
        ReevaluationSchedule.dueBy(profile, result.nextChange());
        if (!profile.getCustomEvents().isEmpty()) {
            ReevaluationSchedule.dueBy(profile, profile.getCustomEvents().get(0).getTimestamp().plus(log.retention()));
        }
        return changed || trimmed;
    }

    /** Whether a recomputation is running, so that the next {@link #step} scans the profiles. */
    boolean running() {
        definitions();
        return parse(progress.get(KEY))[1] != null;
    }

    /**
     * One bounded step of a running recomputation: the next profiles after the cursor that hold custom events or
     * traits are recomputed, and published when their traits changed.
     *
     * @return the number of profiles looked at
     */
    int step(final Instant now, final Publisher publisher) {
        definitions();
        final String recorded = progress.get(KEY);
        if (recorded == null) {
            return 0;
        }
        final String[] state = parse(recorded);
        if (state[1] == null) {
            return 0;
        }
        final List<CustomerProfile> batch = new ArrayList<>();
        boolean finished = true;
        try (KeyValueIterator<String, CustomerProfile> next = state[1].isEmpty()
            ? profiles.all()
            : profiles.range(state[1] + Stores.KEY_SEPARATOR, null)) {
            while (next.hasNext()) {
                if (batch.size() == batchSize) {
                    finished = false;
                    break;
                }
                batch.add(next.next().value);
            }
        }
        for (final CustomerProfile profile : batch) {
            final Instant previousDue = profile.getReevaluateAt();
            if (apply(profile, now) || !Objects.equals(previousDue, profile.getReevaluateAt())) {
                publisher.publish(profile, previousDue, now);
            }
        }
        progress.put(KEY, finished
            ? state[0]
            : state[0] + Stores.KEY_SEPARATOR + batch.get(batch.size() - 1).getProfileId());
        return batch.size();
    }

    /** The recorded fingerprint and the cursor of a running recomputation (null when none runs). */
    private static String[] parse(final String recorded) {
        if (recorded == null) {
            return new String[] {null, null};
        }
        final int separator = recorded.indexOf(Stores.KEY_SEPARATOR);
        return separator < 0
            ? new String[] {recorded, null}
            : new String[] {recorded.substring(0, separator), recorded.substring(separator + 1)};
    }
}
