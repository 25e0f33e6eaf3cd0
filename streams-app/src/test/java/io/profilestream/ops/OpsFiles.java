package io.profilestream.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The deployment files at the top of the repository (docker-compose.yml, ops/), read for tests: the queries of the
 * Grafana dashboard and of the Prometheus alert rules, and the metric names they use.
 */
public final class OpsFiles {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABELS = Pattern.compile("\\{[^}]*}|\\[[^]]*]|\"[^\"]*\"");
    private static final List<String> ENGINE_PREFIXES = List.of("kafka_", "profilestream_", "jvm_", "process_");

    private OpsFiles() {
    }

    /**
     * The repository's top directory; tests run in the module's directory.
     */
    public static Path root() {
        final Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("docker-compose.yml")) ? here : here.getParent();
    }

    public static JsonNode yaml(final String relative) {
        return read(YAML, relative);
    }

    public static JsonNode json(final String relative) {
        return read(JSON, relative);
    }

    /**
     * Every PromQL expression of the dashboard's panels.
     */
    public static List<String> dashboardQueries() {
        final List<String> queries = new ArrayList<>();
        for (final JsonNode panel : json("ops/grafana/dashboards/profilestream.json").path("panels")) {
            panel.path("targets").forEach(target -> queries.add(target.path("expr").asText()));
        }
        return queries;
    }

    /**
     * Every PromQL expression of the alert rules.
     */
    public static List<String> alertQueries() {
        final List<String> queries = new ArrayList<>();
        for (final JsonNode group : yaml("ops/prometheus/alerts.yml").path("groups")) {
            group.path("rules").forEach(rule -> queries.add(rule.path("expr").asText()));
        }
        return queries;
    }

    /**
     * The metric names an expression reads that an engine prints on /metrics (functions, labels, label values and
     * Prometheus's own series such as {@code up} left out).
     */
    public static Set<String> engineMetrics(final String query) {
        final Set<String> names = new TreeSet<>();
        final Matcher matcher = NAME.matcher(LABELS.matcher(query).replaceAll(" "));
        while (matcher.find()) {
            final String name = matcher.group();
            if (ENGINE_PREFIXES.stream().anyMatch(name::startsWith)) {
                names.add(name);
            }
        }
        return names;
    }

    private static JsonNode read(final ObjectMapper mapper, final String relative) {
        try {
            return mapper.readTree(root().resolve(relative).toFile());
        } catch (final IOException e) {
            throw new UncheckedIOException("Could not read " + relative + ".", e);
        }
    }
}
