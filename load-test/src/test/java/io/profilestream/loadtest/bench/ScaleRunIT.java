package io.profilestream.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bench --only scale} from the command line on 2,000 profiles, embedded broker and engine JVM included: the
 * engine holds exactly one profile per pre-loaded customer, finds every customer looked up, and results.json has the
 * input, throughput, serving and resource figures.
 * No timed assertions.
 */
@Tag("integration")
class ScaleRunIT {

    private static final int PROFILES = 2_000;

    @Test
    void shouldBuildOneProfilePerCustomerAndLookThemUp(@TempDir final Path out) throws Exception {
        final StringWriter err = new StringWriter();
        final StringWriter stdout = new StringWriter();
        final int exit = new CommandLine(new BenchCommand()).setErr(new PrintWriter(err)).setOut(new PrintWriter(stdout))
            .execute("--only", "scale", "--profiles", Integer.toString(PROFILES), "--partitions", "2",
                "--serving-seconds", "1", "--serving-concurrency", "2", "--engine-setting", "num.stream.threads=1",
                "--engine-jvm-option=-Xmx512m", "--out", out.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString()).contains("Pre-loaded 2,000 orders of 2,000 new customers",
            "The engine holds 2,000 profiles");
        final JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.path("input").path("events").asDouble()).isEqualTo(PROFILES);
        assertThat(results.path("input").path("customers").asDouble()).isEqualTo(PROFILES);
        assertThat(results.path("input").path("preload_events_per_second").asDouble()).isPositive();
        assertThat(results.path("throughput").path("engine_eos").asDouble()).isPositive();
        final JsonNode resources = results.path("resources");
        assertThat(resources.path("engine_profiles").asDouble()).isEqualTo(PROFILES);
        assertThat(resources.path("engine_orders_applied").asDouble()).isEqualTo(PROFILES);
        assertThat(resources.path("engine_profiles_estimate").asDouble()).isPositive();
        assertThat(resources.path("engine_peak_rss_mb").asDouble()).isPositive()
            .isLessThanOrEqualTo(resources.path("engine_peak_rss_mb_after_lookups").asDouble());
        assertThat(resources.path("engine_state_mb").asDouble()).isPositive();
        assertThat(resources.path("engine_state_bytes_per_profile").asDouble())
            .isCloseTo(resources.path("engine_state_mb").asDouble() * 1024 * 1024 / PROFILES, withinPercentage(1));
        assertThat(resources.path("engine_startup_seconds").asDouble()).isPositive();
        final JsonNode serving = results.path("serving");
        assertThat(serving.path("known_customers").asDouble()).isEqualTo(PROFILES);
        assertThat(serving.path("ingest_rate").asDouble()).isZero();
        assertThat(serving.path("lookup_count").asDouble()).isPositive();
        assertThat(serving.path("lookup_failures").asDouble()).isZero();
        assertThat(serving.path("lookup_p50_ms").asDouble()).isPositive()
            .isLessThanOrEqualTo(serving.path("lookup_p99_ms").asDouble());
        assertThat(stdout.toString()).contains("resources.engine_profiles", "serving.lookup_p99_ms");
    }
}
