package io.profilestream.loadtest.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the engine's own HTTP endpoints: the sum of a Prometheus series on {@code /metrics}, readiness, and the
 * number of profiles it holds.
 */
final class EngineProbe {

    /**
     * Records the engine's stream threads have processed: Kafka Streams' thread-level {@code process-total} (recorded
     * at the default INFO level), as the engine's Micrometer binding names it on {@code /metrics}.
     */
    static final String PROCESSED_RECORDS = "kafka_stream_thread_process_total";

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final String PREVIEW = "/api/v1/segments/preview";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(REQUEST_TIMEOUT).build();
    private final URI base;

    EngineProbe(final URI base) {
        this.base = base;
    }

    /**
     * The sum of every sample of a series on {@code /metrics}; empty while the engine does not answer or does not
     * show the series yet.
     */
    OptionalDouble sum(final String series) throws InterruptedException {
        return sum(series, List.of());
    }

    /**
     * The sum of the samples of a series on {@code /metrics} that carry every label given, such as
     * {@code store="profiles-store"}; empty while the engine does not answer or does not show such a sample yet.
     */
    OptionalDouble sum(final String series, final List<String> labels) throws InterruptedException {
        return sum(values(series, labels));
    }

    /**
     * Every sample of a series on {@code /metrics} that carries every label given, one per label set (such as one per
     * stream thread); none while the engine does not answer.
     */
    List<Double> values(final String series, final List<String> labels) throws InterruptedException {
        final HttpResponse<String> response = get(metrics(series), HttpResponse.BodyHandlers.ofString());
        if (response == null || response.statusCode() != 200) {
            return List.of();
        }
        return values(response.body(), series, labels);
    }

    /**
     * Every profile the engine holds, counted exactly: the size of a segment preview of the rule {@code true}
     * ({@code POST /api/v1/segments/preview}), for which the engine reads its whole profile store.
     *
     * @param timeout how long the engine may take to answer
     */
    long countProfiles(final Duration timeout) throws IOException, InterruptedException {
        final HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve(PREVIEW))
            .timeout(timeout).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"expression\":\"true\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        final JsonNode size = response.statusCode() == 200 ? JSON.readTree(response.body()).path("size") : null;
        if (size == null || !size.canConvertToLong()) {
            throw new IllegalStateException("The engine could not count its profiles: " + PREVIEW + " answered "
                + response.statusCode() + " " + response.body());
        }
        return size.asLong();
    }

    /** Whether {@code /health/ready} answers 200 (Kafka Streams running). */
    boolean ready() throws InterruptedException {
        final HttpResponse<Void> response = get("/health/ready", HttpResponse.BodyHandlers.discarding());
        return response != null && response.statusCode() == 200;
    }

    /** The sum of the samples of one series in Prometheus text; empty when there is none. */
    static OptionalDouble sum(final String exposition, final String series) {
        return sum(exposition, series, List.of());
    }

    /** The sum of the samples of one series in Prometheus text that carry every label given. */
    static OptionalDouble sum(final String exposition, final String series, final List<String> labels) {
        return sum(values(exposition, series, labels));
    }

    private static OptionalDouble sum(final List<Double> values) {
        return values.isEmpty() ? OptionalDouble.empty()
            : OptionalDouble.of(values.stream().mapToDouble(Double::doubleValue).sum());
    }

    /** The samples of one series in Prometheus text that carry every label given. */
    static List<Double> values(final String exposition, final String series, final List<String> labels) {
        final List<Double> values = new ArrayList<>();
        for (final String line : exposition.split("\n")) {
            if (line.startsWith(series) && line.length() > series.length()
                && (line.charAt(series.length()) == '{' || line.charAt(series.length()) == ' ')
                && hasLabels(line.substring(series.length(), Math.max(series.length(), line.lastIndexOf(' '))),
                    labels)) {
                final String value = line.substring(line.lastIndexOf(' ') + 1).trim();
                try {
                    values.add(Double.parseDouble(value));
                } catch (final NumberFormatException e) {
                    // A sample without a plain number (NaN is parsed): not this series.
                }
            }
        }
        return values;
    }

    private static boolean hasLabels(final String labelPart, final List<String> labels) {
        for (final String label : labels) {
            if (!labelPart.contains(label)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code /metrics} for one series: the engine then formats only that one, not every Kafka metric of every task
     * (the probe asks every 50 ms while the engine starts, which would load the engine it measures).
     */
    private static String metrics(final String series) {
        return "/metrics?" + URLEncoder.encode("name[]", StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(series, StandardCharsets.UTF_8);
    }

    private <T> HttpResponse<T> get(final String path, final HttpResponse.BodyHandler<T> body)
        throws InterruptedException {
        try {
            return client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT).GET().build(), body);
        } catch (final IOException e) {
            // Not listening yet (the JVM is starting) or busy: the caller polls again.
            return null;
        }
    }
}
