package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.profilestream.net.Ports;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.TestNamespace;

/**
 * Several engine instances of one application on one cluster, each with its own state directory and HTTP port: in
 * this JVM, or in a JVM of its own (the test's class path) that a test can kill with SIGKILL.
 * The first node's {@link EngineHarness} also produces the test's events.
 * Closing stops every node that still runs; a process's output goes to {@code engine-<name>.log} in the test's
 * directory, kept when the test fails.
 */
final class EngineNodes implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaCluster cluster;
    private final TestNamespace namespace;
    private final Map<String, String> overrides;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<EngineHarness> harnesses = new ArrayList<>();
    private final Map<String, Process> processes = new HashMap<>();
    private final Map<String, Integer> processPorts = new HashMap<>();

    EngineNodes(final KafkaCluster cluster, final TestNamespace namespace, final Map<String, String> overrides) {
        this.cluster = cluster;
        this.namespace = namespace;
        this.overrides = overrides;
    }

    /**
     * Configures an instance in this JVM with a state directory of its own; it is not started yet.
     */
    EngineHarness inProcess(final String name) {
        final Map<String, String> settings = new HashMap<>(overrides);
        settings.put("state.dir", namespace.directory().resolve("state-" + name).toString());
        final EngineHarness harness = new EngineHarness(cluster, namespace, settings);
        harnesses.add(harness);
        return harness;
    }

    /**
     * Starts an instance in a JVM of its own on a free port; returns that port.
     */
    int startProcess(final String name) {
        final int port = Ports.freePort();
        final Map<String, String> settings = new HashMap<>(harnesses.get(0).config.asMap());
        settings.put("http.port", Integer.toString(port));
        settings.put("state.dir", namespace.directory().resolve("state-" + name).toString());
        final Path config = namespace.directory().resolve("engine-" + name + ".properties");
        final Properties properties = new Properties();
        properties.putAll(settings);
        try (var out = Files.newBufferedWriter(config)) {
            properties.store(out, "EngineNodes " + name);
            final Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                "io.profilestream.cli.ProfileStreamCli", "run", "--config", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(namespace.directory().resolve("engine-" + name + ".log").toFile())
                .start();
            processes.put(name, process);
            processPorts.put(name, port);
            return port;
        } catch (final IOException e) {
            throw new UncheckedIOException("Could not start engine " + name + ".", e);
        }
    }

    /**
     * Kills an instance's JVM with SIGKILL: no shutdown hook runs, the group is not left, transactions stay open.
     */
    void kill(final String name) throws InterruptedException {
        final Process process = processes.remove(name);
        process.destroyForcibly().waitFor();
        processPorts.remove(name);
    }

    HttpResponse<String> get(final int port, final String path) {
        return send(withKey(HttpRequest.newBuilder(uri(port, path))).GET());
    }

    /** Requests carry the instances' admin key, when they have one: reads need a key once any is set. */
    private HttpRequest.Builder withKey(final HttpRequest.Builder request) {
        final String key = overrides.get("api.key");
        return key == null ? request : request.header("X-API-Key", key);
    }

    HttpResponse<String> put(final int port, final String path, final String body, final String key) {
        return send(HttpRequest.newBuilder(uri(port, path)).header("X-API-Key", key)
            .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> post(final int port, final String path, final String body) {
        return send(withKey(HttpRequest.newBuilder(uri(port, path))).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Waits until every instance lists exactly these instances. */
    void awaitInstances(final List<Integer> ports, final Duration wait) {
        await().atMost(wait).untilAsserted(() -> {
            for (final int port : ports) {
                final JsonNode answer = json(port, "/api/v1/instances");
                assertThat(answer).as("instances from %s", port).isNotNull();
                final List<Integer> listed = new ArrayList<>();
                answer.path("instances").forEach(instance -> listed.add(instance.path("port").asInt()));
                assertThat(listed).as("instances listed by %s", port).containsExactlyInAnyOrderElementsOf(ports);
            }
        });
    }

    /**
     * The JSON body of a 200 answer, or null for any other status (or no answer).
     */
    JsonNode json(final int port, final String path) {
        final HttpResponse<String> response = get(port, path);
        if (response == null || response.statusCode() != 200) {
            return null;
        }
        return parse(response.body());
    }

    static JsonNode parse(final String body) {
        try {
            return JSON.readTree(body);
        } catch (final IOException e) {
            throw new IllegalStateException("Not JSON: " + body, e);
        }
    }

    /**
     * The answer, or null when the instance does not answer at all.
     */
    private HttpResponse<String> send(final HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (final IOException e) {
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static URI uri(final int port, final String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Override
    public void close() {
        processes.values().forEach(process -> {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        harnesses.forEach(EngineHarness::close);
    }
}
