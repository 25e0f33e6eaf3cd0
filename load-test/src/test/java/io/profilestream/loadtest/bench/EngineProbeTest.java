package io.profilestream.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Reading one series out of the engine's Prometheus text.
 */
class EngineProbeTest {

    private static final String METRICS = String.join("\n",
        "# HELP kafka_stream_thread_process_total The total number of calls to process",
        "# TYPE kafka_stream_thread_process_total counter",
        "kafka_stream_thread_process_total{client_id=\"a\",thread_id=\"a-StreamThread-1\"} 1200.0",
        "kafka_stream_thread_process_total{client_id=\"a\",thread_id=\"a-StreamThread-2\"} 34.0",
        "kafka_stream_thread_process_total_other{client_id=\"a\"} 99.0",
        "kafka_stream_thread_process_rate{client_id=\"a\",thread_id=\"a-StreamThread-1\"} 5.0",
        "profilestream_store_entries{application_server=\"h:1\",store=\"profiles-store\"} 2000.0",
        "profilestream_store_entries{application_server=\"h:1\",store=\"event-dedup-store\"} 2100.0",
        "");

    @Test
    void shouldSumEverySampleOfTheSeriesAndNothingElse() {
        assertThat(EngineProbe.sum(METRICS, EngineProbe.PROCESSED_RECORDS)).hasValue(1234.0);
    }

    @Test
    void shouldSumOnlyTheSamplesThatCarryTheLabel() {
        assertThat(EngineProbe.sum(METRICS, "profilestream_store_entries", List.of("store=\"profiles-store\"",
            "application_server=\"h:1\""))).hasValue(2000.0);
        assertThat(EngineProbe.sum(METRICS, "profilestream_store_entries")).hasValue(4100.0);
        assertThat(EngineProbe.sum(METRICS, "profilestream_store_entries", List.of("store=\"profiles-store\"",
            "application_server=\"h:2\""))).isEmpty();
    }

    @Test
    void shouldGiveEachSampleOfTheSeriesOnItsOwn() {
        assertThat(EngineProbe.values(METRICS, EngineProbe.PROCESSED_RECORDS, List.of())).containsExactly(1200.0, 34.0);
        assertThat(EngineProbe.values(METRICS, "kafka_stream_thread_commit_latency_avg", List.of())).isEmpty();
    }

    @Test
    void shouldTellWhenTheSeriesIsNotThereYet() {
        assertThat(EngineProbe.sum("# nothing yet\njvm_threads_live_threads 12.0\n", EngineProbe.PROCESSED_RECORDS))
            .isEmpty();
    }
}
