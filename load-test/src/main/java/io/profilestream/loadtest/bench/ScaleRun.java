package io.profilestream.loadtest.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.config.Topics;
import io.profilestream.loadtest.EventProducer;
import io.profilestream.loadtest.GeneratorSettings;
import io.profilestream.loadtest.LoadGenerator;
import io.profilestream.loadtest.SimulatedTime;
import io.profilestream.registry.RestSchemaRegistryClient;
import io.profilestream.serde.EngineSerdes;
import io.profilestream.topology.Stores;

/**
 * {@code bench --only scale}: the exactly-once engine holding a given number of profiles, for its memory, its state
 * size and its lookups at that size.
 * It pre-loads one order for each of {@code profiles} new customers ({@link ScalePopulation}) into the purchase topic,
 * through the load generator's producer code and the engine's serdes (registry wire format), with larger batches; then
 * the engine catches up; then profile lookups of a sample of those customers over HTTP with no ingestion
 * ({@link ServingRun}); then the engine counts the profiles it holds (exactly, by reading its whole store for a
 * segment preview of the rule {@code true}, after the lookups so that this read does not warm their cache), and the
 * run fails unless that count and the engine's count of orders applied are at least 99% of the customers.
 * Keys: {@code input.*} (the profiles, the pre-load's time and rate), {@code throughput.engine_eos},
 * {@code serving.*} and {@code resources.*}.
 */
final class ScaleRun {

    /** Default number of profiles. */
    static final int DEFAULT_PROFILES = 5_000_000;
    /** Share of the pre-loaded profiles the engine must report holding before the run reports anything. */
    static final double MIN_PROFILE_SHARE = 0.99;
    /**
     * Customer ids the lookups draw from, spread evenly over the population: many more than the other scopes' 10,000,
     * so that at millions of profiles the lookups read all over the stores rather than from a warm corner of the block
     * cache.
     */
    static final int LOOKUP_SAMPLE = 100_000;

    /** Estimated keys per store of the engine ({@code StoreSizes}: RocksDB's {@code estimate-num-keys}). */
    private static final String STORE_ENTRIES = "profilestream_store_entries";
    /** The engine's count of input events by topic and outcome. */
    private static final String EVENTS = "profilestream_events_total";
    private static final Duration METRICS_TIMEOUT = Duration.ofMinutes(2);
    /** How long the engine may take to read its whole profile store for the count. */
    private static final Duration COUNT_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration METRICS_POLL = Duration.ofMillis(500);
    private static final double BYTES_PER_MIB = 1024.0 * 1024.0;
    /** Producer batches of 512 KiB (the default is 16 KiB), sent after at most 20 ms, uncompressed. */
    private static final int BATCH_BYTES = 512 * 1024;
    private static final int LINGER_MS = 20;
    private static final long BUFFER_BYTES = 128L * 1024 * 1024;
    /** Pre-load progress every this many of the producer's one-second lines. */
    private static final int PROGRESS_EVERY = 10;

    private final Bench.Options options;
    private final int profiles;
    private final Consumer<String> progress;

    /**
     * A scale run.
     *
     * @param options the bench's options; the partitions, seed, serving client and the engine's JVM options apply
     * @param profiles new customers to pre-load, one order and so one profile each; positive
     * @param progress receives a line at every step
     */
    ScaleRun(final Bench.Options options, final int profiles, final Consumer<String> progress) {
        if (profiles <= 0) {
            throw new IllegalArgumentException("The number of profiles must be positive.");
        }
        this.options = options;
        this.profiles = profiles;
        this.progress = progress;
    }

    /**
     * Pre-loads, runs the engine and the lookups, and adds the results.
     *
     * @param servers the bench's broker
     * @param registryUrl the bench's schema registry
     * @param topics the engine's topics, provisioned
     * @param admin an admin client of the broker
     * @param work the bench's work directory
     * @param engineSettings the exactly-once engine's settings
     * @param results where the keys go, in the order measured
     */
    void run(final String servers,
             final String registryUrl,
             final Topics topics,
             final Admin admin,
             final Path work,
             final Map<String, String> engineSettings,
             final Map<String, Double> results) throws IOException, InterruptedException {
        final EventProducer.Stats preload = preload(servers, registryUrl, topics);
        final CatchUp catchUp = new CatchUp(admin, List.of(topics.purchases()));
        final long records = catchUp.totalRecords();
        if (records != profiles) {
            throw new IllegalStateException(String.format("%s holds %,d records after the pre-load, not %,d.",
                topics.purchases(), records, profiles));
        }
        final double preloadSeconds = preload.elapsed().toNanos() / 1e9;
        progress.accept(String.format("Pre-loaded %,d orders of %,d new customers into %s in %.1f s (%,.0f events/s).",
            records, profiles, topics.purchases(), preloadSeconds, preload.eventsPerSecond()));
        results.put("input.events", (double) records);
        results.put("input.customers", (double) profiles);
        results.put("input.partitions", (double) options.partitions());
        results.put("input.preload_seconds", preloadSeconds);
        results.put("input.preload_events_per_second", preload.eventsPerSecond());
        final EngineRun engine = EngineRun.start(work.resolve("engine-scale"), "engine", engineSettings,
            options.engineJvmOptions());
        try (engine) {
            final EngineRun.Result result = engine.catchUp(catchUp);
            results.put("throughput.engine_eos", result.eventsPerSecond());
            progress.accept(String.format("throughput.engine_eos = %,.0f events/s (first record after %.1f s, caught up "
                + "%.1f s later)", result.eventsPerSecond(), result.startupSeconds(), result.seconds()));
            final EngineProbe probe = new EngineProbe(engine.baseUri());
            final double estimate = await(probe, STORE_ENTRIES, List.of("store=\"" + Stores.PROFILES + "\""));
            final double applied = await(probe, EVENTS, List.of("topic=\"" + topics.purchases() + "\"",
                "outcome=\"applied\""));
            final List<String> sample = sample(profiles, LOOKUP_SAMPLE);
            progress.accept(String.format("Serving: %d clients look up %,d of the %,d customers, then ask "
                + "/health/live, %d s each, with no ingestion.", options.servingConcurrency(), sample.size(),
                profiles, options.servingSeconds()));
            final ServingRun.Result serving = ServingRun.measure(engine.baseUri(), sample,
                options.servingConcurrency(), Duration.ofSeconds(options.servingSeconds()));
            serving.putInto(options.servingConcurrency(), 0, sample.size(), results);
            progress.accept(String.format("serving.lookup_rps = %,.0f (p99 %.1f ms, %,d failures), "
                + "serving.baseline_rps = %,.0f", serving.lookups().perSecond(), serving.lookups().percentileMs(99),
                serving.lookups().failed(), serving.baseline().perSecond()));
            final double peakAfterLookups = engine.peakRssMb();
            final long countStart = System.nanoTime();
            final long held = probe.countProfiles(COUNT_TIMEOUT);
            progress.accept(String.format("The engine holds %,d profiles (counted by a preview of the rule true in "
                + "%.1f s; RocksDB's estimate of %s: %,.0f) and applied %,.0f orders.", held,
                (System.nanoTime() - countStart) / 1e9, Stores.PROFILES, estimate, applied));
            check(held, applied);
            results.put("resources.engine_profiles", (double) held);
            results.put("resources.engine_profiles_estimate", estimate);
            results.put("resources.engine_orders_applied", applied);
            results.put("resources.engine_peak_rss_mb", result.peakRssMb());
            results.put("resources.engine_peak_rss_mb_after_lookups", peakAfterLookups);
            results.put("resources.engine_cpu_seconds_per_million_events", result.cpuSeconds() * 1e6 / profiles);
            results.put("resources.engine_startup_seconds", result.startupSeconds());
            results.put("resources.engine_seconds_to_catch_up", result.seconds());
        }
        final double stateMb = engine.stateMb();
        results.put("resources.engine_state_mb", stateMb);
        results.put("resources.engine_state_mb_per_million_profiles", stateMb * 1e6 / profiles);
        results.put("resources.engine_state_bytes_per_profile", stateMb * BYTES_PER_MIB / profiles);
    }

    /** The orders, produced as fast as the broker takes them, with the load generator's producer and serdes. */
    private EventProducer.Stats preload(final String servers, final String registryUrl, final Topics topics) {
        progress.accept(String.format("Pre-loading one order for each of %,d new customers (%s to %s).", profiles,
            Bench.SIMULATED_START.minus(ScalePopulation.SPAN), Bench.SIMULATED_START));
        final Map<String, Object> config = new HashMap<>(LoadGenerator.producerConfig(servers));
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "profilestream-bench-scale");
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES);
        config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, BUFFER_BYTES);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        // One batch in flight per partition: on a broker that has just created the topic, a first batch can come back
        // NOT_LEADER_OR_FOLLOWER while later ones are appended, and the retried first batch is then refused as out of
        // order until it expires (seen once in CI with five in flight). Half-megabyte batches keep the rate.
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        // Simulated time: the event time travels in the value only, the record timestamp is the time of sending.
        final GeneratorSettings settings = new GeneratorSettings(profiles, options.seed(), 0, 0, Duration.ZERO)
            .withTime(SimulatedTime.simulated(Bench.SIMULATED_START, 0, 0));
        final int maxRecordBytes = ProfileStreamConfig.of(Map.of()).getInt("validation.max.record.bytes");
        final int[] lines = new int[1];
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config);
             EventProducer events = new EventProducer(producer,
                 new EngineSerdes(new RestSchemaRegistryClient(registryUrl), maxRecordBytes), topics,
                 new ScalePopulation(profiles, options.seed(), Bench.SIMULATED_START), settings,
                 line -> {
                     // One rate line a second, then a summary line, which the pre-load's own summary replaces.
                     if (!line.startsWith("Done") && ++lines[0] % PROGRESS_EVERY == 0) {
                         progress.accept("Pre-load: " + line);
                     }
                 })) {
            final EventProducer.Stats stats = events.run();
            if (stats.errors() > 0 || stats.acknowledged() != profiles) {
                throw new IllegalStateException(String.format("The pre-load sent %,d orders, %,d acknowledged, %,d "
                    + "errors, for %,d customers.", stats.sent(), stats.acknowledged(), stats.errors(), profiles));
            }
            return stats;
        }
    }

    /** Fails unless the engine holds, and has applied, at least {@link #MIN_PROFILE_SHARE} of the profiles. */
    private void check(final long held, final double applied) {
        final double least = MIN_PROFILE_SHARE * profiles;
        if (held < least || applied < least) {
            throw new IllegalStateException(String.format("The engine holds %,d profiles and applied %,.0f orders "
                + "for %,d customers pre-loaded (at least %,.0f of each expected): not a run at that size.", held,
                applied, profiles, least));
        }
    }

    /**
     * {@code size} customer ids of a population of {@code profiles} (all of them when there are fewer), spread evenly
     * over it, the first and every {@code profiles / size}-th after it.
     */
    static List<String> sample(final int profiles, final int size) {
        final int count = Math.min(profiles, size);
        final List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(ScalePopulation.customerId((int) (1 + (long) i * profiles / count)));
        }
        return ids;
    }

    /**
     * The sum of the engine's samples of a series carrying every label given, once it shows a number (its store
     * gauges read NaN while a store cannot be queried).
     */
    private static double await(final EngineProbe probe, final String series, final List<String> labels)
        throws InterruptedException {
        final long deadline = System.nanoTime() + METRICS_TIMEOUT.toNanos();
        while (true) {
            final OptionalDouble value = probe.sum(series, labels);
            if (value.isPresent() && !Double.isNaN(value.getAsDouble())) {
                return value.getAsDouble();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The engine did not show " + series + " " + labels + " on /metrics "
                    + "within " + METRICS_TIMEOUT.toSeconds() + " s.");
            }
            TimeUnit.MILLISECONDS.sleep(METRICS_POLL.toMillis());
        }
    }
}
