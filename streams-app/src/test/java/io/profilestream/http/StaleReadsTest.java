package io.profilestream.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.profilestream.query.LookupResult;

/**
 * While the active copy of a profile cannot answer, the profile is read from a copy that may lag and marked
 * {@code X-Stale: true}; only when no copy has it is the answer 503.
 */
class StaleReadsTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<ApiServer> servers = new ArrayList<>();
    private final List<PrometheusMeterRegistry> registries = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(ApiServer::close);
        registries.forEach(PrometheusMeterRegistry::close);
    }

    @Test
    void shouldServeThisInstancesStandbyCopyWhenTheOwnerDoesNotAnswer() throws Exception {
        final FakeProfileLookup lookup = new FakeProfileLookup()
            .answer("c-1", new LookupResult.FoundElsewhere<>("127.0.0.1", unusedPort()))
            .copy("c-1", new LookupResult.Found<>(TestProfiles.sample("c-1"), true));
        final ApiServer server = start(lookup);

        final HttpResponse<String> response = get(server, "/api/v1/profiles/c-1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Stale")).hasValue("true");
        assertThat(response.body()).contains("\"profileId\":\"c-1\"");
    }

    @Test
    void shouldAskAnInstanceWithAStandbyCopyWhileTheOwnerRestores() throws Exception {
        final FakeProfileLookup ownerLookup = new FakeProfileLookup()
            .answer("c-1", new LookupResult.Unavailable<>(Duration.ofSeconds(2), "Restoring."));
        final ApiServer owner = start(ownerLookup);
        final FakeProfileLookup standbyLookup = new FakeProfileLookup()
            .answer("c-1", new LookupResult.FoundElsewhere<>("127.0.0.1", owner.port()))
            .copy("c-1", new LookupResult.Found<>(TestProfiles.sample("c-1"), true));
        final ApiServer standby = start(standbyLookup);
        final FakeProfileLookup entryLookup = new FakeProfileLookup()
            .answer("c-1", new LookupResult.FoundElsewhere<>("127.0.0.1", owner.port()))
            .copy("c-1", new LookupResult.FoundElsewhere<>("127.0.0.1", standby.port()));
        final ApiServer entry = start(entryLookup);

        final HttpResponse<String> response = get(entry, "/api/v1/profiles/c-1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Stale")).hasValue("true");
        assertThat(standbyLookup.requestedIds()).as("the standby reads its copy, not the owner's").isEmpty();
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenNoCopyHasTheProfile() throws Exception {
        final FakeProfileLookup lookup = new FakeProfileLookup()
            .answer("c-1", new LookupResult.Unavailable<>(Duration.ofSeconds(2), "Restoring."));
        final ApiServer server = start(lookup);

        final HttpResponse<String> response = get(server, "/api/v1/profiles/c-1");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(response.headers().firstValue("X-Stale")).isEmpty();
    }

    @Test
    void shouldNotMarkAnUpToDateProfileStale() throws Exception {
        final ApiServer server = start(new FakeProfileLookup()
            .answer("c-1", new LookupResult.Found<>(TestProfiles.sample("c-1"))));

        final HttpResponse<String> response = get(server, "/api/v1/profiles/c-1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Stale")).isEmpty();
    }

    private ApiServer start(final FakeProfileLookup lookup) {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registries.add(registry);
        final ApiServer server = ApiServer.builder(lookup, registry)
            .bind("127.0.0.1", 0)
            .forwarding(new ForwardingClient("127.0.0.1:test", Duration.ofSeconds(5)))
            .start();
        servers.add(server);
        return server;
    }

    private HttpResponse<String> get(final ApiServer server, final String path)
        throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET()
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
