package io.profilestream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;
import io.profilestream.testing.TestNamespace;

/**
 * Runs the embedded schema registry on a real broker and talks to it through {@link RestSchemaRegistryClient}
 * and raw HTTP.
 * Each test starts registries of its own that keep their schemas in a topic of the test's own, on a broker that
 * {@link KafkaClusterExtension} starts for the class.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class EmbeddedSchemaRegistryIT {

    private static final Schema V1 = SchemaBuilder.record("Purchase").namespace("io.profilestream.test").fields()
        .requiredString("orderId")
        .requiredLong("amountMinor")
        .endRecord();
    private static final Schema V2_OPTIONAL = SchemaBuilder.record("Purchase").namespace("io.profilestream.test")
        .fields()
        .requiredString("orderId")
        .requiredLong("amountMinor")
        .name("currency").type().stringType().stringDefault("EUR")
        .endRecord();
    private static final Schema V2_REQUIRED = SchemaBuilder.record("Purchase").namespace("io.profilestream.test")
        .fields()
        .requiredString("orderId")
        .requiredLong("amountMinor")
        .requiredString("currency")
        .endRecord();
    private static final Schema OTHER = SchemaBuilder.record("Email").namespace("io.profilestream.test").fields()
        .requiredString("messageId")
        .endRecord();

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String bootstrapServers;
    private String topic;

    EmbeddedSchemaRegistryIT(final KafkaCluster cluster) {
        bootstrapServers = cluster.bootstrapServers();
    }

    @BeforeEach
    void chooseTopic(final TestNamespace namespace) {
        topic = namespace.topic("_schemas");
    }

    @Test
    void shouldRegisterFetchAndReportTheLatestVersion() {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(bootstrapServers, 0, topic)) {
            assertThat(registry.url()).isEqualTo("http://127.0.0.1:" + registry.port());
            assertThat(registry.topic()).isEqualTo(topic);
            final RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());

            final int id = client.register("purchase-events-value", V1);

            final RestSchemaRegistryClient fresh = new RestSchemaRegistryClient(registry.url());
            assertThat(fresh.getSchemaById(id)).isEqualTo(V1);
            assertThat(fresh.getLatest("purchase-events-value"))
                .isEqualTo(new SchemaRegistryClient.RegisteredSchema("purchase-events-value", 1, id, V1));
            assertThat(fresh.register("purchase-events-value", V1)).isEqualTo(id);
            assertThat(fresh.register("purchase-archive-value", V1)).isEqualTo(id);
            assertThat(fresh.register("email-events-value", OTHER)).isEqualTo(id + 1);
            assertThat(fresh.getLatest("purchase-archive-value").version()).isEqualTo(1);
        }
    }

    @Test
    void shouldTreatDifferentlyFormattedTextOfOneSchemaAsTheSameSchema() throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(bootstrapServers, 0, topic)) {
            final int id = new RestSchemaRegistryClient(registry.url()).register("purchase-events-value", V1);
            final String pretty = V1.toString(true);

            final JsonNode answer = call(registry, "POST", "/subjects/purchase-events-value/versions",
                mapper.createObjectNode().put("schema", pretty).toString(), 200);

            assertThat(answer.get("id").asInt()).isEqualTo(id);
            assertThat(call(registry, "GET", "/subjects/purchase-events-value/versions", null, 200).toString())
                .isEqualTo("[1]");
        }
    }

    @Test
    void shouldRefuseAnIncompatibleChangeWith409() {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(bootstrapServers, 0, topic)) {
            final RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
            client.register("purchase-events-value", V1);

            assertThat(client.testCompatibility("purchase-events-value", V2_REQUIRED)).isFalse();
            assertThatThrownBy(() -> client.register("purchase-events-value", V2_REQUIRED))
                .asInstanceOf(type(SchemaRegistryException.class))
                .satisfies(e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.getMessage())
                        .startsWith("Schema being registered is incompatible with an earlier schema for subject "
                            + "\"purchase-events-value\"")
                        .contains("READER_FIELD_MISSING_DEFAULT_VALUE", "currency");
                });
            assertThat(client.getLatest("purchase-events-value").version()).isEqualTo(1);
        }
    }

    @Test
    void shouldAcceptACompatibleChangeAsANewVersion() {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(bootstrapServers, 0, topic)) {
            final RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
            final int first = client.register("purchase-events-value", V1);

            assertThat(client.testCompatibility("purchase-events-value", V2_OPTIONAL)).isTrue();
            final int second = client.register("purchase-events-value", V2_OPTIONAL);

            assertThat(second).isEqualTo(first + 1);
            assertThat(client.getLatest("purchase-events-value"))
                .isEqualTo(new SchemaRegistryClient.RegisteredSchema("purchase-events-value", 2, second, V2_OPTIONAL));
            assertThat(client.register("purchase-events-value", V1)).isEqualTo(first);
            assertThat(client.getLatest("purchase-events-value").version()).isEqualTo(2);
        }
    }

    @Test
    void shouldAcceptAnyChangeUnderCompatibilityNone() throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(bootstrapServers, 0, topic)) {
            final RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
            client.register("purchase-events-value", V1);

            call(registry, "PUT", "/config/purchase-events-value", "{\"compatibility\":\"NONE\"}", 200);

            assertThat(client.testCompatibility("purchase-events-value", V2_REQUIRED)).isTrue();
            assertThat(client.register("purchase-events-value", V2_REQUIRED)).isPositive();
            assertThat(call(registry, "GET", "/config/purchase-events-value", null, 200)
                .get("compatibilityLevel").asText()).isEqualTo("NONE");
            assertThat(call(registry, "GET", "/config", null, 200).get("compatibilityLevel").asText())
                .isEqualTo("BACKWARD");
        }
    }

    @Test
    void shouldKeepIdsVersionsAndConfigurationAcrossARestart() throws Exception {
        final int purchaseV1;
        final int purchaseV2;
        final int email;
        final int port;
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(bootstrapServers, 0, topic)) {
            final RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
            purchaseV1 = client.register("purchase-events-value", V1);
            purchaseV2 = client.register("purchase-events-value", V2_OPTIONAL);
            email = client.register("email-events-value", OTHER);
            client.register("purchase-archive-value", V2_OPTIONAL);
            call(registry, "PUT", "/config", "{\"compatibility\":\"FULL\"}", 200);
            call(registry, "PUT", "/config/email-events-value", "{\"compatibility\":\"none\"}", 200);
            port = registry.port();
        }

        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(bootstrapServers, port, topic)) {
            assertThat(registry.port()).isEqualTo(port);
            final RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
            assertThat(client.getSchemaById(purchaseV1)).isEqualTo(V1);
            assertThat(client.getSchemaById(purchaseV2)).isEqualTo(V2_OPTIONAL);
            assertThat(client.getLatest("purchase-events-value"))
                .isEqualTo(new SchemaRegistryClient.RegisteredSchema("purchase-events-value", 2, purchaseV2,
                    V2_OPTIONAL));
            assertThat(client.getLatest("purchase-archive-value").id()).isEqualTo(purchaseV2);
            assertThat(client.register("email-events-value", OTHER)).isEqualTo(email);
            assertThat(call(registry, "GET", "/subjects", null, 200).toString())
                .isEqualTo("[\"email-events-value\",\"purchase-archive-value\",\"purchase-events-value\"]");
            assertThat(call(registry, "GET", "/config", null, 200).get("compatibilityLevel").asText())
                .isEqualTo("FULL");
            assertThat(call(registry, "GET", "/config/email-events-value", null, 200)
                .get("compatibilityLevel").asText()).isEqualTo("NONE");

            final Schema v3 = SchemaBuilder.record("Purchase").namespace("io.profilestream.test").fields()
                .requiredString("orderId")
                .requiredLong("amountMinor")
                .name("currency").type().stringType().stringDefault("EUR")
                .name("channel").type().stringType().stringDefault("web")
                .endRecord();
            assertThat(client.register("purchase-events-value", v3)).isEqualTo(email + 1);
            assertThat(client.getLatest("purchase-events-value").version()).isEqualTo(3);
        }
    }

    @Test
    void shouldCreateTheSchemasTopicCompactedWithOnePartition() throws Exception {
        try (EmbeddedSchemaRegistry ignored = EmbeddedSchemaRegistry.start(bootstrapServers, 0, topic);
             Admin admin = admin()) {
            final TopicDescription description = admin.describeTopics(Set.of(topic)).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(topic);
            final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            final String policy = admin.describeConfigs(Set.of(resource)).all().get(30, TimeUnit.SECONDS)
                .get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG).value();

            assertThat(description.partitions()).hasSize(1);
            assertThat(policy).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        }
    }

    @Test
    void shouldRefuseASchemasTopicThatIsNotCompacted() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE))))
                .all().get(30, TimeUnit.SECONDS);
        }

        assertThatThrownBy(() -> EmbeddedSchemaRegistry.start(bootstrapServers, 0, topic))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(topic)
            .hasMessageContaining("cleanup.policy=delete");
    }

    @Test
    void shouldAnswerErrorsAsConfluentDoes() throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(bootstrapServers, 0, topic)) {
            new RestSchemaRegistryClient(registry.url()).register("purchase-events-value", V1);
            final String v2 = mapper.createObjectNode().put("schema", V2_OPTIONAL.toString()).toString();

            assertThat(call(registry, "GET", "/subjects/nothing-value/versions", null, 404))
                .isEqualTo(error(40401, "Subject 'nothing-value' not found."));
            assertThat(call(registry, "GET", "/subjects/purchase-events-value/versions/7", null, 404))
                .isEqualTo(error(40402, "Version 7 not found."));
            assertThat(call(registry, "GET", "/subjects/purchase-events-value/versions/first", null, 422)
                .get("error_code").asInt()).isEqualTo(42202);
            assertThat(call(registry, "GET", "/schemas/ids/999", null, 404))
                .isEqualTo(error(40403, "Schema 999 not found"));
            assertThat(call(registry, "POST", "/subjects/purchase-events-value", v2, 404))
                .isEqualTo(error(40403, "Schema not found"));
            assertThat(call(registry, "POST", "/subjects/nothing-value", v2, 404).get("error_code").asInt())
                .isEqualTo(40401);
            assertThat(call(registry, "POST", "/subjects/purchase-events-value/versions",
                "{\"schema\":\"{\\\"type\\\":\\\"record\\\"}\"}", 422).get("error_code").asInt()).isEqualTo(42201);
            assertThat(call(registry, "POST", "/subjects/purchase-events-value/versions",
                "{\"schema\":\"{}\",\"schemaType\":\"PROTOBUF\"}", 422).get("error_code").asInt()).isEqualTo(42201);
            assertThat(call(registry, "PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}", 422)
                .get("error_code").asInt()).isEqualTo(42203);
            assertThat(call(registry, "GET", "/config/purchase-events-value", null, 404).get("error_code").asInt())
                .isEqualTo(40408);
            assertThat(call(registry, "GET", "/no/such/path", null, 404).get("error_code").asInt()).isEqualTo(404);
        }
    }

    @Test
    void shouldListSubjectsVersionsAndWhereAnIdIsUsed() throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(bootstrapServers, 0, topic)) {
            final RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
            final int first = client.register("purchase-events-value", V1);
            final int second = client.register("purchase-events-value", V2_OPTIONAL);
            client.register("purchase-archive-value", V1);

            assertThat(call(registry, "GET", "/subjects", null, 200).toString())
                .isEqualTo("[\"purchase-archive-value\",\"purchase-events-value\"]");
            assertThat(call(registry, "GET", "/subjects/purchase-events-value/versions", null, 200).toString())
                .isEqualTo("[1,2]");
            assertThat(call(registry, "GET", "/schemas/ids/" + first + "/versions", null, 200).toString())
                .isEqualTo("[{\"subject\":\"purchase-archive-value\",\"version\":1},"
                    + "{\"subject\":\"purchase-events-value\",\"version\":1}]");
            final JsonNode version = call(registry, "GET", "/subjects/purchase-events-value/versions/2", null, 200);
            assertThat(version.get("id").asInt()).isEqualTo(second);
            assertThat(new Schema.Parser().parse(version.get("schema").asText())).isEqualTo(V2_OPTIONAL);
            final JsonNode found = call(registry, "POST", "/subjects/purchase-events-value",
                mapper.createObjectNode().put("schema", V1.toString()).toString(), 200);
            assertThat(found.get("version").asInt()).isEqualTo(1);
            assertThat(found.get("id").asInt()).isEqualTo(first);
            final JsonNode verbose = call(registry, "POST",
                "/compatibility/subjects/purchase-events-value/versions/1?verbose=true",
                mapper.createObjectNode().put("schema", V2_REQUIRED.toString()).toString(), 200);
            assertThat(verbose.get("is_compatible").asBoolean()).isFalse();
            assertThat(verbose.get("messages")).isNotEmpty();
        }
    }

    private JsonNode error(final int errorCode,
                           final String message) {
        return mapper.createObjectNode().put("error_code", errorCode).put("message", message);
    }

    private JsonNode call(final EmbeddedSchemaRegistry registry,
                          final String method,
                          final String path,
                          final String body,
                          final int expectedStatus) throws IOException, InterruptedException {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(registry.url() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE)
            .method(method, body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
            .build();
        final HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("status of %s %s: %s", method, path, response.body())
            .isEqualTo(expectedStatus);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
            contentType -> assertThat(contentType).startsWith(RestSchemaRegistryClient.CONTENT_TYPE));
        return mapper.readTree(response.body());
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }
}
