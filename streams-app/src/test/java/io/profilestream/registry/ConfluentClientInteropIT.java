package io.profilestream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaMetadata;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import org.apache.flink.formats.avro.registry.confluent.ConfluentSchemaRegistryCoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;

/**
 * Talks to the embedded registry with Confluent's own client (relocated inside Flink's SQL format jar) and checks
 * that it and {@link RestSchemaRegistryClient} see the same ids, versions and verdicts.
 * Each test uses subjects of its own; the registry and its broker, which {@link KafkaClusterExtension} starts, are
 * shared by the class.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class ConfluentClientInteropIT {

    private static final Schema V1 = SchemaBuilder.record("ClickEvent").namespace("io.profilestream.interop").fields()
        .requiredString("eventId")
        .requiredString("anonymousId")
        .endRecord();
    private static final Schema V2_COMPATIBLE = SchemaBuilder.record("ClickEvent")
        .namespace("io.profilestream.interop").fields()
        .requiredString("eventId")
        .requiredString("anonymousId")
        .optionalString("page")
        .endRecord();
    private static final Schema V2_NO_DEFAULT = SchemaBuilder.record("ClickEvent")
        .namespace("io.profilestream.interop").fields()
        .requiredString("eventId")
        .requiredString("anonymousId")
        .name("page").type().nullable().stringType().noDefault()
        .endRecord();
    private static final Schema V2_REQUIRED = SchemaBuilder.record("ClickEvent")
        .namespace("io.profilestream.interop").fields()
        .requiredString("eventId")
        .requiredString("anonymousId")
        .requiredString("page")
        .endRecord();

    private static String registryUrl;
    private static CachedSchemaRegistryClient confluent;
    private static RestSchemaRegistryClient ours;

    @BeforeAll
    static void start(final KafkaCluster cluster) {
        registryUrl = cluster.registryUrl();
        confluent = ConfluentPeer.client(registryUrl);
        ours = new RestSchemaRegistryClient(registryUrl);
    }

    @AfterAll
    static void stop() throws Exception {
        if (confluent != null) {
            confluent.close();
        }
    }

    @Test
    void shouldGiveTheSameIdsToConfluentClientAndOurs() throws Exception {
        final int byConfluent = confluent.register("ids-value", ConfluentPeer.avro(V1));

        assertThat(ours.register("ids-value", V1)).isEqualTo(byConfluent);
        assertThat(ours.getSchemaById(byConfluent)).isEqualTo(V1);

        final int byUs = ours.register("ids-other-value", V2_COMPATIBLE);
        assertThat(confluent.getSchemaById(byUs).canonicalString()).isEqualTo(V2_COMPATIBLE.toString());
        assertThat(confluent.register("ids-other-value", ConfluentPeer.avro(V2_COMPATIBLE))).isEqualTo(byUs);
        assertThat(confluent.register("ids-third-value", ConfluentPeer.avro(V1))).isEqualTo(byConfluent);
    }

    @Test
    void shouldAgreeOnLatestVersionsAndLookups() throws Exception {
        final int first = confluent.register("versions-value", ConfluentPeer.avro(V1));
        final int second = ours.register("versions-value", V2_COMPATIBLE);

        final SchemaMetadata latest = confluent.getLatestSchemaMetadata("versions-value");
        assertThat(latest.getId()).isEqualTo(second);
        assertThat(latest.getVersion()).isEqualTo(2);
        assertThat(new Schema.Parser().parse(latest.getSchema())).isEqualTo(V2_COMPATIBLE);
        assertThat(ours.getLatest("versions-value").version()).isEqualTo(latest.getVersion());

        assertThat(confluent.getVersion("versions-value", ConfluentPeer.avro(V1))).isEqualTo(1);
        assertThat(confluent.getId("versions-value", ConfluentPeer.avro(V2_COMPATIBLE))).isEqualTo(second);
        assertThat(confluent.getSchemaMetadata("versions-value", 1).getId()).isEqualTo(first);
        assertThat(confluent.getAllVersions("versions-value")).containsExactly(1, 2);
        assertThat(confluent.getAllSubjects()).contains("versions-value");
        assertThat(confluent.getAllSubjectsById(first)).contains("versions-value");
    }

    @Test
    void shouldReportIncompatibilityToConfluentClient() throws Exception {
        confluent.register("compat-value", ConfluentPeer.avro(V1));

        assertThat(confluent.testCompatibility("compat-value", ConfluentPeer.avro(V2_NO_DEFAULT))).isFalse();
        assertThat(ours.testCompatibility("compat-value", V2_NO_DEFAULT)).isFalse();
        assertThat(confluent.testCompatibility("compat-value", ConfluentPeer.avro(V2_COMPATIBLE))).isTrue();
        assertThat(confluent.testCompatibilityVerbose("compat-value", ConfluentPeer.avro(V2_REQUIRED)))
            .anySatisfy(message -> assertThat(message).contains("READER_FIELD_MISSING_DEFAULT_VALUE"));
        assertThatThrownBy(() -> confluent.register("compat-value", ConfluentPeer.avro(V2_REQUIRED)))
            .asInstanceOf(type(RestClientException.class))
            .satisfies(e -> {
                assertThat(e.getStatus()).isEqualTo(409);
                assertThat(e.getErrorCode()).isEqualTo(409);
            });
    }

    @Test
    void shouldReportUnknownSubjectsAndIdsToConfluentClient() {
        assertThatThrownBy(() -> confluent.getLatestSchemaMetadata("nothing-value"))
            .asInstanceOf(type(RestClientException.class))
            .satisfies(e -> assertThat(e.getErrorCode()).isEqualTo(40401));
        assertThatThrownBy(() -> confluent.getSchemaById(9999))
            .asInstanceOf(type(RestClientException.class))
            .satisfies(e -> assertThat(e.getErrorCode()).isEqualTo(40403));
    }

    @Test
    void shouldFrameTheConfluentWireFormatHeaderWithOurIds() throws Exception {
        final int id = ours.register("frames-value", V1);
        final ConfluentSchemaRegistryCoder coder = new ConfluentSchemaRegistryCoder("frames-value",
            ConfluentPeer.client(registryUrl));

        final ByteArrayOutputStream header = new ByteArrayOutputStream();
        coder.writeSchema(ConfluentPeer.relocated(V1), header);

        assertThat(header.toByteArray()).containsExactly(ByteBuffer.allocate(5).put((byte) 0).putInt(id).array());
        assertThat(coder.readSchema(new ByteArrayInputStream(header.toByteArray())).toString())
            .isEqualTo(V1.toString());
    }
}
