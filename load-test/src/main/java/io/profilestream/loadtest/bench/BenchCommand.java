package io.profilestream.loadtest.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code bench} command: throughput of the engine and of two baselines on the same pre-loaded input.
 */
@Command(name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {"Starts an embedded broker and schema registry, pre-loads a warm-up input and then the simulated "
        + "events to measure, then measures on those events, each after a warm-up on the warm-up input, the "
        + "throughput of a plain KafkaConsumer, of a minimal Kafka Streams count+sum in RocksDB and of the engine in "
        + "its own JVM, with exactly_once_v2 and at_least_once.",
        "Then, against the exactly-once engine, the latency from event to profile-updates and to segment-changes "
            + "at 20%% and 50%% of its measured maximum rate, profile lookups over HTTP next to /health/live while it "
            + "ingests at 20%%, and, restarted with its own default commit interval, the latency at 50%%.",
        "Prints a table and writes DIR/results.json."})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--events", paramLabel = "N", defaultValue = "1000000",
        description = "Events to pre-load (default: ${DEFAULT-VALUE}).")
    private long events;

    @Option(names = "--warm-up-events", paramLabel = "N", defaultValue = "100000",
        description = "Events of a warm-up input (another population, simulated just before the measured input) "
            + "pre-loaded ahead of the measured events, at most --events: the baselines warm up on it in the bench's "
            + "JVM, the engine processes it first and is timed from the moment it has committed it; 0 for none: the "
            + "engine is then timed cold from its first record, the baselines warm up on the measured input "
            + "(default: ${DEFAULT-VALUE}).")
    private long warmUpEvents;

    @Option(names = "--customers", paramLabel = "C", defaultValue = "100000",
        description = "Customers of the simulated population (default: ${DEFAULT-VALUE}).")
    private int customers;

    @Option(names = "--partitions", paramLabel = "P", defaultValue = "6",
        description = "Partitions of every topic (default: ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--commit-interval-ms", paramLabel = "MS", defaultValue = "1000",
        description = "Commit interval of every Kafka Streams application, the engine's included "
            + "(default: ${DEFAULT-VALUE}).")
    private long commitIntervalMs;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42",
        description = "Seed of the population and its events (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--latency-seconds", paramLabel = "S", defaultValue = "30",
        description = "How long each latency rate (20%% and 50%% of the engine's measured maximum) runs "
            + "(default: ${DEFAULT-VALUE}).")
    private long latencySeconds;

    @Option(names = "--serving-seconds", paramLabel = "S", defaultValue = "20",
        description = "How long the serving client looks up profiles, and asks /health/live, each "
            + "(default: ${DEFAULT-VALUE}).")
    private long servingSeconds;

    @Option(names = "--serving-concurrency", paramLabel = "N", defaultValue = "8",
        description = "Requests the serving client keeps in flight (default: ${DEFAULT-VALUE}).")
    private int servingConcurrency;

    @Option(names = "--only", paramLabel = "SCOPE", defaultValue = "all",
        converter = ScopeConverter.class,
        description = "all: everything; engine: the exactly-once engine alone (catch-up, resources, then lookups on "
            + "the state it built, no ingestion), for large populations; accuracy: the engine's own fit and scores "
            + "judged against the simulated truth; scale: the exactly-once engine on one order of each of --profiles "
            + "new customers (its catch-up, lookups with no ingestion, resources), for memory, state size and "
            + "lookups at millions of profiles (default: ${DEFAULT-VALUE}).")
    private Bench.Scope scope;

    @Option(names = "--profiles", paramLabel = "N", defaultValue = "5000000",
        description = "With --only scale: new customers pre-loaded with one order each, so the engine holds N "
            + "profiles; --events and --customers do not apply (default: ${DEFAULT-VALUE}).")
    private int profiles;

    @Option(names = "--engine-setting", paramLabel = "KEY=VALUE",
        description = "An engine setting (README, Configuration; Kafka settings pass through) on top of the bench's, "
            + "e.g. num.stream.threads=2; repeat for several (default: none).")
    private Map<String, String> engineSettings = new LinkedHashMap<>();

    @Option(names = "--engine-jvm-option", paramLabel = "OPTION",
        description = "An option for the engine's JVM, e.g. -Xmx2g or -XX:StartFlightRecording=filename=engine.jfr; "
            + "repeat for several (default: none).")
    private List<String> engineJvmOptions = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results",
        description = "Output directory (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Override
    public Integer call() throws InterruptedException {
        final PrintWriter err = spec.commandLine().getErr();
        final PrintWriter stdout = spec.commandLine().getOut();
        if (profiles <= 0) {
            err.println("--profiles must be positive.");
            return 1;
        }
        if (events <= 0 || customers <= 0 || partitions <= 0 || commitIntervalMs <= 0
            || latencySeconds <= 0 || servingSeconds <= 0 || servingConcurrency <= 0) {
            err.println("--events, --customers, --partitions, --commit-interval-ms, --latency-seconds, "
                + "--serving-seconds and --serving-concurrency must be positive.");
            return 1;
        }
        if (warmUpEvents < 0) {
            err.println("--warm-up-events must be zero (no warm-up input) or positive.");
            return 1;
        }
        final Map<String, Double> results;
        try {
            results = new Bench(new Bench.Options(events, warmUpEvents, customers, partitions, commitIntervalMs, seed,
                latencySeconds, servingSeconds, servingConcurrency, scope, engineSettings, engineJvmOptions, out),
                profiles, line -> {
                    err.println(line);
                    err.flush();
                }).run();
        } catch (final IOException | IllegalStateException e) {
            err.println("The bench failed: " + e.getMessage());
            return 1;
        }
        stdout.println(table(results));
        stdout.printf(Locale.ROOT, "Wrote %s.%n", out.resolve("results.json"));
        return 0;
    }

    /** {@code all}, {@code engine}, {@code accuracy} or {@code scale}, in any case. */
    static final class ScopeConverter implements ITypeConverter<Bench.Scope> {
        @Override
        public Bench.Scope convert(final String value) {
            return Bench.Scope.valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }

    /** Every result, one a line, grouped by section (the key up to its first dot) in the order sections appear. */
    static String table(final Map<String, Double> results) {
        final Map<String, StringBuilder> sections = new LinkedHashMap<>();
        results.forEach((key, value) -> sections.computeIfAbsent(key.substring(0, Math.max(0, key.indexOf('.'))),
            section -> new StringBuilder()).append(String.format(Locale.ROOT, "%-56s %,15.3f%n", key, value)));
        final StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-56s %15s%n", "measure", "value"));
        sections.values().forEach(table::append);
        return table.toString();
    }
}
