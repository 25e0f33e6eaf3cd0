package io.profilestream.loadtest.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;

import io.profilestream.app.TopicProvisioner;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.config.Topics;
import io.profilestream.embedded.EmbeddedKafkaBroker;
import io.profilestream.loadtest.GeneratorSettings;
import io.profilestream.loadtest.LoadGenerator;
import io.profilestream.loadtest.SimulatedTime;
import io.profilestream.registry.EmbeddedSchemaRegistry;
import io.profilestream.registry.RestSchemaRegistryClient;

/**
 * The {@code bench} run: an embedded broker and registry, the simulator's events pre-loaded into the event topics (a
 * warm-up input of another population, then the measured input), then the throughput of a raw consumer, a minimal
 * Kafka Streams application and the engine (its own JVM) on the same measured input, each warmed up on the warm-up
 * input and each with {@code exactly_once_v2} and {@code at_least_once} where that applies; latency from event to
 * output with the bench's commit interval and with the engine's own default; profile lookups over HTTP next to a
 * trivial endpoint; the models' accuracy.
 * The engine starts from the beginning of the topics like the others and is timed over the measured input only: from
 * the moment its committed offsets cover the warm-up input to caught up ({@link EngineRun#catchUp(CatchUp, long)}).
 * Results are flat keys such as {@code throughput.engine_eos} (events per second) and
 * {@code resources.engine_peak_rss_mb} (the engine process's peak RSS and CPU seconds, read from {@code /proc} when
 * it has caught up, and its state size, read from the state directory after it stopped), {@code latency.*},
 * {@code latency_engine_defaults.*}, {@code serving.*} and {@code accuracy.*}.
 */
public final class Bench {

    /** The simulated time the pre-loaded events start at. */
    static final Instant SIMULATED_START = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    /** Records the baselines warm up on when there is no warm-up input: the first of the measured input. */
    private static final long WARM_UP_EVENTS = Options.DEFAULT_WARM_UP_EVENTS;
    private static final double[] LATENCY_SHARES = {0.2, 0.5};
    /** Share of the engine's measured rate that it ingests while the serving client runs. */
    private static final double SERVING_SHARE = 0.2;
    /** Share of the engine's measured rate for {@code latency_engine_defaults}. */
    private static final double DEFAULTS_SHARE = 0.5;
    private static final double BYTES_PER_MIB = 1024.0 * 1024.0;
    /** How many known customer ids the serving client draws from. */
    private static final int KNOWN_IDS = 10_000;
    /** Room in the serving run's generator time for the client's warm-up slices and the last answers. */
    private static final long SERVING_SLACK_SECONDS = 10;
    private static final String EOS = "exactly_once_v2";
    private static final String ALOS = "at_least_once";

    private static final double CALIBRATION_DAYS = 273;
    private static final double HOLDOUT_DAYS = 273;

    private final Options options;
    private final int scaleProfiles;
    private final Consumer<String> progress;

    /** Which parts of the bench run. */
    public enum Scope {
        /** Everything: baselines, both engines, latency, serving, accuracy. */
        ALL,
        /**
         * The exactly-once engine alone, for large populations: its catch-up, its resources, then profile lookups
         * on the state it built, with no ingestion (no baselines, latency or accuracy).
         */
        ENGINE,
        /**
         * The accuracy of the engine's own output alone: the population's calibration purchases through the engine in
         * event-time mode, the engine's fit, its served scores judged against the truth.
         */
        ACCURACY,
        /**
         * The exactly-once engine holding a given number of profiles ({@link ScaleRun}): one order of each of that many
         * new customers pre-loaded, the engine's catch-up, its resources, then lookups with no ingestion.
         */
        SCALE
    }

    /**
     * What to run.
     *
     * @param events events to pre-load and measure
     * @param warmUpEvents events of the warm-up input pre-loaded before them (at most {@code events}; 0 for none)
     * @param customers customers of the simulated population
     * @param partitions partitions of every topic
     * @param commitIntervalMs commit interval of the Streams applications, the engine included (not in the run with
     *                         the engine's own defaults)
     * @param seed seed of the population and its events
     * @param latencySeconds how long each latency rate runs
     * @param servingSeconds how long lookups and the baseline endpoint each run
     * @param servingConcurrency requests in flight of the serving client
     * @param scope which parts run
     * @param engineSettings engine settings on top of the bench's (which they replace)
     * @param engineJvmOptions options of the engine's JVM (heap size, a flight recording...)
     * @param out output directory (results, logs, broker and state data under {@code work/})
     */
    public record Options(long events, long warmUpEvents, int customers, int partitions, long commitIntervalMs,
                          long seed, long latencySeconds, long servingSeconds, int servingConcurrency, Scope scope,
                          Map<String, String> engineSettings, List<String> engineJvmOptions, Path out) {

        /** Default events of the warm-up input. */
        public static final long DEFAULT_WARM_UP_EVENTS = 100_000;
        /** Default seconds of each serving endpoint. */
        public static final long DEFAULT_SERVING_SECONDS = 20;
        /** Default requests in flight of the serving client. */
        public static final int DEFAULT_SERVING_CONCURRENCY = 8;

        /** Everything, with the default warm-up and serving client. */
        public Options(final long events,
                       final int customers,
                       final int partitions,
                       final long commitIntervalMs,
                       final long seed,
                       final long latencySeconds,
                       final Map<String, String> engineSettings,
                       final List<String> engineJvmOptions,
                       final Path out) {
            this(events, DEFAULT_WARM_UP_EVENTS, customers, partitions, commitIntervalMs, seed, latencySeconds,
                DEFAULT_SERVING_SECONDS, DEFAULT_SERVING_CONCURRENCY, Scope.ALL, engineSettings, engineJvmOptions, out);
        }
    }

    /**
     * A bench with the given options.
     *
     * @param options what to run
     * @param progress receives a line at every step
     */
    public Bench(final Options options, final Consumer<String> progress) {
        this(options, ScaleRun.DEFAULT_PROFILES, progress);
    }

    /**
     * A bench with the given options and the number of profiles of a {@link Scope#SCALE} run.
     *
     * @param options what to run
     * @param scaleProfiles new customers, one profile each, of a {@link Scope#SCALE} run; positive
     * @param progress receives a line at every step
     */
    public Bench(final Options options, final int scaleProfiles, final Consumer<String> progress) {
        if (scaleProfiles <= 0) {
            throw new IllegalArgumentException("The number of profiles must be positive.");
        }
        this.options = options;
        this.scaleProfiles = scaleProfiles;
        this.progress = progress;
    }

    /**
     * Runs what the scope says and writes {@code results.json}, {@code report.md} and the charts into the output
     * directory.
     *
     * @return the results by key, in the order measured
     */
    public Map<String, Double> run() throws IOException, InterruptedException {
        final Path work = options.out().resolve("work");
        Files.createDirectories(work);
        final boolean all = options.scope() == Scope.ALL;
        final Map<String, Double> results = new LinkedHashMap<>();
        final Map<String, EngineRun.Result> engineResources = new LinkedHashMap<>();
        final Map<String, Double> engineStateMb = new LinkedHashMap<>();
        final ProfileStreamConfig defaults = ProfileStreamConfig.of(Map.of());
        final Topics topics = Topics.from(defaults);
        final List<String> events = List.of(topics.clickstream(), topics.purchases(), topics.email());
        ProfileKeys profiles = null;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("kafka"), 0);
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                 broker.bootstrapServers()))) {
            final String servers = broker.bootstrapServers();
            final Live live = new Live(servers, registry.url(), topics);
            new TopicProvisioner(admin, topics).provision(true, options.partitions(), (short) 1);
            // The engine runs on the bench's own Java (EngineRun starts it from java.home): the figures belong to it.
            results.put("input.java_version", (double) Runtime.version().feature());
            if (options.scope() == Scope.SCALE) {
                new ScaleRun(options, scaleProfiles, progress).run(servers, registry.url(), topics, admin, work,
                    engineSettings(servers, registry.url(), EOS, true), results);
                write(results, null);
                return results;
            }
            if (options.scope() == Scope.ACCURACY) {
                progress.accept("Accuracy: the engine's own fit and scores on the simulated population.");
                final Accuracy.Result accuracy = EngineAccuracy.measure(options, servers, registry.url(), topics, admin,
                    work, CALIBRATION_DAYS, HOLDOUT_DAYS, progress);
                results.put("input.customers", (double) options.customers());
                results.put("input.partitions", (double) options.partitions());
                results.putAll(accuracy.metrics());
                write(results, accuracy);
                return results;
            }
            final CatchUp catchUp = new CatchUp(admin, events);
            // Reading the end offsets waits until every partition's leader answers before the first record is sent:
            // a partition just created can refuse records for a moment after its leader is known, and the idempotent
            // producer of a pre-load did not always recover from that on a loaded machine.
            catchUp.endOffsets();
            final int warmUpCustomers = preloadWarmUp(servers, registry.url(), topics);
            final Map<TopicPartition, Long> boundary = catchUp.endOffsets();
            preload(servers, registry.url(), topics);
            final PreloadedInput input = new PreloadedInput(boundary, catchUp.endOffsets());
            progress.accept(String.format("Pre-loaded %,d records into %s, after %,d of the warm-up input.",
                input.measuredRecords(), events, input.warmUpRecords()));
            results.put("input.events", (double) input.measuredRecords());
            results.put("input.customers", (double) options.customers());
            results.put("input.partitions", (double) options.partitions());
            results.put("input.warm_up_events", (double) input.warmUpRecords());
            results.put("input.warm_up_customers", (double) warmUpCustomers);
            if (all) {
                baselines(servers, work, events, catchUp, input, results);
            }
            // Both catch-up runs come before the live phases: those write their events into the same input topics,
            // and a catch-up run after them would time a different, longer input.
            for (final String guarantee : all ? List.of(EOS, ALOS) : List.of(EOS)) {
                final String suffix = guarantee.equals(EOS) ? "eos" : "alos";
                final EngineRun engine = EngineRun.start(work.resolve("engine-" + suffix), "engine",
                    engineSettings(servers, registry.url(), guarantee, true), options.engineJvmOptions());
                final EngineRun.Result result;
                try (engine) {
                    result = engine.catchUp(catchUp, input.warmUpRecords());
                }
                results.put("throughput.engine_" + suffix, result.eventsPerSecond());
                if (input.warmUpRecords() > 0) {
                    results.put("throughput.engine_" + suffix + "_warm_up", result.warmUpEventsPerSecond());
                }
                engineProgress(suffix, result, input);
                engineResources.put(suffix, result);
                engineStateMb.put(suffix, engine.stateMb());
            }
            progress.accept("Restarting the exactly-once engine on its caught-up state for the live phases.");
            try (EngineRun engine = EngineRun.start(work.resolve("engine-eos"), "engine-live",
                engineSettings(servers, registry.url(), EOS, true), options.engineJvmOptions())) {
                engine.awaitReady();
                profiles = ProfileKeys.read(servers, topics.profileUpdates(), KNOWN_IDS);
                final double rate = results.get("throughput.engine_eos");
                if (all) {
                    results.put("latency.warm_up_seconds",
                        (double) Latencies.warmUp(live, engine, options, LATENCY_SHARES[0] * rate, options.seed() + 2,
                            progress));
                    results.put("latency.warm_up_drain_seconds", drain(engine, catchUp));
                    Latencies.measure(live, options, rate, LATENCY_SHARES, results, progress);
                }
                serving(engine, live, profiles.customerSample(), all ? SERVING_SHARE * rate : 0, results);
            }
            if (all) {
                engineDefaultsLatency(work, live, catchUp, results);
            }
        }
        engineResources.forEach((suffix, result) -> resources(results, suffix, result, engineStateMb.get(suffix)));
        if (profiles != null) {
            results.put("resources.engine_profiles", (double) profiles.profiles());
            results.put("resources.engine_state_bytes_per_profile",
                engineStateMb.get("eos") * BYTES_PER_MIB / Math.max(1, profiles.profiles()));
        }
        Accuracy.Result accuracy = null;
        if (all) {
            progress.accept("Accuracy: the models fitted offline on the calibration period of the simulated "
                + "population (bench --only accuracy judges the engine's own output).");
            accuracy = Accuracy.measure(options.customers(), options.seed(), CALIBRATION_DAYS, HOLDOUT_DAYS,
                options.out());
            results.putAll(accuracy.metrics());
        }
        write(results, accuracy);
        return results;
    }

    /** Writes {@code results.json}, {@code report.md} and the charts. */
    private void write(final Map<String, Double> results, final Accuracy.Result accuracy) throws IOException {
        final Map<String, Object> json = new LinkedHashMap<>(results);
        if (accuracy != null) {
            json.put("accuracy.scores_source", options.scope() == Scope.ACCURACY ? "engine" : "offline");
        }
        Files.writeString(options.out().resolve("results.json"), Json.nested(json), StandardCharsets.UTF_8);
        Report.write(options.out(), results, accuracy);
    }

    /**
     * The raw consumer and the minimal Kafka Streams application on the measured input, after a warm-up of both on
     * the warm-up input (without one, on the first records of the measured input).
     */
    private void baselines(final String servers,
                           final Path work,
                           final List<String> events,
                           final CatchUp catchUp,
                           final PreloadedInput input,
                           final Map<String, Double> results) {
        final boolean warmUpInput = input.warmUpRecords() > 0;
        final Map<TopicPartition, Long> warmUpEnds = warmUpInput ? input.boundary() : input.ends();
        progress.accept("Warm-up: raw consumer and a Kafka Streams run.");
        RawConsumerRun.eventsPerSecond(servers, Map.of(), warmUpEnds, TIMEOUT);
        BaselineStreams.warmUp(servers, "bench-warm-up",
            warmUpInput ? input.warmUpRecords() : Math.min(WARM_UP_EVENTS, input.measuredRecords()),
            work.resolve("streams-warm-up"), events, catchUp, warmUpEnds);
        results.put("throughput.raw_consumer",
            RawConsumerRun.eventsPerSecond(servers, input.boundary(), input.ends(), TIMEOUT));
        report("throughput.raw_consumer", results);
        for (final String guarantee : List.of(EOS, ALOS)) {
            final String suffix = guarantee.equals(EOS) ? "eos" : "alos";
            results.put("throughput.baseline_streams_" + suffix, BaselineStreams.eventsPerSecond(servers,
                "bench-baseline-" + suffix, guarantee, options.commitIntervalMs(),
                work.resolve("streams-" + suffix), events, catchUp, input));
            report("throughput.baseline_streams_" + suffix, results);
        }
    }

    /** Prints an engine run's rates, and says so when its rate could not leave the warm-up out. */
    private void engineProgress(final String suffix, final EngineRun.Result result, final PreloadedInput input) {
        if (input.warmUpRecords() == 0) {
            progress.accept(String.format("throughput.engine_%s = %,.0f events/s (first record after %.1f s)",
                suffix, result.eventsPerSecond(), result.startupSeconds()));
            return;
        }
        progress.accept(String.format("throughput.engine_%s = %,.0f events/s over %,d records after the warm-up "
            + "(warm-up: %,.0f events/s for %.1f s; first record after %.1f s)", suffix, result.eventsPerSecond(),
            result.records(), result.warmUpEventsPerSecond(), result.warmUpSeconds(), result.startupSeconds()));
        if (result.records() > input.measuredRecords()) {
            progress.accept(String.format("The engine committed the whole input with its first commit after the "
                + "warm-up, so its %s rate counts every record from the first processed one, warm-up included: "
                + "give more events or a shorter commit interval.", suffix));
        }
    }

    /**
     * The engine's settings for a run: the bench's, then the user's, then the guarantee. With {@code
     * benchCommitInterval} the engine commits on the bench's interval like every other Streams application, its
     * early commits for live records off; without, on its own defaults unless the user's settings say otherwise.
     */
    private Map<String, String> engineSettings(final String servers,
                                               final String registryUrl,
                                               final String guarantee,
                                               final boolean benchCommitInterval) {
        final String suffix = guarantee.equals(EOS) ? "eos" : "alos";
        final Map<String, String> settings = new LinkedHashMap<>(Map.of(
            "bootstrap.servers", servers,
            "schema.registry.url", registryUrl,
            "application.id", "bench-engine-" + suffix,
            "topics.partitions", Integer.toString(options.partitions())));
        if (benchCommitInterval) {
            settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(options.commitIntervalMs()));
            settings.put("profile.commit.min.interval.ms", "0");
        }
        settings.putAll(options.engineSettings());
        settings.put("processing.guarantee", guarantee);
        return settings;
    }

    /**
     * {@code latency_engine_defaults}: the exactly-once engine restarted on its caught-up state with its own default
     * commits (every second, and as often as every 50 ms for live records), then, after an unmeasured warm-up at the
     * same rate (the JVM is new), latency at 50% of the rate it measured with the bench's settings.
     */
    private void engineDefaultsLatency(final Path work,
                                       final Live live,
                                       final CatchUp catchUp,
                                       final Map<String, Double> results) throws IOException, InterruptedException {
        final double rate = Math.max(1, DEFAULTS_SHARE * results.get("throughput.engine_eos"));
        progress.accept("Restarting the exactly-once engine with its own default commit interval.");
        try (EngineRun engine = EngineRun.start(work.resolve("engine-eos"), "engine-defaults",
            engineSettings(live.servers(), live.registryUrl(), EOS, false), options.engineJvmOptions())) {
            engine.awaitReady();
            results.put("latency_engine_defaults.warm_up_seconds",
                (double) Latencies.warmUp(live, engine, options, rate, options.seed() + 3, progress));
            results.put("latency_engine_defaults.warm_up_drain_seconds", drain(engine, catchUp));
            progress.accept(String.format("Latency (engine defaults) at %,.0f events/s for %d s.", rate,
                options.latencySeconds()));
            final double commitsBefore = engine.commits();
            final long start = System.nanoTime();
            final LatencyRun.Result result = LatencyRun.measure(live.servers(), live.registryUrl(), live.topics(),
                live.settings(options, options.seed() + 4, rate, options.latencySeconds()));
            // What the commits cost while the latency was measured: each output waits for two of them (the identity
            // task's, which makes the click readable to the profile task, then the profile task's).
            results.put("latency_engine_defaults.commits_per_second",
                (engine.commits() - commitsBefore) / ((System.nanoTime() - start) / 1e9));
            final EngineRun.CommitLatency commits = engine.commitLatency();
            results.put("latency_engine_defaults.commit_latency_avg_ms", commits.averageMs());
            results.put("latency_engine_defaults.commit_latency_max_ms", commits.maxMs());
            results.put("latency_engine_defaults.rate", rate);
            Latencies.percentiles(results, "latency_engine_defaults.profile_update", result.profileUpdates());
            Latencies.percentiles(results, "latency_engine_defaults.segment_change", result.segmentChanges());
        }
    }

    /**
     * Waits, after a live warm-up, until the engine has committed every event written so far, so that a measurement
     * starts with no backlog: the warm-up runs in a new JVM, whose compiler competes with the stream thread for the
     * machine's cores while it compiles the engine's code. Returns the seconds it took.
     */
    private double drain(final EngineRun engine, final CatchUp catchUp) {
        final double seconds = engine.awaitCaughtUp(catchUp);
        progress.accept(String.format("The engine had committed every warm-up event %.1f s after the warm-up ended.",
            seconds));
        return seconds;
    }

    /**
     * {@code serving}: profile lookups of known customers and the {@code /health/live} baseline from one client,
     * while a live generator ingests at {@code ingestRate} (none when 0).
     */
    private void serving(final EngineRun engine,
                         final Live live,
                         final List<String> ids,
                         final double ingestRate,
                         final Map<String, Double> results) throws InterruptedException {
        final Duration phase = Duration.ofSeconds(options.servingSeconds());
        progress.accept(String.format("Serving: %d clients look up %,d known customers, then ask /health/live, "
            + "%d s each, while ingesting at %,.0f events/s.", options.servingConcurrency(), ids.size(),
            options.servingSeconds(), ingestRate));
        final ServingRun.Result result;
        if (ingestRate > 0) {
            // Long enough for the warm-up and both endpoints; closed as soon as they are done.
            final long seconds = 2 * (options.servingSeconds() + SERVING_SLACK_SECONDS);
            try (LoadGenerator generator = LoadGenerator.start(live.servers(),
                new RestSchemaRegistryClient(live.registryUrl()), live.topics(),
                live.settings(options, options.seed() + 5, ingestRate, seconds), line -> { })) {
                result = ServingRun.measure(engine.baseUri(), ids, options.servingConcurrency(), phase);
            }
        } else {
            result = ServingRun.measure(engine.baseUri(), ids, options.servingConcurrency(), phase);
        }
        result.putInto(options.servingConcurrency(), ingestRate, ids.size(), results);
        progress.accept(String.format("serving.lookup_rps = %,.0f (p99 %.1f ms), serving.baseline_rps = %,.0f",
            result.lookups().perSecond(), result.lookups().percentileMs(99), result.baseline().perSecond()));
    }

    private void preload(final String servers, final String registryUrl, final Topics topics)
        throws InterruptedException {
        final GeneratorSettings settings = new GeneratorSettings(options.customers(), options.seed(), 0,
            options.events(), Duration.ZERO).withTime(SimulatedTime.simulated(SIMULATED_START, 0, 0));
        progress.accept(String.format("Pre-loading %,d events of %,d customers.", options.events(),
            options.customers()));
        preload(servers, registryUrl, topics, settings);
    }

    /**
     * Pre-loads the warm-up input ({@link WarmUp}), if any, and returns its number of customers (0 without one).
     */
    private int preloadWarmUp(final String servers, final String registryUrl, final Topics topics)
        throws InterruptedException {
        final long warmUpEvents = Math.min(options.warmUpEvents(), options.events());
        if (warmUpEvents == 0) {
            return 0;
        }
        final GeneratorSettings settings = WarmUp.settings(warmUpEvents, options.events(), options.customers(),
            options.seed(), SIMULATED_START);
        progress.accept(String.format("Pre-loading a warm-up input of %,d events of %,d other customers (%s to %s).",
            warmUpEvents, settings.customers(), settings.time().start(), settings.time().end()));
        preload(servers, registryUrl, topics, settings);
        return settings.customers();
    }

    private static void preload(final String servers,
                                final String registryUrl,
                                final Topics topics,
                                final GeneratorSettings settings) throws InterruptedException {
        try (LoadGenerator generator = LoadGenerator.start(servers, new RestSchemaRegistryClient(registryUrl), topics,
            settings, line -> { })) {
            if (generator.awaitCompletion().errors() > 0) {
                throw new IllegalStateException("Some events could not be pre-loaded.");
            }
        }
    }

    /**
     * Resource keys of one engine run; the exactly-once run's keys carry no suffix, the at-least-once run's end in
     * {@code _alos}.
     * CPU is per million records the engine processed (the whole run's per record of both inputs; the timed part's, of
     * the process and of Kafka Streams' threads, per record timed), the segment rules it ran per record timed, the
     * share of a core its JIT compilers took over the timed part, and state (measured after the run's clean stop) per
     * million customers it was given, the warm-up input's included.
     */
    private static void resources(final Map<String, Double> results,
                                  final String suffix,
                                  final EngineRun.Result result,
                                  final double stateMb) {
        final String end = "eos".equals(suffix) ? "" : "_" + suffix;
        final double events = results.get("input.events") + results.get("input.warm_up_events");
        final double customers = results.get("input.customers") + results.get("input.warm_up_customers");
        results.put("resources.engine_peak_rss_mb" + end, result.peakRssMb());
        results.put("resources.engine_cpu_seconds_per_million_events" + end, result.cpuSeconds() * 1e6 / events);
        results.put("resources.engine_timed_cpu_seconds_per_million_events" + end,
            result.timed().processCpu() * 1e6 / result.records());
        results.put("resources.engine_timed_stream_thread_cpu_seconds_per_million_events" + end,
            result.timed().streamThreadCpu() * 1e6 / result.records());
        results.put("resources.engine_timed_rule_evaluations_per_event" + end,
            result.timed().rulesEvaluated() / result.records());
        results.put("resources.engine_timed_jit_compile_share" + end,
            result.timed().compilation() / (result.records() / result.eventsPerSecond()));
        results.put("resources.engine_state_mb_per_million_profiles" + end, stateMb * 1e6 / customers);
        results.put("resources.engine_startup_seconds" + end, result.startupSeconds());
        if (results.get("input.warm_up_events") > 0) {
            results.put("resources.engine_warm_up_seconds" + end, result.warmUpSeconds());
        }
        results.put("resources.engine_seconds_to_catch_up" + end, result.seconds());
        results.put("resources.engine_measured_records" + end, (double) result.records());
    }

    private void report(final String key, final Map<String, Double> results) {
        progress.accept(String.format("%s = %,.0f events/s", key, results.get(key)));
    }
}
