package io.profilestream.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {

    private static final Schema ID_ONLY = SchemaBuilder.record("Customer").fields()
        .requiredString("id")
        .endRecord();
    private static final Schema WITH_NAME_DEFAULT = SchemaBuilder.record("Customer").fields()
        .requiredString("id")
        .name("name").type().stringType().stringDefault("")
        .endRecord();
    private static final Schema WITH_NAME_REQUIRED = SchemaBuilder.record("Customer").fields()
        .requiredString("id")
        .requiredString("name")
        .endRecord();
    private static final Schema NAME_ONLY = SchemaBuilder.record("Customer").fields()
        .requiredString("name")
        .endRecord();

    @Test
    void shouldAcceptAnythingUnderNone() {
        assertThat(CompatibilityLevel.NONE.check(NAME_ONLY, List.of(ID_ONLY))).isEmpty();
    }

    @Test
    void shouldAcceptTheFirstSchemaOfASubject() {
        assertThat(CompatibilityLevel.FULL_TRANSITIVE.check(NAME_ONLY, List.of())).isEmpty();
    }

    @Test
    void shouldAcceptAFieldWithADefaultUnderBackward() {
        assertThat(CompatibilityLevel.BACKWARD.check(WITH_NAME_DEFAULT, List.of(ID_ONLY))).isEmpty();
    }

    @Test
    void shouldRefuseARequiredFieldUnderBackwardAndSayWhy() {
        assertThat(CompatibilityLevel.BACKWARD.check(WITH_NAME_REQUIRED, List.of(ID_ONLY)))
            .singleElement()
            .asString()
            .contains("READER_FIELD_MISSING_DEFAULT_VALUE", "name");
    }

    @Test
    void shouldAcceptARequiredFieldUnderForwardOnly() {
        assertThat(CompatibilityLevel.FORWARD.check(WITH_NAME_REQUIRED, List.of(ID_ONLY))).isEmpty();
        assertThat(CompatibilityLevel.FULL.check(WITH_NAME_REQUIRED, List.of(ID_ONLY))).isNotEmpty();
        assertThat(CompatibilityLevel.FULL.check(WITH_NAME_DEFAULT, List.of(ID_ONLY))).isEmpty();
    }

    @Test
    void shouldCheckOnlyTheLatestUnlessTransitive() {
        final List<Schema> history = List.of(NAME_ONLY, ID_ONLY);

        assertThat(CompatibilityLevel.BACKWARD.check(WITH_NAME_DEFAULT, history)).isEmpty();
        assertThat(CompatibilityLevel.BACKWARD_TRANSITIVE.check(ID_ONLY, history)).isNotEmpty();
    }

    @Test
    void shouldFindLevelsByNameInAnyCase() {
        assertThat(CompatibilityLevel.forName("backward_transitive")).contains(CompatibilityLevel.BACKWARD_TRANSITIVE);
        assertThat(CompatibilityLevel.forName(" NONE ")).contains(CompatibilityLevel.NONE);
        assertThat(CompatibilityLevel.forName("SIDEWAYS")).isEmpty();
        assertThat(CompatibilityLevel.forName(null)).isEmpty();
    }
}
