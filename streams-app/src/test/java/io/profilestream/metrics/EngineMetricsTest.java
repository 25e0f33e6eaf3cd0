package io.profilestream.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class EngineMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final EngineMetrics metrics = new EngineMetrics(registry, "10.0.0.1:8080");

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void shouldPublishEventToOutputLatencyAsAHistogramWithPercentiles() {
        for (int i = 1; i <= 100; i++) {
            metrics.eventToOutput(1_000, 1_000 + 10L * i);
        }
        metrics.eventToOutput(5_000, 4_000);

        final Timer timer = registry.get("profilestream.event.output.latency").timer();
        assertThat(timer.count()).isEqualTo(101);
        assertThat(timer.max(TimeUnit.MILLISECONDS)).isEqualTo(1_000);
        assertThat(timer.takeSnapshot().histogramCounts()).isNotEmpty();
        final String scrape = registry.scrape();
        assertThat(scrape).contains("profilestream_event_output_latency_seconds_bucket{le=");
        assertThat(scrape).contains("profilestream_event_output_latency_seconds_bucket{le=\"+Inf\"} 101");
        assertThat(scrape).contains("profilestream_event_output_latency_seconds_count 101");
    }

    @Test
    void shouldTagSegmentSizesWithTheInstance() {
        metrics.segmentSize("vip", 3);
        metrics.segmentSize("vip", -1);

        assertThat(metrics.segmentSize("vip")).isEqualTo(2);
        assertThat(registry.scrape()).contains(
            "profilestream_segment_size{application_server=\"10.0.0.1:8080\",segment=\"vip\"} 2.0");
        assertThat(new EngineMetrics(registry).instance()).isEqualTo(EngineMetrics.UNNAMED_INSTANCE);
    }
}
