package io.profilestream.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.profilestream.query.IdentityLookup;
import io.profilestream.query.IdentityView;
import io.profilestream.query.LookupResult;
import io.profilestream.query.ProfileLookup;
import io.profilestream.query.ResolvingProfileLookup;

class IdentityRoutesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final IdentityView LINKED = new IdentityView("a 1", "LINKED", "c-1", "c-1",
        "2026-03-01T10:00:00Z", true, 1, 4, "2026-03-01T09:00:00Z", "2026-03-01T10:00:00Z", null, null);

    private final HttpClient client = HttpClient.newHttpClient();
    private final List<ApiServer> servers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        servers.forEach(ApiServer::close);
    }

    @Test
    void shouldShowTheLinkOfAnAnonymousId() throws Exception {
        final ApiServer server = start(new FakeProfileLookup(), new FakeIdentities().answer("a 1", found()));

        final HttpResponse<String> response = get(server, "/api/v1/identities/a%201");

        assertThat(response.statusCode()).isEqualTo(200);
        final JsonNode body = MAPPER.readTree(response.body());
        assertThat(body.get("anonymousId").asText()).isEqualTo("a 1");
        assertThat(body.get("status").asText()).isEqualTo("LINKED");
        assertThat(body.get("customerId").asText()).isEqualTo("c-1");
        assertThat(body.get("profileId").asText()).isEqualTo("c-1");
        assertThat(body.get("distinctCustomers").asInt()).isEqualTo(1);
        assertThat(body.has("linked")).isFalse();
    }

    @Test
    void shouldAnswer404And503LikeProfileLookups() throws Exception {
        final ApiServer server = start(new FakeProfileLookup(), new FakeIdentities()
            .answer("busy", new LookupResult.Unavailable<>(Duration.ofSeconds(3), "Restoring.")));

        final HttpResponse<String> missing = get(server, "/api/v1/identities/nobody");
        final HttpResponse<String> busy = get(server, "/api/v1/identities/busy");

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(MAPPER.readTree(missing.body()).get("error").asText()).contains("nobody");
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(busy.headers().firstValue("Retry-After")).hasValue("3");
    }

    @Test
    void shouldFetchALinkFromTheInstanceThatOwnsIt() throws Exception {
        final ApiServer owner = start(new FakeProfileLookup(), new FakeIdentities().answer("a 1", found()));
        final FakeIdentities elsewhere = new FakeIdentities()
            .answer("a 1", new LookupResult.FoundElsewhere<>("127.0.0.1", owner.port()));
        final ApiServer server = start(new FakeProfileLookup(), elsewhere);

        final HttpResponse<String> response = get(server, "/api/v1/identities/a%201");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(MAPPER.readValue(response.body(), IdentityView.class)).isEqualTo(LINKED);
    }

    @Test
    void shouldNotSendAForwardedIdentityLookupOnAgain() throws Exception {
        final ApiServer server = start(new FakeProfileLookup(), new FakeIdentities()
            .answer("a1", new LookupResult.FoundElsewhere<>("127.0.0.1", 1)));

        final HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/api/v1/identities/a1"))
            .header(ApiServer.FORWARDED_BY_HEADER, "elsewhere:8080").GET().build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void shouldSayWhichCustomerAnAnonymousIdResolvedToEvenThroughAForward() throws Exception {
        final FakeProfileLookup ownerProfiles = new FakeProfileLookup()
            .answer("c-1", new LookupResult.Found<>(TestProfiles.sample("c-1")));
        final FakeIdentities links = new FakeIdentities().answer("a 1", found());
        final ApiServer owner = start(new ResolvingProfileLookup(ownerProfiles, links), links);
        final FakeProfileLookup otherProfiles = new FakeProfileLookup()
            .answer("c-1", new LookupResult.FoundElsewhere<>("127.0.0.1", owner.port()));
        final ApiServer other = start(new ResolvingProfileLookup(otherProfiles, links), links);

        for (final ApiServer server : List.of(owner, other)) {
            final HttpResponse<String> response = get(server, "/api/v1/profiles/a%201");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue(ApiServer.RESOLVED_FROM_HEADER)).hasValue("a 1");
            assertThat(response.headers().firstValue(ApiServer.RESOLVED_TO_HEADER)).hasValue("c-1");
            assertThat(MAPPER.readTree(response.body()).get("profileId").asText()).isEqualTo("c-1");
        }
        final HttpResponse<String> direct = get(owner, "/api/v1/profiles/c-1");
        assertThat(direct.headers().firstValue(ApiServer.RESOLVED_FROM_HEADER)).isEmpty();
    }

    private ApiServer start(final ProfileLookup profiles, final IdentityLookup local) {
        final ForwardingClient forwarding = new ForwardingClient("127.0.0.1:test", Duration.ofSeconds(5));
        final ApiServer server = ApiServer.builder(profiles, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
            .forwarding(forwarding)
            .routes(app -> IdentityRoutes.register(app, local, new ForwardingIdentityLookup(local, forwarding)))
            .start();
        servers.add(server);
        return server;
    }

    private HttpResponse<String> get(final ApiServer server, final String path)
        throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static LookupResult<IdentityView> found() {
        return new LookupResult.Found<>(LINKED);
    }

    /**
     * Answers what a test told it to; any other id is not found.
     */
    private static final class FakeIdentities implements IdentityLookup {

        private final Map<String, LookupResult<IdentityView>> answers = new ConcurrentHashMap<>();

        FakeIdentities answer(final String anonymousId, final LookupResult<IdentityView> result) {
            answers.put(anonymousId, result);
            return this;
        }

        @Override
        public LookupResult<IdentityView> lookup(final String anonymousId) {
            return answers.getOrDefault(anonymousId, new LookupResult.NotFound<>());
        }
    }
}
