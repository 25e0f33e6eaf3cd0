package io.profilestream.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.profilestream.query.LookupResult;

/**
 * The API keys on a real server: which paths need a key, which key may change data, and forwarding between
 * instances that need keys.
 */
class ApiKeysTest {

    private static final String ADMIN = "admin-key-1234";
    private static final String READ = "read-key-5678";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<ApiServer> servers = new ArrayList<>();

    @AfterEach
    void close() {
        servers.forEach(ApiServer::close);
    }

    @Test
    void shouldAnswer401WithoutAValidKeyOnEveryPathButHealthAndMetrics() throws Exception {
        final ApiServer server = start(new ApiKeyGuard(ADMIN, READ), false, new FakeProfileLookup());

        for (final String path : List.of("/api/v1/profiles/c1", "/api/v1/instances", "/api/v1/segments",
            "/api/v1/no-such-route", "/api//v1/profiles/c1", "/API/v1/profiles/c1",
            "/health/../api/v1/profiles/c1", "/anything")) {
            assertThat(call(server, "GET", path, null, null).statusCode()).as(path).isEqualTo(401);
            assertThat(call(server, "GET", path, null, "wrong").statusCode()).as(path).isEqualTo(401);
        }
        assertThat(call(server, "POST", "/api/v1/writes", "{}", null).statusCode()).isEqualTo(401);
        assertThat(call(server, "GET", "/health/live", null, null).statusCode()).isEqualTo(200);
        assertThat(call(server, "GET", "/health/ready", null, null).statusCode()).isEqualTo(200);
        assertThat(call(server, "GET", "/metrics", null, null).statusCode()).isEqualTo(200);
        final HttpResponse<String> refused = call(server, "GET", "/api/v1/profiles/c1", null, ADMIN + "x");
        assertThat(refused.body()).contains("X-API-Key").doesNotContain(ADMIN, READ);
    }

    @Test
    void shouldServeTheConsolesPagesWithoutAKeyButNoDataAroundTheGuard() throws Exception {
        final FakeProfileLookup lookup = new FakeProfileLookup()
            .answer("c1", new LookupResult.Found<>(TestProfiles.sample("c1")));
        final ApiServer server = start(new ApiKeyGuard(ADMIN, READ), false, lookup);

        for (final String page : List.of("/console", "/console/", "/console/profiles/c1", "/console/segments/vip",
            "/console/live", "/console/assets/console.js", "/console/lib/uPlot.iife.min.js")) {
            final HttpResponse<String> answer = call(server, "GET", page, null, null);
            assertThat(answer.statusCode()).as(page).isEqualTo(200);
            assertThat(answer.body()).as(page).doesNotContain("\"profileId\"");
        }
        assertThat(call(server, "GET", "/console/assets/..%2f..%2fapi", null, null).statusCode()).isIn(400, 404);
        for (final String around : List.of("/console/../api/v1/profiles/c1", "/console/%2e%2e/api/v1/profiles/c1",
            "/console/..;/api/v1/profiles/c1", "/console//../api/v1/profiles/c1")) {
            final HttpResponse<String> answer = call(server, "GET", around, null, null);
            assertThat(answer.statusCode()).as(around).isNotEqualTo(200);
            assertThat(answer.body()).as(around).doesNotContain("\"profileId\"");
        }
        assertThat(call(server, "POST", "/console/", "{}", null).statusCode()).isEqualTo(401);
        assertThat(call(server, "GET", "/api/v1/profiles/c1", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldLetTheReadKeyReadButNotChange() throws Exception {
        final FakeProfileLookup lookup = new FakeProfileLookup()
            .answer("c1", new LookupResult.Found<>(TestProfiles.sample("c1")));
        final ApiServer server = start(new ApiKeyGuard(ADMIN, READ), false, lookup);

        assertThat(call(server, "GET", "/api/v1/profiles/c1", null, READ).statusCode()).isEqualTo(200);
        assertThat(call(server, "GET", "/api/v1/profiles/c2", null, READ).statusCode()).isEqualTo(404);
        assertThat(call(server, "POST", "/api/v1/reads", "{}", READ).statusCode()).isEqualTo(200);
        for (final String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            assertThat(call(server, method, "/api/v1/writes", "{}", READ).statusCode()).as(method).isEqualTo(403);
            assertThat(call(server, method, "/api/v1/writes", "{}", ADMIN).statusCode()).as(method).isEqualTo(200);
        }
        assertThat(call(server, "GET", "/api/v1/profiles/c1", null, ADMIN).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseChangesWhenOnlyTheReadKeyIsSet() throws Exception {
        final ApiServer server = start(new ApiKeyGuard(null, READ), false, new FakeProfileLookup());

        assertThat(call(server, "GET", "/api/v1/profiles/c1", null, READ).statusCode()).isEqualTo(404);
        final HttpResponse<String> change = call(server, "PUT", "/api/v1/writes", "{}", READ);
        assertThat(change.statusCode()).isEqualTo(403);
        assertThat(change.body()).contains("only api.read.key is configured");
        assertThat(call(server, "PUT", "/api/v1/writes", "{}", null).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldBeOpenWhenNoKeyIsSet() throws Exception {
        final ApiServer server = start(ApiKeyGuard.open(), false, new FakeProfileLookup());

        assertThat(call(server, "GET", "/api/v1/profiles/c1", null, null).statusCode()).isEqualTo(404);
        assertThat(call(server, "PUT", "/api/v1/writes", "{}", null).statusCode()).isEqualTo(200);
        assertThat(call(server, "PUT", "/api/v1/writes", "{}", "anything").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAskAKeyForMetricsWhenConfigured() throws Exception {
        final ApiServer server = start(new ApiKeyGuard(ADMIN, READ), true, new FakeProfileLookup());

        assertThat(call(server, "GET", "/metrics", null, null).statusCode()).isEqualTo(401);
        assertThat(call(server, "GET", "/metrics", null, READ).statusCode()).isEqualTo(200);
        assertThat(call(server, "GET", "/health/ready", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseAReadKeyEqualToTheAdminKey() {
        assertThatThrownBy(() -> new ApiKeyGuard("same", "same"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("api.read.key must differ from api.key.");
        assertThat(new ApiKeyGuard(ADMIN, READ).toString()).doesNotContain(ADMIN, READ);
    }

    @Test
    void shouldForwardALookupWithThisInstancesReadKey() throws Exception {
        final ApiKeyGuard keys = new ApiKeyGuard(ADMIN, READ);
        final ApiServer owner = start(keys, false, new FakeProfileLookup()
            .answer("c1", new LookupResult.Found<>(TestProfiles.sample("c1"))));
        final ApiServer front = start(keys, false, new FakeProfileLookup()
            .answer("c1", new LookupResult.FoundElsewhere<>("127.0.0.1", owner.port())));

        assertThat(call(front, "GET", "/api/v1/profiles/c1", null, null).statusCode()).isEqualTo(401);
        final HttpResponse<String> forwarded = call(front, "GET", "/api/v1/profiles/c1", null, ADMIN);
        assertThat(forwarded.statusCode()).isEqualTo(200);
        assertThat(forwarded.body()).contains("\"profileId\":\"c1\"");
    }

    @Test
    void shouldAnswer502WhenTheOwnerRefusesThisInstancesKey() throws Exception {
        final ApiServer owner = start(new ApiKeyGuard("other-admin", "other-read"), false, new FakeProfileLookup()
            .answer("c1", new LookupResult.Found<>(TestProfiles.sample("c1"))));
        final ApiServer front = start(new ApiKeyGuard(ADMIN, READ), false, new FakeProfileLookup()
            .answer("c1", new LookupResult.FoundElsewhere<>("127.0.0.1", owner.port())));

        final HttpResponse<String> refused = call(front, "GET", "/api/v1/profiles/c1", null, READ);
        assertThat(refused.statusCode()).isEqualTo(502);
        assertThat(refused.body()).contains("keys differ").doesNotContain(READ, ADMIN);
    }

    private ApiServer start(final ApiKeyGuard keys, final boolean metricsNeedKey, final FakeProfileLookup lookup) {
        final ApiServer server = ApiServer.builder(lookup, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
            .keys(keys, metricsNeedKey)
            .routes(app -> {
                new ConsoleRoutes().register(app);
                app.post("/api/v1/reads", ctx -> ctx.json("read"), ApiKeyGuard.Access.READ);
                app.post("/api/v1/writes", ctx -> ctx.json("written"));
                app.put("/api/v1/writes", ctx -> ctx.json("written"));
                app.delete("/api/v1/writes", ctx -> ctx.json("written"));
                app.patch("/api/v1/writes", ctx -> ctx.json("written"));
            })
            .start();
        servers.add(server);
        return server;
    }

    private HttpResponse<String> call(final ApiServer server,
                                      final String method,
                                      final String path,
                                      final String body,
                                      final String key) throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header(ApiKeyGuard.HEADER, key);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
