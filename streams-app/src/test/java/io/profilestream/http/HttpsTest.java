package io.profilestream.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.profilestream.config.ConfigException;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.query.LookupResult;

/**
 * The API over HTTPS from a configured keystore, and lookups forwarded between instances over HTTPS.
 */
class HttpsTest {

    private static final String PASSWORD = "store-password";

    @TempDir
    static Path directory;
    private static Path shared;
    private static Path other;

    private final List<ApiServer> servers = new ArrayList<>();

    @BeforeAll
    static void keystores() throws IOException {
        shared = TestKeystores.selfSigned(directory, "shared", PASSWORD);
        other = TestKeystores.selfSigned(directory, "other", PASSWORD);
    }

    @AfterEach
    void close() {
        servers.forEach(ApiServer::close);
    }

    @Test
    void shouldServeHttpsOnlyFromTheConfiguredKeystore() throws Exception {
        final HttpTls tls = tls(Map.of(HttpTls.KEYSTORE_PATH, shared.toString()));
        final ApiServer server = start(tls, new FakeProfileLookup()
            .answer("c1", new LookupResult.Found<>(TestProfiles.sample("c1"))));
        final HttpClient client = HttpClient.newBuilder().sslContext(tls.clientContext()).build();

        assertThat(server.secure()).isTrue();
        assertThat(get(client, "https://localhost:" + server.port() + "/api/v1/profiles/c1").statusCode())
            .isEqualTo(200);
        assertThat(get(client, "https://127.0.0.1:" + server.port() + "/health/ready").statusCode()).isEqualTo(200);
        assertThat(plainHttpAnswers(server)).isFalse();
    }

    @Test
    void shouldForwardOverHttpsBetweenInstancesThatShareAKeystore() throws Exception {
        final HttpTls tls = tls(Map.of(HttpTls.KEYSTORE_PATH, shared.toString()));
        final ApiServer owner = start(tls, new FakeProfileLookup()
            .answer("c1", new LookupResult.Found<>(TestProfiles.sample("c1"))));
        final ApiServer front = start(tls, new FakeProfileLookup()
            .answer("c1", new LookupResult.FoundElsewhere<>("localhost", owner.port())));
        final HttpClient client = HttpClient.newBuilder().sslContext(tls.clientContext()).build();

        final HttpResponse<String> forwarded = get(client, "https://localhost:" + front.port() + "/api/v1/profiles/c1");
        assertThat(forwarded.statusCode()).isEqualTo(200);
        assertThat(forwarded.body()).contains("\"profileId\":\"c1\"");
    }

    @Test
    void shouldTrustOtherInstancesThroughTheTrustStore() throws Exception {
        final ApiServer owner = start(tls(Map.of(HttpTls.KEYSTORE_PATH, other.toString())), new FakeProfileLookup()
            .answer("c1", new LookupResult.Found<>(TestProfiles.sample("c1"))));
        final HttpTls trusting = tls(Map.of(HttpTls.KEYSTORE_PATH, shared.toString(),
            HttpTls.TRUSTSTORE_PATH, other.toString(), HttpTls.TRUSTSTORE_PASSWORD, PASSWORD));
        final HttpTls untrusting = tls(Map.of(HttpTls.KEYSTORE_PATH, shared.toString()));
        final ApiServer front = start(trusting, new FakeProfileLookup()
            .answer("c1", new LookupResult.FoundElsewhere<>("localhost", owner.port())));
        final ApiServer stranger = start(untrusting, new FakeProfileLookup()
            .answer("c1", new LookupResult.FoundElsewhere<>("localhost", owner.port())));
        final HttpClient client = HttpClient.newBuilder().sslContext(untrusting.clientContext()).build();

        assertThat(get(client, "https://localhost:" + front.port() + "/api/v1/profiles/c1").statusCode())
            .isEqualTo(200);
        final HttpResponse<String> refused = get(client, "https://localhost:" + stranger.port() + "/api/v1/profiles/c1");
        assertThat(refused.statusCode()).isEqualTo(503);
    }

    @Test
    void shouldExplainAWrongPasswordOrAMissingKeystoreWithoutShowingThePassword() {
        assertThatThrownBy(() -> HttpTls.from(ProfileStreamConfig.of(Map.of(HttpTls.KEYSTORE_PATH, shared.toString(),
            HttpTls.KEYSTORE_PASSWORD, "wrong-password"))))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("http.tls.keystore.path: " + shared)
            .hasMessageContaining("could not be opened as a PKCS12 store")
            .hasMessageNotContaining("wrong-password");
        assertThatThrownBy(() -> HttpTls.from(ProfileStreamConfig.of(Map.of(HttpTls.KEYSTORE_PATH,
            directory.resolve("missing.p12").toString()))))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("does not exist or cannot be read");
        assertThat(HttpTls.from(ProfileStreamConfig.of(Map.of()))).isEmpty();
    }

    private static HttpTls tls(final Map<String, String> settings) {
        final Map<String, String> all = new HashMap<>(settings);
        all.putIfAbsent(HttpTls.KEYSTORE_PASSWORD, PASSWORD);
        return HttpTls.from(ProfileStreamConfig.of(all)).orElseThrow();
    }

    private ApiServer start(final HttpTls tls, final FakeProfileLookup lookup) {
        final ApiServer server = ApiServer.builder(lookup, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
            .tls(tls)
            .start();
        servers.add(server);
        return server;
    }

    private static boolean plainHttpAnswers(final ApiServer server) throws InterruptedException {
        try {
            return get(HttpClient.newHttpClient(), "http://127.0.0.1:" + server.port() + "/health/live")
                .statusCode() == 200;
        } catch (final IOException e) {
            return false;
        }
    }

    private static HttpResponse<String> get(final HttpClient client, final String url)
        throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
