package io.profilestream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The deployment files hold together: docker-compose.yml defines the broker, a registry, two or more engines, the
 * load generator, Prometheus scraping every engine and Grafana with the dashboard provisioned, and every service comes
 * up in order. Where Debian's {@code docker-compose} and {@code promtool} are installed they validate the files too;
 * where they are not, those checks are skipped (.ci/run installs them).
 */
class OpsFilesTest {

    private final JsonNode services = OpsFiles.yaml("docker-compose.yml").path("services");

    @Test
    void shouldRunKafkaAndConfluentSchemaRegistryImagesThatFitEachOther() {
        assertThat(services.at("/kafka/image").asText()).isEqualTo("apache/kafka:4.3.1");
        assertThat(services.at("/schema-registry/image").asText()).startsWith("confluentinc/cp-schema-registry:8.");
        assertThat(services.at("/kafka/environment/KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText()).isEqualTo("false");
    }

    @Test
    void shouldRunTwoOrMoreEnginesEachAdvertisingItsOwnHost() {
        final List<String> engines = engines();
        assertThat(engines).hasSizeGreaterThanOrEqualTo(2);
        final Set<String> advertised = new HashSet<>();
        for (final String engine : engines) {
            final JsonNode service = services.path(engine);
            assertThat(service.path("build").asText()).isEqualTo(".");
            assertThat(service.at("/environment/PROFILESTREAM_HTTP_ADVERTISED_HOST").asText())
                .isEqualTo(service.path("hostname").asText()).isEqualTo(engine);
            advertised.add(service.at("/environment/PROFILESTREAM_HTTP_ADVERTISED_HOST").asText());
            assertThat(service.at("/environment/PROFILESTREAM_APPLICATION_ID").asText()).isEqualTo("profilestream");
        }
        assertThat(advertised).hasSameSizeAs(engines);
        assertThat(services.at("/load-generator/entrypoint").toString()).contains("profilestream-load-test.jar");
    }

    @Test
    void shouldComeUpInOrderOnHealthchecks() {
        services.fields().forEachRemaining(service -> {
            if (!"load-generator".equals(service.getKey())) {
                assertThat(service.getValue().at("/healthcheck/test").isMissingNode())
                    .as("healthcheck of %s", service.getKey()).isFalse();
            }
            service.getValue().path("depends_on").fields().forEachRemaining(dependency ->
                assertThat(dependency.getValue().path("condition").asText())
                    .as("%s waits for %s", service.getKey(), dependency.getKey()).isEqualTo("service_healthy"));
        });
        assertThat(services.at("/load-generator/depends_on").has("engine-1")).isTrue();
        assertThat(services.at("/grafana/depends_on").has("prometheus")).isTrue();
    }

    @Test
    void shouldScrapeEveryEngineAndLoadTheAlertRules() {
        final JsonNode prometheus = OpsFiles.yaml("ops/prometheus/prometheus.yml");
        final List<String> targets = new ArrayList<>();
        prometheus.at("/scrape_configs/0/static_configs/0/targets").forEach(target -> targets.add(target.asText()));
        assertThat(targets).containsExactlyInAnyOrderElementsOf(engines().stream().map(e -> e + ":8080").toList());
        assertThat(prometheus.at("/scrape_configs/0/metrics_path").asText()).isEqualTo("/metrics");
        final String rules = prometheus.at("/rule_files/0").asText();
        assertThat(OpsFiles.root().resolve("ops/prometheus").resolve(rules)).exists();
        assertThat(services.at("/prometheus/volumes/0").asText()).startsWith("./ops/prometheus:/etc/prometheus");
    }

    @Test
    void shouldProvisionTheDashboardOnThePrometheusDataSource() {
        final JsonNode source = OpsFiles.yaml("ops/grafana/provisioning/datasources/prometheus.yml")
            .at("/datasources/0");
        assertThat(source.path("url").asText()).isEqualTo("http://prometheus:9090");
        final JsonNode provider = OpsFiles.yaml("ops/grafana/provisioning/dashboards/profilestream.yml")
            .at("/providers/0");
        assertThat(services.at("/grafana/volumes").toString())
            .contains("./ops/grafana/provisioning:/etc/grafana/provisioning")
            .contains("./ops/grafana/dashboards:" + provider.at("/options/path").asText());
        final JsonNode dashboard = OpsFiles.json("ops/grafana/dashboards/profilestream.json");
        int queried = 0;
        for (final JsonNode panel : dashboard.path("panels")) {
            if (!"row".equals(panel.path("type").asText())) {
                assertThat(panel.at("/datasource/uid").asText()).isEqualTo(source.path("uid").asText());
                assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
                queried++;
            }
        }
        assertThat(queried).isGreaterThanOrEqualTo(20);
        assertThat(OpsFiles.dashboardQueries()).allSatisfy(query ->
            assertThat(OpsFiles.engineMetrics(query)).as(query).isNotEmpty());
    }

    @Test
    void shouldPassDockerComposeConfig() throws Exception {
        assertPasses(List.of("docker-compose", "-f", "docker-compose.yml", "config", "-q"));
    }

    @Test
    void shouldPassPromtoolCheckConfigAndRules() throws Exception {
        assertPasses(List.of("promtool", "check", "config", "ops/prometheus/prometheus.yml"));
        assertPasses(List.of("promtool", "check", "rules", "ops/prometheus/alerts.yml"));
    }

    private List<String> engines() {
        final List<String> engines = new ArrayList<>();
        services.fields().forEachRemaining(service -> {
            if ("profilestream:local".equals(service.getValue().path("image").asText())
                && service.getValue().has("build")) {
                engines.add(service.getKey());
            }
        });
        return engines;
    }

    /**
     * Runs a validator in the repository's top directory; skips the test when the tool is not installed.
     */
    private static void assertPasses(final List<String> command) throws IOException, InterruptedException {
        assumeTrue(onPath(command.get(0)), command.get(0) + " is not installed; .ci/run installs it");
        final Path output = Files.createTempFile("ops-check", ".txt");
        try {
            final Process process = new ProcessBuilder(command).directory(OpsFiles.root().toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
            assertThat(process.exitValue()).as("%s: %s", command, Files.readString(output, StandardCharsets.UTF_8))
                .isZero();
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static boolean onPath(final String tool) {
        final String path = System.getenv().getOrDefault("PATH", "");
        for (final String directory : path.split(File.pathSeparator)) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, tool))) {
                return true;
            }
        }
        return false;
    }
}
