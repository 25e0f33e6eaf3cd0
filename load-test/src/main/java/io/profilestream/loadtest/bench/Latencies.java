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

    /**
     * Not measured: the live events move the engine from the replayed history to the wall clock, which makes every
     * profile's time-driven re-evaluation due at once, and warm up the live path.
     */
    static void warmUp(final Live live,
                       final Bench.Options options,
                       final double rate,
                       final Consumer<String> progress) throws InterruptedException {
        progress.accept(String.format("Latency warm-up at %,.0f events/s for %d s.", Math.max(1, rate),
            options.latencySeconds()));
        LatencyRun.measure(live.servers(), live.registryUrl(), live.topics(),
            live.settings(options, options.seed() + 2, rate, options.latencySeconds()));
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
