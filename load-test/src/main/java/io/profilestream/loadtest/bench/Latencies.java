package io.profilestream.loadtest.bench;

import java.util.Map;
import java.util.function.Consumer;

import org.HdrHistogram.Histogram;

/**
 * The {@code latency} section: from event to output against the exactly-once engine with the bench's settings, at
 * shares of its measured rate.
 */
final class Latencies {

    private Latencies() {
    }

    /** The compilers' share of one core below which the engine's JIT counts as settled. */
    static final double SETTLED_COMPILE_SHARE = 0.2;
    /** The most warm-up slices of {@code --latency-seconds} each before a live measurement. */
    static final int MAX_WARM_UP_SLICES = 4;

    /**
     * Not measured: the live events move the engine from the replayed history to the wall clock, which makes every
     * profile's time-driven re-evaluation due at once, and warm up the live path. The live engine is a new JVM, and on
     * two cores its JIT compilers take about as much CPU as the stream thread for the first minute, so the warm-up runs
     * in slices of {@code --latency-seconds} until the compilers spent less than {@link #SETTLED_COMPILE_SHARE} of a
     * core during the last one ({@code jvm_compilation_time_ms_total} on the engine's {@code /metrics}), at most
     * {@link #MAX_WARM_UP_SLICES}. Returns the seconds it ran.
     *
     * @param seed the seed of the first slice's events; each further slice adds 100
     */
    static long warmUp(final Live live,
                       final EngineRun engine,
                       final Bench.Options options,
                       final double rate,
                       final long seed,
                       final Consumer<String> progress) throws InterruptedException {
        long seconds = 0;
        for (int slice = 0; slice < MAX_WARM_UP_SLICES; slice++) {
            progress.accept(String.format("Live warm-up at %,.0f events/s for %d s.", Math.max(1, rate),
                options.latencySeconds()));
            final double compiledBefore = engine.compilationSeconds();
            final long started = System.nanoTime();
            LatencyRun.measure(live.servers(), live.registryUrl(), live.topics(),
                live.settings(options, seed + 100L * slice, rate, options.latencySeconds()));
            seconds += options.latencySeconds();
            // Over the slice as it ran: the run also waits for the last outputs after its generator stops.
            final double share = (engine.compilationSeconds() - compiledBefore) / ((System.nanoTime() - started) / 1e9);
            progress.accept(String.format("The engine's JIT compilers used %.2f of a core during it.", share));
            if (!(share >= SETTLED_COMPILE_SHARE)) {
                break;
            }
        }
        return seconds;
    }

    /**
     * Latency at each share of the engine's rate ({@code latency.at_20pct.*}...); the first share's figures are also
     * {@code latency.profile_update.*} and {@code latency.segment_change.*}.
     */
    static void measure(final Live live,
                        final Bench.Options options,
                        final double maxRate,
                        final double[] shares,
                        final Map<String, Double> results,
                        final Consumer<String> progress) throws InterruptedException {
        for (final double share : shares) {
            final double rate = Math.max(1, share * maxRate);
            final String prefix = "latency.at_" + Math.round(share * 100) + "pct";
            progress.accept(String.format("Latency at %,.0f events/s for %d s.", rate, options.latencySeconds()));
            final LatencyRun.Result result = LatencyRun.measure(live.servers(), live.registryUrl(), live.topics(),
                live.settings(options, options.seed() + 1, rate, options.latencySeconds()));
            results.put(prefix + ".rate", rate);
            percentiles(results, prefix + ".profile_update", result.profileUpdates());
            percentiles(results, prefix + ".segment_change", result.segmentChanges());
            if (share == shares[0]) {
                percentiles(results, "latency.profile_update", result.profileUpdates());
                percentiles(results, "latency.segment_change", result.segmentChanges());
            }
        }
    }

    /** {@code PREFIX.count}, {@code .p50_ms}, {@code .p95_ms}, {@code .p99_ms} and {@code .max_ms}. */
    static void percentiles(final Map<String, Double> results, final String prefix, final Histogram histogram) {
        results.put(prefix + ".count", (double) histogram.getTotalCount());
        results.put(prefix + ".p50_ms", LatencyRun.percentile(histogram, 50));
        results.put(prefix + ".p95_ms", LatencyRun.percentile(histogram, 95));
        results.put(prefix + ".p99_ms", LatencyRun.percentile(histogram, 99));
        results.put(prefix + ".max_ms", LatencyRun.max(histogram));
    }
}
