package io.profilestream.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole bench, embedded broker and engine JVMs included, on a tiny input after a tiny warm-up input: every
 * throughput and resource key is measured, positive, and written to results.json with the report and its charts; the
 * engine's rate counts records of the measured input only, its cold rate on the warm-up is reported apart; the latency
 * with the engine's default commit interval and the serving figures are there, with counts above zero and ordered
 * percentiles.
 * No timed assertions.
 */
@Tag("integration")
class BenchIT {

    private static final List<String> KEYS = List.of(
        "throughput.engine_eos",
        "throughput.engine_alos",
        "throughput.baseline_streams_eos",
        "throughput.baseline_streams_alos",
        "throughput.raw_consumer",
        "throughput.engine_eos_warm_up",
        "throughput.engine_alos_warm_up");

    @Test
    void shouldMeasureEveryThroughputOnATinyInput(@TempDir final Path out) throws Exception {
        final List<String> progress = new ArrayList<>();
        // A short commit interval, so that the engine commits several times within the measured input.
        final Map<String, Double> results = new Bench(new Bench.Options(2_000, 1_000, 200, 2, 100, 7L, 3, 2, 4,
            Bench.Scope.ALL, Map.of("num.stream.threads", "1"), List.of("-Xmx512m"), out),
            progress::add).run();

        assertThat(results).containsKeys(KEYS.toArray(String[]::new));
        KEYS.forEach(key -> assertThat(results.get(key)).as(key).isPositive().isFinite());
        assertThat(results.get("input.events")).isGreaterThanOrEqualTo(2_000);
        assertThat(results.get("input.warm_up_events")).isGreaterThanOrEqualTo(1_000);
        assertThat(results.get("input.warm_up_customers")).isEqualTo(100);
        // Both runs timed from the warm-up's commit over records of the measured input only (the live phases, which
        // write into the same topics, come after both), and the rate is over them.
        for (final String run : List.of("", "_alos")) {
            final double records = results.get("resources.engine_measured_records" + run);
            assertThat(records).as(run).isPositive().isLessThanOrEqualTo(results.get("input.events"));
            assertThat(results.get("resources.engine_state_mb_per_million_profiles" + run)).as(run).isPositive();
            assertThat(results.get("throughput.engine_" + (run.isEmpty() ? "eos" : "alos"))).as(run)
                .isCloseTo(records / results.get("resources.engine_seconds_to_catch_up" + run), within(1e-6));
            assertThat(results.get("resources.engine_warm_up_seconds" + run)).as(run).isPositive();
            // The stream thread did the timed work, and the process's CPU holds its own.
            final double streamThreads =
                results.get("resources.engine_timed_stream_thread_cpu_seconds_per_million_events" + run);
            assertThat(streamThreads).as(run).isPositive()
                .isLessThan(results.get("resources.engine_timed_cpu_seconds_per_million_events" + run));
            // The measured events ran the default catalogue's rules (fewer per event on this tiny input than it
            // seems: processing goes on during the commit interval before the warm-up is seen committed).
            assertThat(results.get("resources.engine_timed_rule_evaluations_per_event" + run)).as(run).isPositive();
            // The engine's JIT compilers work through start-up and warm-up; the timed part reports their share.
            assertThat(results.get("resources.engine_timed_jit_compile_share" + run)).as(run).isNotNegative()
                .isFinite();
        }
        // Each live phase warms up in slices of --latency-seconds (3 here) until the engine's compilers settle.
        for (final String phase : List.of("latency", "latency_engine_defaults")) {
            assertThat(results.get(phase + ".warm_up_seconds")).as(phase).isIn(3.0, 6.0, 9.0, 12.0);
        }
        final String json = Files.readString(out.resolve("results.json"), StandardCharsets.UTF_8);
        assertThat(json).contains("\"throughput\"", "\"engine_eos\"", "\"engine_alos\"", "\"baseline_streams_eos\"",
            "\"baseline_streams_alos\"", "\"raw_consumer\"");
        assertThat(results.get("input.java_version")).isEqualTo((double) Runtime.version().feature());
        assertThat(results.get("resources.engine_peak_rss_mb")).isPositive();
        assertThat(results.get("resources.engine_cpu_seconds_per_million_events")).isPositive();
        assertThat(json).contains("\"resources\"", "\"engine_peak_rss_mb\"", "\"engine_eos_warm_up\"",
            "\"warm_up_events\"");
        assertThat(results.get("latency.profile_update.count")).isPositive();
        assertThat(results.get("latency.profile_update.p99_ms")).isNotNegative();
        assertThat(results).containsKeys("latency.segment_change.p99_ms", "latency.at_50pct.profile_update.p99_ms");
        assertThat(results.get("resources.engine_startup_seconds")).isPositive();
        assertThat(results.get("resources.engine_startup_seconds_alos")).isPositive();
        assertThat(results.get("resources.engine_seconds_to_catch_up")).isPositive();
        assertThat(results.get("resources.engine_profiles"))
            .isGreaterThanOrEqualTo(results.get("serving.known_customers"));
        assertThat(results.get("resources.engine_state_bytes_per_profile")).isPositive();
        for (final String output : List.of("profile_update", "segment_change")) {
            assertPercentiles(results, "latency_engine_defaults." + output);
        }
        // The engine committed while its latency was measured, and Kafka Streams timed those commits (in whole
        // milliseconds divided by tasks: a quick commit counts 0).
        assertThat(results.get("latency_engine_defaults.commits_per_second")).isPositive();
        assertThat(results.get("latency_engine_defaults.commit_latency_avg_ms")).isNotNegative()
            .isLessThanOrEqualTo(results.get("latency_engine_defaults.commit_latency_max_ms"));
        assertThat(json).contains("\"latency_engine_defaults\"", "\"serving\"");
        assertThat(results.get("serving.lookup_count")).isPositive();
        assertThat(results.get("serving.baseline_count")).isPositive();
        assertThat(results.get("serving.lookup_failures")).isZero();
        assertThat(results.get("serving.lookup_rps")).isPositive();
        assertThat(results.get("serving.baseline_rps")).isPositive();
        assertThat(results.get("serving.lookup_p50_ms")).isPositive()
            .isLessThanOrEqualTo(results.get("serving.lookup_p99_ms"));
        assertThat(results.get("serving.ingest_rate")).isPositive();
        assertThat(results).containsKeys("accuracy.churn_auc", "accuracy.holdout_calibration_mape");
        assertThat(out.resolve("report.md")).content().contains("throughput.png", "calibration.png");
        assertThat(out.resolve("throughput.png")).isNotEmptyFile();
        assertThat(out.resolve("latency.png")).isNotEmptyFile();
        assertThat(out.resolve("calibration.png")).isNotEmptyFile();
        assertThat(BenchCommand.table(results)).contains("throughput.engine_eos", "latency_engine_defaults.",
            "serving.lookup_p99_ms");
        assertThat(out.resolve("report.md")).content().contains("latency_engine_defaults.segment_change.p99_ms",
            "serving.baseline_rps");
    }

    private static void assertPercentiles(final Map<String, Double> results, final String prefix) {
        assertThat(results.get(prefix + ".count")).as(prefix).isPositive();
        assertThat(results.get(prefix + ".p50_ms")).as(prefix).isNotNegative()
            .isLessThanOrEqualTo(results.get(prefix + ".p95_ms"));
        assertThat(results.get(prefix + ".p95_ms")).as(prefix).isLessThanOrEqualTo(results.get(prefix + ".p99_ms"));
        assertThat(results.get(prefix + ".p99_ms")).as(prefix).isLessThanOrEqualTo(results.get(prefix + ".max_ms"));
    }
}
