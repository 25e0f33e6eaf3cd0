package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.profilestream.http.ApiKeyGuard;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;
import io.profilestream.testing.TestNamespace;

/**
 * Hostile requests against a running engine: random, malformed and oversized bodies, ids and paths answer 4xx, never
 * 5xx; an oversized body answers 413; segment rules built to be expensive answer 400 within the rule limits; and the
 * engine stays ready throughout.
 * Requests come from a seeded generator, so a failure names a request that can be replayed.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class HostileRequestsIT {

    private static final String KEY = "hostile-admin";
    private static final String READ_KEY = "hostile-reader";
    private static final long MAX_BODY = 64 * 1024;
    private static final int RANDOM_REQUESTS = 400;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EngineHarness harness;

    @BeforeEach
    void start(final KafkaCluster cluster, final TestNamespace namespace) {
        harness = new EngineHarness(cluster, namespace, Map.of("api.key", KEY, "api.read.key", READ_KEY,
            "http.max.body.bytes", Long.toString(MAX_BODY), "segments.default.catalogue", "false"));
        harness.startApp();
        await().atMost(Duration.ofSeconds(60)).until(harness.app::isRunning);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void shouldAnswerRandomAndMalformedRequestsWith4xxAndStayReady() throws Exception {
        final HostileRequests requests = new HostileRequests(new Random(20_261_201L));
        for (int i = 0; i < RANDOM_REQUESTS; i++) {
            final HostileRequests.Request request = requests.next();
            final int status;
            try {
                status = send(request.method(), request.path(), request.body(), request.key());
            } catch (final IOException e) {
                throw new AssertionError("No answer to " + request.method() + " " + abbreviate(request.path())
                    + " with " + (request.body() == null ? 0 : request.body().length) + " body bytes and key "
                    + request.key(), e);
            }
            assertThat(status).as("%s %s with %d body bytes", request.method(), request.path(),
                request.body() == null ? 0 : request.body().length).isBetween(200, 499);
        }
        for (final String raw : HostileRequests.rawRequests()) {
            assertThat(rawStatus(raw)).as(raw).isBetween(400, 499);
        }
        // The one 5xx Jetty's parser answers before any of the engine's code runs, as HTTP says it should.
        assertThat(rawStatus("GET /api/v1/segments HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n"))
            .isEqualTo(505);
        assertReady();
    }

    @Test
    void shouldAnswer413ForABodyOverTheLimitWhetherItsLengthIsAnnouncedOrNot() throws Exception {
        final byte[] big = new byte[(int) MAX_BODY + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        for (final String path : List.of("/api/v1/erasures", "/api/v1/segments/preview")) {
            assertThat(send("POST", path, big, KEY)).as(path).isEqualTo(413);
            final HttpRequest chunked = request(path, KEY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build();
            assertThat(http.send(chunked, HttpResponse.BodyHandlers.discarding()).statusCode()).as(path)
                .isEqualTo(413);
        }
        assertThat(send("PUT", "/api/v1/segments/big", big, KEY)).isEqualTo(413);
        assertThat(send("POST", "/api/v1/erasures", "{\"customerId\":\"c1\"}".getBytes(StandardCharsets.UTF_8),
            KEY)).isEqualTo(202);
        assertReady();
    }

    @Test
    void shouldRefuseExpressionBombsWith400() throws Exception {
        for (final String bomb : HostileRequests.expressionBombs()) {
            final String json = "{\"expression\":" + quote(bomb) + "}";
            final HttpResponse<String> preview = sendForBody("POST", "/api/v1/segments/preview", json, READ_KEY);
            assertThat(preview.statusCode()).as(abbreviate(bomb)).isEqualTo(400);
            assertThat(harness.json(preview.body()).path("error").asText()).as(abbreviate(bomb)).isNotBlank();
            final String definition = "{\"name\":\"Bomb\",\"kind\":\"SEGMENT\",\"expression\":" + quote(bomb) + "}";
            assertThat(sendForBody("PUT", "/api/v1/segments/bomb", definition, KEY).statusCode())
                .as(abbreviate(bomb)).isEqualTo(400);
        }
        assertThat(harness.get("/api/v1/segments").body()).doesNotContain("\"bomb\"");
        assertReady();
    }

    private void assertReady() {
        assertThat(harness.get("/health/ready").statusCode()).isEqualTo(200);
        assertThat(harness.get("/api/v1/profiles/nobody").statusCode()).isEqualTo(404);
    }

    private int send(final String method, final String path, final byte[] body, final String key)
        throws IOException, InterruptedException {
        final HttpRequest request = request(path, key)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpResponse<String> sendForBody(final String method, final String path, final String body,
                                             final String key) throws IOException, InterruptedException {
        return http.send(request(path, key).method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(final String path, final String key) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + harness.app.httpPort() + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            builder.header(ApiKeyGuard.HEADER, key);
        }
        return builder;
    }

    /** Sends bytes that need not be valid HTTP and returns the status of the answer, or 400 if the server hung up. */
    private int rawStatus(final String raw) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", harness.app.httpPort())) {
            socket.setSoTimeout(10_000);
            final OutputStream out = socket.getOutputStream();
            out.write(raw.replace("KEY", KEY).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            final InputStream in = socket.getInputStream();
            final String head = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            return head.startsWith("HTTP/1.1 ") ? Integer.parseInt(head.substring(9, 12)) : 400;
        }
    }

    private static String quote(final String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String abbreviate(final String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "... (" + text.length() + " characters)";
    }

    static String encode(final String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
