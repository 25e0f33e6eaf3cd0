package io.profilestream.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's demo: live traffic turns into profiles served over HTTP, metrics are exposed, and a restart on the
 * same work directory resumes from the state it left.
 */
@Tag("integration")
class DemoIT {

    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*(\\d+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path workDir;

    @Test
    void shouldServeGrowingProfilesAndMetricsAndResumeAfterARestart() {
        final String customer;
        final long versionBeforeRestart;
        try (Demo demo = Demo.start(Demo.config(workDir, 0), 0, 0, Demo.traffic(300, 7, 400), line -> { })) {
            final List<String> samples = demo.sampleCustomerIds(3);
            assertThat(samples).hasSize(3);
            customer = samples.get(0);
            final String key = demo.runtime().config().get("api.key");
            final String url = "http://127.0.0.1:" + demo.httpPort() + "/api/v1/profiles/" + customer;
            await().atMost(Duration.ofSeconds(90)).until(() -> get(url, key).statusCode() == 200);
            final long first = version(get(url, key).body());
            await().atMost(Duration.ofSeconds(90)).until(() -> version(get(url, key).body()) > first);
            versionBeforeRestart = version(get(url, key).body());
            assertThat(get(url, key).body()).contains("\"transactions\"", "\"behaviour\"", "\"email\"");

            final String metrics = get("http://127.0.0.1:" + demo.httpPort() + "/metrics", null).body();
            assertThat(metrics).contains("profilestream_events_total{outcome=\"applied\"", "kafka_stream_");
            assertThat(demo.traffic().errors()).isZero();
        }
        try (Demo again = Demo.start(Demo.config(workDir, 0), 0, 0, Demo.traffic(300, 8, 1), line -> { })) {
            final String key = again.runtime().config().get("api.key");
            final String url = "http://127.0.0.1:" + again.httpPort() + "/api/v1/profiles/" + customer;
            await().atMost(Duration.ofSeconds(90)).until(() -> get(url, key).statusCode() == 200);
            assertThat(version(get(url, key).body())).isGreaterThanOrEqualTo(versionBeforeRestart);
        }
    }

    private static long version(final String body) {
        final Matcher matcher = VERSION.matcher(body);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private static HttpResponse<String> get(final String url, final String key) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        try {
            return HTTP.send(request.build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (final IOException e) {
            throw new IllegalStateException("GET failed.", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
