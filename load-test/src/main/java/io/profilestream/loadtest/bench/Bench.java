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

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

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
 * The {@code bench} run: an embedded broker and registry, the simulator's events pre-loaded into the event topics,
 * then the throughput of a raw consumer, a minimal Kafka Streams application and the engine (its own JVM) on the same
 * input, each with {@code exactly_once_v2} and {@code at_least_once} where that applies.
 * Results are flat keys such as {@code throughput.engine_eos} (events per second) and
 * {@code resources.engine_peak_rss_mb} (the engine process's peak RSS, CPU seconds and state size, read from
 * {@code /proc} and the state directory when it has caught up), {@code latency.*} and {@code accuracy.*}.
 */
public final class Bench {

    /** The simulated time the pre-loaded events start at. */
    static final Instant SIMULATED_START = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final long WARM_UP_EVENTS = 100_000;
    private static final double[] LATENCY_SHARES = {0.2, 0.5};
    private static final String EOS = "exactly_once_v2";
    private static final String ALOS = "at_least_once";

    private static final double CALIBRATION_DAYS = 273;
    private static final double HOLDOUT_DAYS = 273;

    private final Options options;
    private final Consumer<String> progress;

    /**
     * What to run.
     *
     * @param events events to pre-load
     * @param customers customers of the simulated population
     * @param partitions partitions of every topic
     * @param commitIntervalMs commit interval of the Streams applications, the engine included
     * @param seed seed of the population and its events
     * @param latencySeconds how long each latency rate runs
     * @param engineSettings engine settings on top of the bench's (which they replace)
     * @param engineJvmOptions options of the engine's JVM (heap size, a flight recording...)
     * @param out output directory (results, logs, broker and state data under {@code work/})
     */
    public record Options(long events, int customers, int partitions, long commitIntervalMs, long seed,
                          long latencySeconds, Map<String, String> engineSettings, List<String> engineJvmOptions,
                          Path out) {
    }

    /**
     * A bench with the given options.
     *
     * @param options what to run
     * @param progress receives a line at every step
     */
    public Bench(final Options options, final Consumer<String> progress) {
        this.options = options;
        this.progress = progress;
    }

    /**
     * Runs everything and writes {@code results.json} into the output directory.
     *
     * @return the results by key, in the order measured
     */
    public Map<String, Double> run() throws IOException, InterruptedException {
        final Path work = options.out().resolve("work");
        Files.createDirectories(work);
        final Map<String, Double> results = new LinkedHashMap<>();
        final Map<String, EngineRun.Result> engineResources = new LinkedHashMap<>();
        final ProfileStreamConfig defaults = ProfileStreamConfig.of(Map.of());
        final Topics topics = Topics.from(defaults);
        final List<String> events = List.of(topics.clickstream(), topics.purchases(), topics.email());
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("kafka"), 0);
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                 broker.bootstrapServers()))) {
            final String servers = broker.bootstrapServers();
            new TopicProvisioner(admin, topics).provision(true, options.partitions(), (short) 1);
            preload(servers, registry.url(), topics);
            final CatchUp catchUp = new CatchUp(admin, events);
            final Map<TopicPartition, Long> ends = catchUp.endOffsets();
            final long total = catchUp.totalRecords();
            progress.accept(String.format("Pre-loaded %,d records into %s.", total, events));
            results.put("input.events", (double) total);
            results.put("input.customers", (double) options.customers());
            results.put("input.partitions", (double) options.partitions());

            progress.accept("Warm-up: raw consumer and a Kafka Streams run.");
            RawConsumerRun.eventsPerSecond(servers, ends, TIMEOUT);
            BaselineStreams.warmUp(servers, "bench-warm-up", Math.min(WARM_UP_EVENTS, total),
                work.resolve("streams-warm-up"), events, catchUp);

            results.put("throughput.raw_consumer", RawConsumerRun.eventsPerSecond(servers, ends, TIMEOUT));
            report("throughput.raw_consumer", results);
            for (final String guarantee : List.of(EOS, ALOS)) {
                final String suffix = guarantee.equals(EOS) ? "eos" : "alos";
                results.put("throughput.baseline_streams_" + suffix, BaselineStreams.eventsPerSecond(servers,
                    "bench-baseline-" + suffix, guarantee, options.commitIntervalMs(),
                    work.resolve("streams-" + suffix), events, catchUp));
                report("throughput.baseline_streams_" + suffix, results);
            }
            for (final String guarantee : List.of(EOS, ALOS)) {
                final String suffix = guarantee.equals(EOS) ? "eos" : "alos";
                final Map<String, String> settings = new LinkedHashMap<>(Map.of(
                    "bootstrap.servers", servers,
                    "schema.registry.url", registry.url(),
                    "application.id", "bench-engine-" + suffix,
                    "processing.guarantee", guarantee,
                    "commit.interval.ms", Long.toString(options.commitIntervalMs()),
                    "topics.partitions", Integer.toString(options.partitions())));
                settings.putAll(options.engineSettings());
                settings.put("processing.guarantee", guarantee);
                final EngineRun.Result result = EngineRun.run(work.resolve("engine-" + suffix), settings,
                    options.engineJvmOptions(), catchUp,
                    rate -> latencies(guarantee.equals(EOS), rate, servers, registry.url(), topics, results));
                results.put("throughput.engine_" + suffix, result.eventsPerSecond());
                report("throughput.engine_" + suffix, results);
                engineResources.put(suffix, result);
            }
        }
        engineResources.forEach((suffix, result) -> resources(results, suffix, result));
        progress.accept("Accuracy: BG/NBD fitted on the calibration period of the simulated population.");
        final Accuracy.Result accuracy = Accuracy.measure(options.customers(), options.seed(), CALIBRATION_DAYS,
            HOLDOUT_DAYS, options.out());
        results.putAll(accuracy.metrics());
        final List<Accuracy.Bin> calibrationBins = accuracy.bins();
        Files.writeString(options.out().resolve("results.json"), Json.nested(results), StandardCharsets.UTF_8);
        Report.write(options.out(), results, calibrationBins);
        return results;
    }

    private void preload(final String servers, final String registryUrl, final Topics topics)
        throws InterruptedException {
        final GeneratorSettings settings = new GeneratorSettings(options.customers(), options.seed(), 0,
            options.events(), Duration.ZERO).withTime(SimulatedTime.simulated(SIMULATED_START, 0, 0));
        progress.accept(String.format("Pre-loading %,d events of %,d customers.", options.events(),
            options.customers()));
        try (LoadGenerator generator = LoadGenerator.start(servers, new RestSchemaRegistryClient(registryUrl), topics,
            settings, line -> { })) {
            if (generator.awaitCompletion().errors() > 0) {
                throw new IllegalStateException("Some events could not be pre-loaded.");
            }
        }
    }

    private void latencies(final boolean measure,
                           final double maxRate,
                           final String servers,
                           final String registryUrl,
                           final Topics topics,
                           final Map<String, Double> results) throws InterruptedException {
        if (!measure) {
            return;
        }
        // Not measured: the live events move the engine from the replayed history to the wall clock, which makes
        // every profile's time-driven re-evaluation due at once, and warm up the live path.
        final double warmUpRate = Math.max(1, LATENCY_SHARES[0] * maxRate);
        progress.accept(String.format("Latency warm-up at %,.0f events/s for %d s.", warmUpRate,
            options.latencySeconds()));
        LatencyRun.measure(servers, registryUrl, topics, new GeneratorSettings(options.customers(),
            options.seed() + 2, warmUpRate, 0, Duration.ofSeconds(options.latencySeconds())));
        for (final double share : LATENCY_SHARES) {
            final double rate = Math.max(1, share * maxRate);
            final String prefix = "latency.at_" + Math.round(share * 100) + "pct";
            progress.accept(String.format("Latency at %,.0f events/s for %d s.", rate, options.latencySeconds()));
            final GeneratorSettings live = new GeneratorSettings(options.customers(), options.seed() + 1, rate, 0,
                Duration.ofSeconds(options.latencySeconds()));
            final LatencyRun.Result result = LatencyRun.measure(servers, registryUrl, topics, live);
            results.put(prefix + ".rate", rate);
            percentiles(results, prefix + ".profile_update", result.profileUpdates());
            percentiles(results, prefix + ".segment_change", result.segmentChanges());
            if (share == LATENCY_SHARES[0]) {
                percentiles(results, "latency.profile_update", result.profileUpdates());
                percentiles(results, "latency.segment_change", result.segmentChanges());
            }
        }
    }

    private static void percentiles(final Map<String, Double> results, final String prefix,
                                    final Histogram histogram) {
        results.put(prefix + ".count", (double) histogram.getTotalCount());
        results.put(prefix + ".p50_ms", LatencyRun.percentile(histogram, 50));
        results.put(prefix + ".p95_ms", LatencyRun.percentile(histogram, 95));
        results.put(prefix + ".p99_ms", LatencyRun.percentile(histogram, 99));
        results.put(prefix + ".max_ms", LatencyRun.max(histogram));
    }

    /**
     * Resource keys of one engine run; the exactly-once run's keys carry no suffix, the at-least-once run's end in
     * {@code _alos}.
     */
    private void resources(final Map<String, Double> results, final String suffix, final EngineRun.Result result) {
        final String end = "eos".equals(suffix) ? "" : "_" + suffix;
        final double events = results.get("input.events");
        results.put("resources.engine_peak_rss_mb" + end, result.peakRssMb());
        results.put("resources.engine_cpu_seconds_per_million_events" + end, result.cpuSeconds() * 1e6 / events);
        results.put("resources.engine_state_mb_per_million_profiles" + end,
            result.stateMb() * 1e6 / options.customers());
        results.put("resources.engine_seconds_to_catch_up" + end, result.seconds());
    }

    private void report(final String key, final Map<String, Double> results) {
        progress.accept(String.format("%s = %,.0f events/s", key, results.get(key)));
    }
}
