package io.profilestream.loadtest.bench;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.profilestream.config.EngineSettings;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.domain.ProfileAggregator;
import io.profilestream.domain.ProfileEvaluator;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.identity.ProfileIds;
import io.profilestream.loadtest.EventGenerator;
import io.profilestream.loadtest.GeneratedEvent;
import io.profilestream.loadtest.Population;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.DefinitionKind;
import io.profilestream.profile.SegmentDefinition;
import io.profilestream.segments.CatalogueYaml;
import io.profilestream.segments.EvaluationErrorListener;
import io.profilestream.segments.SegmentCatalogue;
import io.profilestream.segments.SegmentCompiler;
import io.profilestream.segments.SegmentEvaluation;
import io.profilestream.segments.SegmentEvaluator;

/**
 * Per-update cost of segment and persona evaluation with 5, 50 and 200 definitions, printed side by side with a
 * baseline of 0 definitions (wrapping the profile and diffing only) from the same run.
 * Not a test: timings belong in {@code docs/benchmarks.md}, not in assertions.
 *
 * <p>Profiles come from the load generator's synthetic population, folded by the engine's own aggregator and
 * scored by its own models (default parameters), as of the time of the last event.
 * Definitions are the default catalogue (11 segments, 6 personas) and, beyond it, variants of its segments with a
 * different threshold so that no two are alike.
 * Each update evaluates every enabled definition of the catalogue for one profile and diffs with that profile's
 * memberships from the previous round, as the engine does on every event; after the first round nothing changes,
 * which is the common case.
 * Time is the CPU time of the benchmark thread (wall time is printed too) and allocation its allocated bytes, both
 * from {@code com.sun.management.ThreadMXBean}.
 *
 * <p>Usage: {@code java -cp load-test/target/profilestream-load-test.jar
 * io.profilestream.loadtest.bench.SegmentBenchmark [customers] [events] [rounds]}.
 */
public final class SegmentBenchmark {

    private static final int[] SIZES = {0, 5, 50, 200};
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration EVENT_SPACING = Duration.ofSeconds(20);
    private static final long SEED = 42L;
    /** The engine's default {@code segments.time.rule.interval.ms}. */
    private static final Duration NEXT_TIME_FALLBACK = Duration.ofHours(1);

    private SegmentBenchmark() {
    }

    public static void main(final String[] args) {
        final int customers = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        final int events = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 30;

        final SegmentCompiler compiler = SegmentCompiler.withDefaultLimits();
        final StepClock clock = new StepClock(START, EVENT_SPACING);
        final List<CustomerProfile> profiles = profiles(customers, events, clock);
        final Instant now = clock.current();
        final List<SegmentDefinition> defaults = CatalogueYaml.loadDefault(compiler, START);

        System.out.printf(Locale.ROOT, "Segment evaluation per profile update%n");
        System.out.printf(Locale.ROOT, "profiles: %d (from %d generated events over %d days, %d customers),"
                + " rounds: %d, now: %s%n", profiles.size(), events, Duration.between(START, now).toDays(), customers,
            rounds, now);
        System.out.printf(Locale.ROOT, "JVM: %s %s, %d CPUs, max heap %d MiB%n%n", System.getProperty("java.vm.name"),
            System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
            Runtime.getRuntime().maxMemory() >> 20);

        final List<Result> results = new ArrayList<>();
        for (final int size : SIZES) {
            final SegmentCatalogue catalogue = SegmentCatalogue.of(compiler, definitions(defaults, size));
            results.add(run(catalogue, size, profiles, now, rounds));
        }
        print(results);
    }

    /**
     * Folds generated events into profiles with the engine's aggregator and scores them with its models.
     * Clicks go to the customer's profile when they carry a customer id, else to the anonymous visitor's; the
     * identity merges of the real topology are left out.
     */
    private static List<CustomerProfile> profiles(final int customers, final int events, final StepClock clock) {
        final EngineSettings settings = EngineSettings.from(ProfileStreamConfig.of(Map.of()));
        final ProfileAggregator aggregator = settings.aggregator();
        final ProfileEvaluator scoring = settings.evaluators().defaults();
        final EventGenerator generator = new EventGenerator(Population.generate(customers, SEED), clock);
        final Map<String, CustomerProfile> byId = new HashMap<>();
        for (int i = 0; i < events; i++) {
            final GeneratedEvent event = generator.next();
            final Instant at = event.timestamp();
            if (event.value() instanceof ClickEvent click) {
                aggregator.apply(byId.computeIfAbsent(ProfileIds.forClick(click), ProfileAggregator::newProfile),
                    click, at);
            } else if (event.value() instanceof PurchaseEvent purchase) {
                aggregator.apply(byId.computeIfAbsent(event.key(), ProfileAggregator::newProfile), purchase, at);
            } else if (event.value() instanceof EmailEvent email) {
                aggregator.apply(byId.computeIfAbsent(event.key(), ProfileAggregator::newProfile), email, at);
            }
        }
        final Collection<CustomerProfile> all = byId.values();
        for (final CustomerProfile profile : all) {
            scoring.evaluate(profile, clock.current());
        }
        return new ArrayList<>(all);
    }

    /**
     * The first {@code size} definitions of the default catalogue, then variants of its segments.
     */
    private static List<SegmentDefinition> definitions(final List<SegmentDefinition> defaults, final int size) {
        final List<SegmentDefinition> segments = defaults.stream()
            .filter(definition -> definition.getKind() == DefinitionKind.SEGMENT)
            .toList();
        final List<SegmentDefinition> definitions = new ArrayList<>(defaults.subList(0, Math.min(size,
            defaults.size())));
        for (int i = definitions.size(); i < size; i++) {
            final SegmentDefinition base = segments.get(i % segments.size());
            definitions.add(SegmentDefinition.newBuilder(base)
                .setId(base.getId() + "-" + i)
                .setExpression("(" + base.getExpression() + ") && profile.behaviour.sessions >= " + (i % 7))
                .build());
        }
        return definitions;
    }

    private static Result run(final SegmentCatalogue catalogue,
                              final int size,
                              final List<CustomerProfile> profiles,
                              final Instant now,
                              final int rounds) {
        final SegmentEvaluator evaluator = new SegmentEvaluator(EvaluationErrorListener.IGNORE);
        final SegmentCompiler compiler = catalogue.compiler();
        final List<List<String>> segments = new ArrayList<>(profiles.size());
        final List<String> personas = new ArrayList<>(profiles.size());
        for (int i = 0; i < profiles.size(); i++) {
            segments.add(List.of());
            personas.add(null);
        }
        // The first round puts every profile in its segments; the next ones find no change.
        long firstRoundChanges = 0;
        for (int i = 0; i < profiles.size(); i++) {
            final CustomerProfile profile = profiles.get(i);
            final SegmentEvaluation evaluation = evaluator.evaluate(catalogue,
                compiler.context(profile.getProfileId(), profile, now), segments.get(i), personas.get(i));
            segments.set(i, evaluation.segments());
            personas.set(i, evaluation.persona().orElse(null));
            firstRoundChanges += evaluation.changes().size();
        }
        final int warmup = Math.max(3, rounds / 3);
        long checksum = 0;
        for (int round = 0; round < warmup; round++) {
            checksum += round(evaluator, catalogue, profiles, now, segments, personas).members;
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        long errors = 0;
        long members = 0;
        long changes = 0;
        final long bytesBefore = threads.getThreadAllocatedBytes(thread);
        final long cpuBefore = threads.getCurrentThreadCpuTime();
        final long start = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            final Round result = round(evaluator, catalogue, profiles, now, segments, personas);
            errors += result.errors;
            members += result.members;
            changes += result.changes;
        }
        final long elapsed = System.nanoTime() - start;
        final long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
        final long bytes = threads.getThreadAllocatedBytes(thread) - bytesBefore;
        final double updates = (double) rounds * profiles.size();
        // When the profile comes due next (every evaluation computes it), the same rounds over the same profiles.
        for (int round = 0; round < warmup; round++) {
            checksum += nextTimeChanges(catalogue, profiles, now);
        }
        final long nextCpuBefore = threads.getCurrentThreadCpuTime();
        for (int round = 0; round < rounds; round++) {
            checksum += nextTimeChanges(catalogue, profiles, now);
        }
        final long nextCpu = threads.getCurrentThreadCpuTime() - nextCpuBefore;
        return new Result(size, catalogue.segments().size(), catalogue.personas().size(), cpu / updates,
            elapsed / updates, size == 0 ? 0 : cpu / updates / size, bytes / updates, members / updates,
            errors / updates, changes, firstRoundChanges / (double) profiles.size(), nextCpu / updates, checksum);
    }

    /** Asks the catalogue when each profile's answers can next change with time alone; a checksum of the answers. */
    private static long nextTimeChanges(final SegmentCatalogue catalogue,
                                        final List<CustomerProfile> profiles,
                                        final Instant now) {
        long checksum = 0;
        for (final CustomerProfile profile : profiles) {
            final Instant next = catalogue.nextTimeChange(profile, now, NEXT_TIME_FALLBACK);
            checksum += next == null ? 0 : next.getEpochSecond();
        }
        return checksum;
    }

    private static Round round(final SegmentEvaluator evaluator,
                               final SegmentCatalogue catalogue,
                               final List<CustomerProfile> profiles,
                               final Instant now,
                               final List<List<String>> segments,
                               final List<String> personas) {
        final SegmentCompiler compiler = catalogue.compiler();
        long errors = 0;
        long members = 0;
        long changes = 0;
        for (int i = 0; i < profiles.size(); i++) {
            final CustomerProfile profile = profiles.get(i);
            final SegmentEvaluation evaluation = evaluator.evaluate(catalogue,
                compiler.context(profile.getProfileId(), profile, now), segments.get(i), personas.get(i));
            errors += evaluation.errors();
            members += evaluation.segments().size() + (evaluation.persona().isPresent() ? 1 : 0);
            changes += evaluation.changes().size();
        }
        return new Round(errors, members, changes);
    }

    private static void print(final List<Result> results) {
        System.out.printf(Locale.ROOT, "%-12s %8s %8s %11s %11s %13s %13s %15s %14s %16s %13s%n", "definitions",
            "segments", "personas", "ns/profile", "(wall ns)", "ns/definition", "bytes/profile", "members/profile",
            "errors/profile", "entries/profile*", "ns/next-time");
        for (final Result result : results) {
            final String perDefinition = result.size == 0 ? "-"
                : String.format(Locale.ROOT, "%.0f", result.nsPerDefinition);
            System.out.printf(Locale.ROOT, "%-12s %8d %8d %11.0f %11.0f %13s %13.0f %15.2f %14.3f %16.2f %13.0f%n",
                result.size == 0 ? "0 (baseline)" : Integer.toString(result.size), result.segments, result.personas,
                result.nsPerProfile, result.wallNsPerProfile, perDefinition,
                result.bytesPerProfile, result.membersPerProfile, result.errorsPerProfile,
                result.firstRoundChangesPerProfile, result.nsPerNextTimeChange);
            if (result.steadyChanges != 0) {
                System.out.printf(Locale.ROOT, "  note: %d changes in the measured rounds (expected none)%n",
                    result.steadyChanges);
            }
        }
        System.out.printf(Locale.ROOT, "%nns/profile and ns/definition are CPU time of the benchmark thread, which"
            + " other processes on the machine disturb less than wall time.%n");
        System.out.printf(Locale.ROOT, "* changes per profile in the unmeasured first round, from no membership;"
            + " the measured rounds had none.%n");
        System.out.printf(Locale.ROOT, "ns/next-time: CPU time of one SegmentCatalogue.nextTimeChange (when the"
            + " profile's answers can next change with time alone), which every evaluation also computes.%n");
        System.out.printf(Locale.ROOT, "(checksum %d)%n", results.stream().mapToLong(r -> r.checksum).sum());
    }

    /** The totals of one round over every profile. */
    private record Round(long errors, long members, long changes) {
    }

    /** The figures for one catalogue size. */
    private record Result(int size,
                          int segments,
                          int personas,
                          double nsPerProfile,
                          double wallNsPerProfile,
                          double nsPerDefinition,
                          double bytesPerProfile,
                          double membersPerProfile,
                          double errorsPerProfile,
                          long steadyChanges,
                          double firstRoundChangesPerProfile,
                          double nsPerNextTimeChange,
                          long checksum) {
    }

    /**
     * A clock that moves a fixed step each time it is read, so generated events spread over weeks of event time.
     * Hand-written because java.time has no such clock and the generator reads the clock once per event.
     */
    private static final class StepClock extends Clock {
        private final Duration step;
        private Instant current;

        StepClock(final Instant start, final Duration step) {
            this.current = start;
            this.step = step;
        }

        Instant current() {
            return current;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            current = current.plus(step);
            return current;
        }
    }
}
