package io.profilestream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileStreamConfigTest {

    @TempDir
    Path dir;

    @Test
    void shouldLayerDefaultsFileEnvironmentAndFlagsInThatOrder() throws IOException {
        final Path file = dir.resolve("engine.properties");
        Files.writeString(file, "http.port=9000\ncommit.interval.ms=500\ntopics.partitions=3\n");
        final ProfileStreamConfig config = ProfileStreamConfig.load(file,
            Map.of("PROFILESTREAM_COMMIT_INTERVAL_MS", "700", "PROFILESTREAM_TOPICS_PARTITIONS", "4", "HOME", "/root"),
            Map.of("topics.partitions", "5"));

        assertThat(config.get("application.id")).isEqualTo("profilestream");
        assertThat(config.getInt("http.port")).isEqualTo(9000);
        assertThat(config.getLong("commit.interval.ms")).isEqualTo(700);
        assertThat(config.getInt("topics.partitions")).isEqualTo(5);
        assertThat(config.asMap()).doesNotContainKey("home");
    }

    @Test
    void shouldPassKafkaSettingsThroughAndKeepEngineSettingsOut() {
        final ProfileStreamConfig config = ProfileStreamConfig.of(Map.of("max.poll.records", "100"));
        assertThat(config.kafkaSettings())
            .containsEntry("max.poll.records", "100")
            .containsEntry("processing.guarantee", "exactly_once_v2")
            .doesNotContainKeys("http.port", "topics.clickstream", "currency.base", "schema.registry.url");
    }

    @Test
    void shouldPassKafkasMetricsSettingsThrough() {
        final ProfileStreamConfig config = ProfileStreamConfig.of(Map.of(
            "metrics.recording.level", "DEBUG",
            "metrics.num.samples", "3",
            "metrics.sample.window.ms", "10000",
            "metric.reporters", "org.apache.kafka.common.metrics.JmxReporter"));
        assertThat(config.kafkaSettings())
            .containsEntry("metrics.recording.level", "DEBUG")
            .containsEntry("metrics.num.samples", "3")
            .containsEntry("metrics.sample.window.ms", "10000")
            .containsEntry("metric.reporters", "org.apache.kafka.common.metrics.JmxReporter");
    }

    @Test
    void shouldMaskSecretsInTheEffectiveConfiguration() {
        final ProfileStreamConfig config = ProfileStreamConfig.of(Map.of(
            "api.key", "s3cret",
            "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"x\";",
            "schema.registry.basic.auth.user.info", "user:pw",
            "ssl.truststore.password", "pw",
            "identity.email.hash.salt", "pepper"));
        assertThat(config.masked())
            .containsEntry("api.key", "[hidden]")
            .containsEntry("sasl.jaas.config", "[hidden]")
            .containsEntry("schema.registry.basic.auth.user.info", "[hidden]")
            .containsEntry("ssl.truststore.password", "[hidden]")
            .containsEntry("identity.email.hash.salt", "[hidden]")
            .containsEntry("application.id", "profilestream");
        assertThat(config.toString()).doesNotContain("s3cret", "user:pw", "pepper");
        assertThat(config.kafkaSettings()).doesNotContainKey("identity.email.hash.salt");
    }

    @Test
    void shouldMaskTheReadKeyTlsPasswordsAndCredentialsInUrls() {
        final ProfileStreamConfig config = ProfileStreamConfig.of(Map.of(
            "api.read.key", "reader-secret",
            "http.tls.keystore.password", "store-pw",
            "http.tls.key.password", "key-pw",
            "ssl.keystore.key", "-----BEGIN PRIVATE KEY-----",
            "schema.registry.url", "https://registry-user:registry-pw@registry:8081,http://other:8081"));
        assertThat(config.masked())
            .containsEntry("api.read.key", "[hidden]")
            .containsEntry("http.tls.keystore.password", "[hidden]")
            .containsEntry("http.tls.key.password", "[hidden]")
            .containsEntry("ssl.keystore.key", "[hidden]")
            .containsEntry("schema.registry.url", "https://[hidden]@registry:8081,http://other:8081")
            .containsEntry("http.metrics.require.key", "false");
        assertThat(config.toString()).doesNotContain("reader-secret", "store-pw", "key-pw", "PRIVATE", "registry-pw",
            "registry-user");
    }

    @Test
    void shouldNameTheKeyInErrors() {
        final ProfileStreamConfig config = ProfileStreamConfig.of(Map.of("topics.partitions", "many"));
        assertThatThrownBy(() -> config.getInt("topics.partitions"))
            .isInstanceOf(ConfigException.class)
            .hasMessage("Configuration key topics.partitions must be an integer, not 'many'.");
        assertThatThrownBy(() -> ProfileStreamConfig.load(dir.resolve("missing.properties"), Map.of(), Map.of()))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("missing.properties");
    }

    @Test
    void shouldReportSettingsTheDomainRefusesAsConfigurationErrors() {
        final ProfileStreamConfig thresholds = ProfileStreamConfig.of(Map.of(
            "lifecycle.at.risk.enter", "0.6", "lifecycle.at.risk.exit", "0.7"));
        assertThatThrownBy(() -> EngineSettings.from(thresholds))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("at-risk.exit <= at-risk.enter");
        final ProfileStreamConfig rates = ProfileStreamConfig.of(Map.of("currency.rates", "EUR=1.08"));
        assertThatThrownBy(() -> EngineSettings.from(rates))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("currency.rates must look like EUR:1.08,GBP:1.27");
        final ProfileStreamConfig negative = ProfileStreamConfig.of(Map.of("currency.rates", "EUR:-1"));
        assertThatThrownBy(() -> EngineSettings.from(negative))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("the rate for EUR must be a positive number");
        final ProfileStreamConfig cache = ProfileStreamConfig.of(Map.of("profile.cache.size", "-1"));
        assertThatThrownBy(() -> EngineSettings.from(cache))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("profile.cache.size must be 0 or more, not -1.");
        final ProfileStreamConfig links = ProfileStreamConfig.of(Map.of("identity.link.cache.size", "-1"));
        assertThatThrownBy(() -> EngineSettings.from(links))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("identity.link.cache.size must be 0 or more, not -1.");
        final ProfileStreamConfig commits = ProfileStreamConfig.of(Map.of("profile.commit.min.interval.ms", "-5"));
        assertThatThrownBy(() -> EngineSettings.from(commits))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("profile.commit.min.interval.ms must be 0 (off) or more, not -5.");
    }
}
