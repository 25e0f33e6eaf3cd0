package io.profilestream.segments;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import io.profilestream.profile.CustomerProfile;

/**
 * Keeps {@code docs/segments.md} in step with what rules can read.
 */
class SegmentDocsTest {

    private static final Path DOC = Path.of("..", "docs", "segments.md");

    private static void collect(final Schema record, final String prefix, final List<String> paths) {
        for (final Schema.Field field : record.getFields()) {
            if (prefix.equals("profile.") && ProfileFunctions.HIDDEN_FIELDS.contains(field.name())) {
                continue;
            }
            final String path = prefix + field.name();
            if (field.schema().getType() == Schema.Type.RECORD) {
                collect(field.schema(), path + ".", paths);
                continue;
            }
            paths.add(path);
            if (field.schema().getType() == Schema.Type.UNION) {
                for (final Schema branch : field.schema().getTypes()) {
                    if (branch.getType() == Schema.Type.RECORD) {
                        collect(branch, path + ".", paths);
                    }
                }
            }
        }
    }

    @Test
    void shouldDocumentEveryFieldThatRulesCanRead() throws IOException {
        final String doc = Files.readString(DOC);
        final List<String> paths = new ArrayList<>();
        collect(CustomerProfile.getClassSchema(), "profile.", paths);
        for (final DerivedField derived : ProfileFunctions.derivedFields()) {
            paths.add("profile.behaviour." + derived.name());
        }

        assertThat(paths).hasSizeGreaterThan(50);
        assertThat(paths).allSatisfy(path -> assertThat(doc).contains("`" + path + "`"));
    }

    @Test
    void shouldDocumentEveryHelperFunction() throws IOException {
        final String doc = Files.readString(DOC);

        assertThat(ProfileFunctions.declarations()).allSatisfy(function ->
            assertThat(doc).contains("`" + function.name() + "("));
        assertThat(ProfileFunctions.macros()).allSatisfy(macro ->
            assertThat(doc).contains("`" + macro.getFunction() + "("));
    }
}
