package io.profilestream.http;

import io.profilestream.net.PortInUseException;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.query.InstanceInfo;
import io.profilestream.query.LookupResult;
import io.profilestream.query.QueryUnavailableException;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ApiServerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    private final FakeProfileLookup lookup = new FakeProfileLookup();
    private final AtomicBoolean ready = new AtomicBoolean(false);
    private final List<ApiServer> servers = new ArrayList<>();
    private PrometheusMeterRegistry registry;
    private ApiServer server;

    @BeforeEach
    void setUp() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        server = start(lookup, registry);
    }

    @AfterEach
    void tearDown() {
        servers.forEach(ApiServer::close);
        registry.close();
    }

    @Test
    void shouldServeProfileAsJsonWithAvroFieldNames() throws Exception {
        lookup.answer("c-1", new LookupResult.Found<>(TestProfiles.sample("c-1")));

        final HttpResponse<String> response = get(server, "/api/v1/profiles/c-1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
            type -> assertThat(type).startsWith("application/json"));
        final JsonNode body = MAPPER.readTree(response.body());
        assertThat(body).isEqualTo(expectedJson(TestProfiles.sample("c-1")));
        assertThat(body.get("identity").get("firstSeen").asText()).isEqualTo("2024-03-01T12:30:00Z");
        assertThat(body.get("lifecycleStage").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void shouldDecodeIdsWithReservedCharacters() throws Exception {
        lookup.answer("anon:a b+c", new LookupResult.Found<>(TestProfiles.sample("anon:a b+c")));

        final HttpResponse<String> response = get(server, "/api/v1/profiles/anon%3Aa%20b%2Bc");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(lookup.requestedIds()).containsExactly("anon:a b+c");
    }

    @Test
    void shouldAnswer404WithErrorWhenProfileIsMissing() throws Exception {
        final HttpResponse<String> response = get(server, "/api/v1/profiles/nobody");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(error(response)).isEqualTo("No profile with id nobody.");
    }

    @Test
    void shouldAnswer503WithRetryAfterWhileUnavailable() throws Exception {
        lookup.answer("c-1", new LookupResult.Unavailable<>(Duration.ofMillis(1_500), "State is restoring."));

        final HttpResponse<String> response = get(server, "/api/v1/profiles/c-1");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(error(response)).isEqualTo("State is restoring.");
    }

    @Test
    void shouldForwardToTheOwningInstanceAndRelayItsAnswer() throws Exception {
        final FakeProfileLookup ownerLookup = new FakeProfileLookup()
            .answer("anon:x y", new LookupResult.Found<>(TestProfiles.sample("anon:x y")));
        final ApiServer owner = start(ownerLookup, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        lookup.answer("anon:x y", new LookupResult.FoundElsewhere<>("127.0.0.1", owner.port()));
        lookup.answer("gone", new LookupResult.FoundElsewhere<>("127.0.0.1", owner.port()));

        final HttpResponse<String> found = get(server, "/api/v1/profiles/anon:x%20y");
        final HttpResponse<String> missing = get(server, "/api/v1/profiles/gone");

        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(found.headers().firstValue("Content-Type")).hasValueSatisfying(
            type -> assertThat(type).startsWith("application/json"));
        assertThat(MAPPER.readTree(found.body())).isEqualTo(expectedJson(TestProfiles.sample("anon:x y")));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(error(missing)).isEqualTo("No profile with id gone.");
        assertThat(ownerLookup.requestedIds()).containsExactly("anon:x y", "gone");
        assertThat(scrape(server)).contains("profilestream_http_forwards_total{outcome=\"relayed\"} 2.0");
    }

    @Test
    void shouldRelayRetryAfterFromTheOwningInstance() throws Exception {
        final FakeProfileLookup ownerLookup = new FakeProfileLookup()
            .answer("c-1", new LookupResult.Unavailable<>(Duration.ofSeconds(7), "State is restoring."));
        final ApiServer owner = start(ownerLookup, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        lookup.answer("c-1", new LookupResult.FoundElsewhere<>("127.0.0.1", owner.port()));

        final HttpResponse<String> response = get(server, "/api/v1/profiles/c-1");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(error(response)).isEqualTo("State is restoring.");
    }

    @Test
    void shouldAnswer503InsteadOfForwardingAgain() throws Exception {
        final FakeProfileLookup otherLookup = new FakeProfileLookup();
        final ApiServer other = start(otherLookup, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        lookup.answer("c-1", new LookupResult.FoundElsewhere<>("127.0.0.1", other.port()));
        otherLookup.answer("c-1", new LookupResult.FoundElsewhere<>("127.0.0.1", server.port()));

        final HttpResponse<String> response = get(server, "/api/v1/profiles/c-1");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(error(response)).contains("disagree");
        assertThat(lookup.requestedIds()).containsExactly("c-1");
        assertThat(otherLookup.requestedIds()).containsExactly("c-1");
        assertThat(scrape(other)).contains("profilestream_http_forwards_total{outcome=\"loop\"} 1.0");
    }

    @Test
    void shouldNotForwardARequestThatWasAlreadyForwarded() throws Exception {
        lookup.answer("c-1", new LookupResult.FoundElsewhere<>("127.0.0.1", 1));

        final HttpResponse<String> response = client.send(
            request(server, "/api/v1/profiles/c-1").header(ApiServer.FORWARDED_BY_HEADER, "elsewhere:8080").build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void shouldAnswer503WhenTheOwningInstanceDoesNotAnswer() throws Exception {
        lookup.answer("c-1", new LookupResult.FoundElsewhere<>("127.0.0.1", unusedPort()));

        final HttpResponse<String> response = get(server, "/api/v1/profiles/c-1");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(error(response)).contains("did not answer");
        assertThat(scrape(server)).contains("profilestream_http_forwards_total{outcome=\"failed\"} 1.0");
    }

    @Test
    void shouldServeInstanceMetadata() throws Exception {
        lookup.instances(() -> Optional.of(List.of(new InstanceInfo(
            "10.0.0.1", 8080, List.of("profiles-store"), List.of("profile-events-0"), List.of(), List.of()))));

        final HttpResponse<String> response = get(server, "/api/v1/instances");

        assertThat(response.statusCode()).isEqualTo(200);
        final JsonNode instance = MAPPER.readTree(response.body()).get("instances").get(0);
        assertThat(instance.get("host").asText()).isEqualTo("10.0.0.1");
        assertThat(instance.get("port").asInt()).isEqualTo(8080);
        assertThat(instance.get("stores").get(0).asText()).isEqualTo("profiles-store");
        assertThat(instance.get("topicPartitions").get(0).asText()).isEqualTo("profile-events-0");
        assertThat(instance.get("standbyStores").isArray()).isTrue();
    }

    @Test
    void shouldAnswer501WhenTheLookupHasNoInstanceMetadata() throws Exception {
        final HttpResponse<String> response = get(server, "/api/v1/instances");

        assertThat(response.statusCode()).isEqualTo(501);
        assertThat(error(response)).isNotBlank();
    }

    @Test
    void shouldAnswer503WhileInstanceMetadataIsUnknown() throws Exception {
        lookup.instances(() -> {
            throw new QueryUnavailableException("Kafka Streams is REBALANCING.", Duration.ofSeconds(3));
        });

        final HttpResponse<String> response = get(server, "/api/v1/instances");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(error(response)).isEqualTo("Kafka Streams is REBALANCING.");
    }

    @Test
    void shouldServeRegisteredMetricsInPrometheusFormat() throws Exception {
        registry.counter("profilestream.test.events", "type", "click").increment(3);

        final HttpResponse<String> response = get(server, "/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
            .hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains("profilestream_test_events_total{type=\"click\"} 3.0");
    }

    @Test
    void shouldServeOnlyTheSeriesNamedWhenAsked() throws Exception {
        registry.counter("profilestream.test.events", "type", "click").increment(3);
        registry.gauge("profilestream.test.level", 7);
        registry.gauge("profilestream.test.other", 8);

        final String body = get(server, "/metrics?name%5B%5D=profilestream_test_events_total"
            + "&name%5B%5D=profilestream_test_level")
            .body();

        assertThat(body).contains("profilestream_test_events_total{type=\"click\"} 3.0")
            .contains("profilestream_test_level 7.0")
            .doesNotContain("profilestream_test_other");
        assertThat(get(server, "/metrics").body()).contains("profilestream_test_other 8.0");
    }

    @Test
    void shouldTimeRequestsByRouteTemplateWithoutIds() throws Exception {
        get(server, "/api/v1/profiles/c-secret");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape(server))
            .contains("profilestream_http_requests_seconds_count{method=\"GET\",route=\"/api/v1/profiles/{id}\","
                + "status=\"404\"} 1"));
        assertThat(scrape(server)).doesNotContain("c-secret");
    }

    @Test
    void shouldReportLiveness() throws Exception {
        final HttpResponse<String> response = get(server, "/health/live");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(MAPPER.readTree(response.body()).get("status").asText()).isEqualTo("UP");
    }

    @Test
    void shouldReportReadinessFromTheSupplier() throws Exception {
        final HttpResponse<String> notReady = get(server, "/health/ready");
        ready.set(true);
        final HttpResponse<String> nowReady = get(server, "/health/ready");

        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(MAPPER.readTree(notReady.body()).get("status").asText()).isEqualTo("DOWN");
        assertThat(nowReady.statusCode()).isEqualTo(200);
        assertThat(MAPPER.readTree(nowReady.body()).get("status").asText()).isEqualTo("UP");
    }

    @Test
    void shouldAnswer404JsonForUnknownPaths() throws Exception {
        final HttpResponse<String> response = get(server, "/no/such/thing");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
            type -> assertThat(type).startsWith("application/json"));
        assertThat(error(response)).isEqualTo("No endpoint GET /no/such/thing.");
    }

    @Test
    void shouldAnswer500WithAGenericMessageOnUnexpectedErrors() throws Exception {
        lookup.answer("c-1", () -> {
            throw new IllegalStateException("Internal detail.");
        });

        final HttpResponse<String> response = get(server, "/api/v1/profiles/c-1");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(error(response)).isEqualTo("Internal server error.");
        assertThat(response.body()).doesNotContain("Internal detail");
    }

    @Test
    void shouldNeverLogProfileIds() throws Exception {
        final Logger logger = (Logger) LoggerFactory.getLogger(ApiServer.class.getPackageName());
        final Level previous = logger.getLevel();
        final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
        try {
            lookup.answer("c-secret-1", new LookupResult.Found<>(TestProfiles.sample("c-secret-1")));
            lookup.answer("c-secret-2", new LookupResult.FoundElsewhere<>("127.0.0.1", unusedPort()));
            get(server, "/api/v1/profiles/c-secret-1");
            get(server, "/api/v1/profiles/c-secret-2");
            get(server, "/api/v1/profiles/c-secret-3");
            await().atMost(Duration.ofSeconds(10)).until(() -> served(appender) >= 3);
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(previous);
        }

        final List<String> messages = messages(appender);
        assertThat(messages).allSatisfy(message -> assertThat(message).doesNotContain("secret"));
        assertThat(messages).anySatisfy(message -> assertThat(message)
            .startsWith("Served GET /api/v1/profiles/{id} with status 200 in "));
        assertThat(messages).anySatisfy(message -> assertThat(message)
            .startsWith("Forwarding a profile lookup to 127.0.0.1:"));
    }

    private static long served(final ListAppender<ILoggingEvent> appender) {
        return messages(appender).stream().filter(message -> message.startsWith("Served ")).count();
    }

    private static List<String> messages(final ListAppender<ILoggingEvent> appender) {
        synchronized (appender) {
            final List<String> messages = new ArrayList<>();
            appender.list.forEach(event -> messages.add(event.getFormattedMessage()));
            return messages;
        }
    }

    @Test
    void shouldServeRoutesAddedThroughTheHook() throws Exception {
        final ApiServer extended = ApiServer.builder(lookup, registry)
            .bind("127.0.0.1", 0)
            .routes(app -> app.get("/api/v1/extra", ctx -> ctx.result("{\"extra\":true}")))
            .start();
        servers.add(extended);

        final HttpResponse<String> response = get(extended, "/api/v1/extra");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(MAPPER.readTree(response.body()).get("extra").asBoolean()).isTrue();
    }

    @Test
    void shouldExplainWhenThePortIsInUse() {
        final int taken = server.port();

        assertThatThrownBy(() -> ApiServer.start(lookup, registry, ready::get, "127.0.0.1", taken, app -> { }))
            .isInstanceOf(PortInUseException.class)
            .hasMessage("Port " + taken + " is already in use; choose another with http.port.");
    }

    private ApiServer start(final FakeProfileLookup lookup, final PrometheusMeterRegistry registry) {
        final ApiServer started = ApiServer.builder(lookup, registry)
            .readiness(ready::get)
            .bind("127.0.0.1", 0)
            .forwarding(new ForwardingClient("127.0.0.1:test", Duration.ofSeconds(5)))
            .start();
        servers.add(started);
        return started;
    }

    private HttpResponse<String> get(
        final ApiServer target,
        final String path
    ) throws IOException, InterruptedException {
        return client.send(request(target, path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(final ApiServer target, final String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + path))
            .timeout(Duration.ofSeconds(10))
            .GET();
    }

    private String scrape(final ApiServer target) throws IOException, InterruptedException {
        return get(target, "/metrics").body();
    }

    private static JsonNode expectedJson(final CustomerProfile profile) throws IOException {
        return MAPPER.readTree(AvroJson.toJson(profile).toString());
    }

    private static String error(final HttpResponse<String> response) throws IOException {
        return MAPPER.readTree(response.body()).get("error").asText();
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
