package io.profilestream.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class SchemaRecordCodecTest {

    private static final Schema CUSTOMER = SchemaBuilder.record("Customer").fields()
        .requiredString("id")
        .endRecord();

    private final SchemaRecordCodec codec = new SchemaRecordCodec("_schemas");

    @Test
    void shouldRestoreTheSchemaRecordsItWrites() {
        final RegistryState written = new RegistryState(CompatibilityLevel.BACKWARD);
        final RegistryState.Registration registration = written.plan("customers-value", CUSTOMER);
        final RegistryState restored = new RegistryState(CompatibilityLevel.BACKWARD);

        codec.restore(restored, codec.schemaKey(registration), codec.schemaValue(registration));

        assertThat(restored.requireVersion("customers-value", RegistryState.LATEST))
            .isEqualTo(new RegistryState.SubjectVersion("customers-value", 1,
                new RegistryState.StoredSchema(1, CUSTOMER.toString(), CUSTOMER)));
    }

    @Test
    void shouldRestoreGlobalAndSubjectLevelsAndForgetALevelOnATombstone() {
        final RegistryState state = new RegistryState(CompatibilityLevel.BACKWARD);

        codec.restore(state, codec.configKey(null), codec.configValue(CompatibilityLevel.FULL));
        codec.restore(state, codec.configKey("a-value"), codec.configValue(CompatibilityLevel.NONE));
        codec.restore(state, codec.configKey("b-value"), codec.configValue(CompatibilityLevel.FORWARD));
        codec.restore(state, codec.configKey("b-value"), null);

        assertThat(state.globalLevel()).isEqualTo(CompatibilityLevel.FULL);
        assertThat(state.subjectLevel("a-value")).contains(CompatibilityLevel.NONE);
        assertThat(state.subjectLevel("b-value")).isEmpty();
    }

    @Test
    void shouldReadConfluentRecordsAndKeepTheIdsOfThoseItSkips() {
        final RegistryState state = new RegistryState(CompatibilityLevel.BACKWARD);
        final String key = "{\"keytype\":\"SCHEMA\",\"subject\":\"%s\",\"version\":1,\"magic\":1}";

        codec.restore(state, key.formatted("customers-value"), "{\"subject\":\"customers-value\",\"version\":1,"
            + "\"id\":3,\"schemaType\":\"AVRO\",\"schema\":" + quoted(CUSTOMER.toString()) + ",\"deleted\":false}");
        codec.restore(state, key.formatted("proto-value"), "{\"subject\":\"proto-value\",\"version\":1,\"id\":7,"
            + "\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
        codec.restore(state, "{\"keytype\":\"NOOP\",\"magic\":0}", "{}");
        codec.restore(state, "not json", "{}");

        assertThat(state.requireSchema(3).schema()).isEqualTo(CUSTOMER);
        assertThat(state.subjects()).containsExactly("customers-value");
        assertThat(state.plan("other-value", SchemaBuilder.record("Other").fields().endRecord()).id()).isEqualTo(8);
    }

    private static String quoted(final String text) {
        return "\"" + text.replace("\"", "\\\"") + "\"";
    }
}
