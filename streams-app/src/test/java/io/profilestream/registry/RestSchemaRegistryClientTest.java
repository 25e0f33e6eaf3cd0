package io.profilestream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.Javalin;
import io.javalin.http.Context;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tests the REST client against a tiny HTTP server that answers with canned registry answers.
 */
class RestSchemaRegistryClientTest {

    private static final String INCOMPATIBLE =
        "Schema being registered is incompatible with an earlier schema for subject \"incompatible-value\"";
    private static final Schema SCHEMA = SchemaBuilder.record("Click").namespace("test")
        .fields().requiredString("id").endRecord();

    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicInteger hits = new AtomicInteger();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private Javalin server;
    private String url;

    @BeforeEach
    void startServer() {
        server = Javalin.create(config -> config.showJavalinBanner = false);
        server.before(ctx -> {
            hits.incrementAndGet();
            authorizations.add(String.valueOf(ctx.header("Authorization")));
        });
        server.post("/subjects/{subject}/versions", ctx -> {
            contentTypes.add(String.valueOf(ctx.contentType()));
            bodies.add(mapper.readTree(ctx.body()));
            if ("incompatible-value".equals(ctx.pathParam("subject"))) {
                registryError(ctx, 409, 409, INCOMPATIBLE);
            } else {
                ctx.result("{\"id\":7}");
            }
        });
        server.get("/schemas/ids/7", ctx -> ctx.result(mapper.createObjectNode()
            .put("schema", SCHEMA.toString()).toString()));
        server.get("/schemas/ids/{id}", ctx -> registryError(ctx, 404, 40403, "Schema not found"));
        server.get("/subjects/clicks-value/versions/latest", ctx -> ctx.result(mapper.createObjectNode()
            .put("subject", "clicks-value").put("version", 3).put("id", 7).put("schema", SCHEMA.toString())
            .toString()));
        server.get("/subjects/{subject}/versions/latest",
            ctx -> registryError(ctx, 404, 40401, "Subject '" + ctx.pathParam("subject") + "' not found."));
        server.post("/compatibility/subjects/clicks-value/versions/latest",
            ctx -> ctx.result("{\"is_compatible\":false}"));
        server.post("/compatibility/subjects/{subject}/versions/latest",
            ctx -> registryError(ctx, 404, 40401, "Subject '" + ctx.pathParam("subject") + "' not found."));
        server.get("/proxy-error/schemas/ids/1", ctx -> ctx.status(502).result("<html>Bad gateway</html>"));
        server.start("127.0.0.1", 0);
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    @Test
    void shouldRegisterWithConfluentContentTypeAndSchemaBody() {
        final RestSchemaRegistryClient client = new RestSchemaRegistryClient(url);

        assertThat(client.register("clicks-value", SCHEMA)).isEqualTo(7);

        assertThat(contentTypes).containsExactly("application/vnd.schemaregistry.v1+json");
        assertThat(bodies).hasSize(1);
        assertThat(new Schema.Parser().parse(bodies.get(0).get("schema").asText())).isEqualTo(SCHEMA);
    }

    @Test
    void shouldSurfaceTheRegistryOwnErrorCodeAndMessage() {
        final RestSchemaRegistryClient client = new RestSchemaRegistryClient(url);

        assertThatThrownBy(() -> client.register("incompatible-value", SCHEMA))
            .asInstanceOf(type(SchemaRegistryException.class))
            .satisfies(e -> {
                assertThat(e.status()).isEqualTo(409);
                assertThat(e.errorCode()).isEqualTo(409);
                assertThat(e.getMessage()).isEqualTo(INCOMPATIBLE);
            });
    }

    @Test
    void shouldReportUnknownSubjectAsNotFound() {
        final RestSchemaRegistryClient client = new RestSchemaRegistryClient(url);

        assertThatThrownBy(() -> client.getLatest("nothing-value"))
            .asInstanceOf(type(SchemaRegistryException.class))
            .satisfies(e -> {
                assertThat(e.isNotFound()).isTrue();
                assertThat(e.errorCode()).isEqualTo(40401);
                assertThat(e.getMessage()).isEqualTo("Subject 'nothing-value' not found.");
            });
    }

    @Test
    void shouldReportUnknownIdAsNotFound() {
        final RestSchemaRegistryClient client = new RestSchemaRegistryClient(url);

        assertThatThrownBy(() -> client.getSchemaById(99))
            .asInstanceOf(type(SchemaRegistryException.class))
            .satisfies(e -> assertThat(e.errorCode()).isEqualTo(40403));
    }

    @Test
    void shouldDescribeAnErrorThatIsNotFromTheRegistry() {
        final RestSchemaRegistryClient client = new RestSchemaRegistryClient(url + "/proxy-error");

        assertThatThrownBy(() -> client.getSchemaById(1))
            .asInstanceOf(type(SchemaRegistryException.class))
            .satisfies(e -> {
                assertThat(e.status()).isEqualTo(502);
                assertThat(e.getMessage()).contains(url + "/proxy-error", "HTTP 502", "Bad gateway");
            });
    }

    @Test
    void shouldNameTheUrlWhenTheRegistryIsUnreachable() throws IOException {
        final String deadUrl = "http://127.0.0.1:" + freePort();
        final RestSchemaRegistryClient client = new RestSchemaRegistryClient(deadUrl);

        assertThatThrownBy(() -> client.getSchemaById(7))
            .isInstanceOf(SchemaRegistryException.class)
            .hasMessageStartingWith("Schema registry at " + deadUrl + " is unreachable: ")
            .satisfies(e -> assertThat(((SchemaRegistryException) e).status()).isZero());
    }

    @Test
    void shouldTimeOutWhenTheRegistryDoesNotAnswer() throws IOException {
        try (final ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            final String silentUrl = "http://127.0.0.1:" + silent.getLocalPort();
            final RestSchemaRegistryClient client = new RestSchemaRegistryClient(silentUrl, null,
                Duration.ofSeconds(1), Duration.ofMillis(300));

            assertThatThrownBy(() -> client.getSchemaById(7))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageStartingWith("Schema registry at " + silentUrl + " is unreachable: ")
                .hasMessageContaining("timed out");
        }
    }

    @Test
    void shouldFailOverToTheNextUrlAndPreferItAfterwards() throws IOException {
        final String deadUrl = "http://127.0.0.1:" + freePort();
        final RestSchemaRegistryClient client = new RestSchemaRegistryClient(deadUrl + ", " + url);

        assertThat(client.getLatest("clicks-value").id()).isEqualTo(7);
        assertThat(client.urls()).containsExactly(deadUrl, url);
        assertThat(client.getLatest("clicks-value").version()).isEqualTo(3);
        assertThat(hits).hasValue(2);
    }

    @Test
    void shouldNameEveryUrlWhenNoneIsReachable() throws IOException {
        final String first = "http://127.0.0.1:" + freePort();
        final String second = "http://127.0.0.1:" + freePort();
        final RestSchemaRegistryClient client = new RestSchemaRegistryClient(first + "," + second);

        assertThatThrownBy(() -> client.getLatest("clicks-value"))
            .hasMessageStartingWith("Schema registry at " + first + ", " + second + " is unreachable: ")
            .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
    }

    @Test
    void shouldFetchASchemaByIdOnlyOnce() {
        final RestSchemaRegistryClient client = new RestSchemaRegistryClient(url);

        assertThat(client.getSchemaById(7)).isEqualTo(SCHEMA);
        assertThat(client.getSchemaById(7)).isEqualTo(SCHEMA);

        assertThat(hits).hasValue(1);
    }

    @Test
    void shouldRegisterASchemaOnlyOnceAndKnowItsIdAfterwards() {
        final RestSchemaRegistryClient client = new RestSchemaRegistryClient(url);

        assertThat(client.register("clicks-value", SCHEMA)).isEqualTo(7);
        assertThat(client.register("clicks-value", SCHEMA)).isEqualTo(7);
        assertThat(client.getSchemaById(7)).isEqualTo(SCHEMA);

        assertThat(hits).hasValue(1);
    }

    @Test
    void shouldAskForTheLatestVersionEveryTime() {
        final RestSchemaRegistryClient client = new RestSchemaRegistryClient(url);

        final SchemaRegistryClient.RegisteredSchema latest = client.getLatest("clicks-value");
        client.getLatest("clicks-value");

        assertThat(latest).isEqualTo(new SchemaRegistryClient.RegisteredSchema("clicks-value", 3, 7, SCHEMA));
        assertThat(hits).hasValue(2);
    }

    @Test
    void shouldAnswerTheRegistryCompatibilityVerdict() {
        final RestSchemaRegistryClient client = new RestSchemaRegistryClient(url);

        assertThat(client.testCompatibility("clicks-value", SCHEMA)).isFalse();
    }

    @Test
    void shouldTreatAnUnknownSubjectAsCompatible() {
        final RestSchemaRegistryClient client = new RestSchemaRegistryClient(url);

        assertThat(client.testCompatibility("new-value", SCHEMA)).isTrue();
    }

    @Test
    void shouldSendBasicAuthFromTheUrlWithoutEverShowingIt() throws IOException {
        final String deadUrl = "http://127.0.0.1:" + freePort();
        final RestSchemaRegistryClient client = new RestSchemaRegistryClient(
            "http://alice:s3cr%40t@" + deadUrl.substring("http://".length()) + ",http://alice:s3cr%40t@127.0.0.1:"
                + server.port());

        assertThat(client.getSchemaById(7)).isEqualTo(SCHEMA);

        assertThat(authorizations).containsExactly(basic("alice:s3cr@t"));
        assertThat(client.urls()).containsExactly(deadUrl, url);
        assertThat(client.toString()).doesNotContain("alice", "s3cr");
    }

    @Test
    void shouldSendBasicAuthFromExplicitUserInfo() {
        final RestSchemaRegistryClient client = new RestSchemaRegistryClient(url, "bob:pa:ss",
            RestSchemaRegistryClient.DEFAULT_CONNECT_TIMEOUT, RestSchemaRegistryClient.DEFAULT_REQUEST_TIMEOUT);

        client.getSchemaById(7);

        assertThat(authorizations).containsExactly(basic("bob:pa:ss"));
    }

    @Test
    void shouldKeepCredentialsOutOfUnreachableMessages() throws IOException {
        final int port = freePort();
        final RestSchemaRegistryClient client = new RestSchemaRegistryClient("http://alice:secret@127.0.0.1:" + port);

        assertThatThrownBy(() -> client.getSchemaById(7))
            .hasMessageStartingWith("Schema registry at http://127.0.0.1:" + port + " is unreachable")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("alice", "secret"));
    }

    @Test
    void shouldRefuseAUrlThatIsNotHttpWithoutShowingCredentials() {
        assertThatThrownBy(() -> new RestSchemaRegistryClient("ftp://alice:secret@registry:8081"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("ftp://registry:8081")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
    }

    private static void registryError(final Context ctx,
                                      final int status,
                                      final int errorCode,
                                      final String message) {
        ctx.status(status).result(new ObjectMapper().createObjectNode()
            .put("error_code", errorCode).put("message", message).toString());
    }

    private static String basic(final String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (final ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
