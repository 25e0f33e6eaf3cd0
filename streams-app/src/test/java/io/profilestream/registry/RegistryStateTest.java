package io.profilestream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class RegistryStateTest {

    private static final Schema V1 = SchemaBuilder.record("Customer").fields()
        .requiredString("id")
        .endRecord();
    private static final Schema V2 = SchemaBuilder.record("Customer").fields()
        .requiredString("id")
        .name("name").type().stringType().stringDefault("")
        .endRecord();
    private static final Schema V2_REQUIRED = SchemaBuilder.record("Customer").fields()
        .requiredString("id")
        .requiredString("name")
        .endRecord();

    private final RegistryState state = new RegistryState(CompatibilityLevel.BACKWARD);

    @Test
    void shouldGiveOneSchemaOneIdUnderEverySubjectAndTheNextVersionOfEach() {
        final RegistryState.Registration first = register("customers-value", V1);
        final RegistryState.Registration second = register("customers-value", V2);
        final RegistryState.Registration archive = register("archive-value", V2);

        assertThat(first).extracting("version", "id", "isNew").containsExactly(1, 1, true);
        assertThat(second).extracting("version", "id", "isNew").containsExactly(2, 2, true);
        assertThat(archive).extracting("version", "id", "isNew").containsExactly(1, 2, true);
    }

    @Test
    void shouldFindASchemaTheSubjectHoldsWithoutRecordingItAgain() {
        register("customers-value", V1);
        register("customers-value", V2);

        final RegistryState.Registration again = state.plan("customers-value", new Schema.Parser()
            .parse(V1.toString(true)));

        assertThat(again).extracting("version", "id", "isNew").containsExactly(1, 1, false);
        assertThat(state.versions("customers-value")).containsExactly(1, 2);
    }

    @Test
    void shouldRefuseAnIncompatibleSchemaWithoutTakingAnId() {
        register("customers-value", V1);

        assertThatThrownBy(() -> state.plan("customers-value", V2_REQUIRED))
            .asInstanceOf(type(SchemaRegistryException.class))
            .satisfies(e -> assertThat(e.status()).isEqualTo(409));
        assertThat(state.problems("customers-value", V2_REQUIRED)).isNotEmpty();
        assertThat(register("customers-value", V2).id()).isEqualTo(2);
    }

    @Test
    void shouldAnswerUnknownSubjectsVersionsAndIdsWithConfluentCodes() {
        register("customers-value", V1);

        assertThatThrownBy(() -> state.requireVersion("nothing-value", RegistryState.LATEST))
            .asInstanceOf(type(SchemaRegistryException.class))
            .satisfies(e -> assertThat(e.errorCode()).isEqualTo(40401));
        assertThatThrownBy(() -> state.requireVersion("customers-value", 2))
            .asInstanceOf(type(SchemaRegistryException.class))
            .satisfies(e -> assertThat(e.errorCode()).isEqualTo(40402));
        assertThatThrownBy(() -> state.requireSchema(9))
            .asInstanceOf(type(SchemaRegistryException.class))
            .satisfies(e -> assertThat(e.errorCode()).isEqualTo(40403));
    }

    private RegistryState.Registration register(final String subject,
                                                final Schema schema) {
        final RegistryState.Registration registration = state.plan(subject, schema);
        state.apply(registration);
        return registration;
    }
}
