package io.profilestream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.metrics.EngineMetrics;

class StreamsPropertiesTest {

    @Test
    void shouldPassKafkasMetricsSettingsThroughToKafkaStreams() {
        final ProfileStreamConfig config = ProfileStreamConfig.of(Map.of(
            "metrics.recording.level", "DEBUG",
            "metrics.num.samples", "3",
            "metrics.sample.window.ms", "10000",
            "metric.reporters", JmxReporter.class.getName()));

        final StreamsConfig streams =
            new StreamsConfig(StreamsProperties.from(config, new EngineMetrics(new SimpleMeterRegistry())));

        assertThat(streams.getString(StreamsConfig.METRICS_RECORDING_LEVEL_CONFIG)).isEqualTo("DEBUG");
        assertThat(streams.getInt(StreamsConfig.METRICS_NUM_SAMPLES_CONFIG)).isEqualTo(3);
        assertThat(streams.getLong(StreamsConfig.METRICS_SAMPLE_WINDOW_MS_CONFIG)).isEqualTo(10_000L);
        assertThat(streams.getList(StreamsConfig.METRIC_REPORTER_CLASSES_CONFIG))
            .containsExactly(JmxReporter.class.getName());
    }

    @Test
    void shouldNotWaitForLaggingPartitionsLiveButKeepEventTimeOrderInReplays() {
        assertThat(maxTaskIdleMs(Map.of("time.mode", "wall-clock"))).isEqualTo(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        assertThat(maxTaskIdleMs(Map.of("time.mode", "event-time"))).isZero();
        assertThat(maxTaskIdleMs(Map.of("time.mode", "wall-clock", "max.task.idle.ms", "500"))).isEqualTo(500L);
        assertThat(maxTaskIdleMs(Map.of("time.mode", "event-time", "max.task.idle.ms", "-1")))
            .isEqualTo(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    }

    @Test
    void shouldCommitAtLeastEverySecondUnderEitherGuaranteeUnlessTold() {
        assertThat(commitIntervalMs(Map.of())).isEqualTo(1000L);
        assertThat(commitIntervalMs(Map.of("commit.interval.ms", "200"))).isEqualTo(200L);
        assertThat(commitIntervalMs(Map.of("processing.guarantee", "at_least_once"))).isEqualTo(1000L);
        assertThat(commitIntervalMs(Map.of("processing.guarantee", "at_least_once", "commit.interval.ms", "5000")))
            .isEqualTo(5000L);
    }

    @Test
    void shouldHandOutMoreRecordsPerPollToTheMainConsumerUnlessTold() {
        assertThat(mainConsumerMaxPollRecords(Map.of())).isEqualTo(StreamsProperties.MAX_POLL_RECORDS);
        assertThat(mainConsumerMaxPollRecords(Map.of("max.poll.records", "500"))).isEqualTo(500);
        assertThat(mainConsumerMaxPollRecords(Map.of("consumer.max.poll.records", "600"))).isEqualTo(600);
        assertThat(mainConsumerMaxPollRecords(Map.of("main.consumer.max.poll.records", "700"))).isEqualTo(700);
    }

    private static int mainConsumerMaxPollRecords(final Map<String, String> settings) {
        final Object value = streamsConfig(settings).getMainConsumerConfigs("group", "client", 0)
            .get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG);
        return Integer.parseInt(value.toString());
    }

    private static long maxTaskIdleMs(final Map<String, String> settings) {
        return streamsConfig(settings).getLong(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG);
    }

    private static long commitIntervalMs(final Map<String, String> settings) {
        return streamsConfig(settings).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
    }

    private static StreamsConfig streamsConfig(final Map<String, String> settings) {
        return new StreamsConfig(StreamsProperties.from(ProfileStreamConfig.of(settings),
            new EngineMetrics(new SimpleMeterRegistry())));
    }

    @Test
    void shouldRecordTheDebugLevelTaskMetricsOnlyWhenTheRecordingLevelIsDebug() {
        assertThat(tasksProcessTotal(Map.of("metrics.recording.level", "DEBUG"))).isPositive();
        assertThat(tasksProcessTotal(Map.of())).isZero();
    }

    /**
     * Pipes one purchase through the engine's topology and returns the sum of its tasks' {@code process-total}, a
     * metric that Kafka Streams records only at the DEBUG recording level.
     */
    private static double tasksProcessTotal(final Map<String, String> overrides) {
        try (TopologyFixture fixture = new TopologyFixture(overrides, null)) {
            fixture.purchases.pipeInput("c1", TestEvents.order("p1", "c1", TopologyFixture.START, 100,
                TestEvents.item("books", 1, 100)));
            final List<Metric> processTotals = fixture.driver.metrics().entrySet().stream()
                .filter(entry -> "stream-task-metrics".equals(entry.getKey().group())
                    && "process-total".equals(entry.getKey().name()))
                .map(Map.Entry::getValue)
                .collect(Collectors.toList());
            assertThat(processTotals).isNotEmpty();
            return processTotals.stream().mapToDouble(metric -> (Double) metric.metricValue()).sum();
        }
    }
}
