package io.profilestream.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;

/**
 * The compatibility rules of the Confluent Schema Registry, checked with Avro's own {@link SchemaCompatibility}.
 * BACKWARD: the new schema can read data written with the latest one.
 * FORWARD: the latest schema can read data written with the new one.
 * FULL: both.
 * The transitive variants check against every earlier version instead of the latest only.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(final boolean backward,
                       final boolean forward,
                       final boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /**
     * Finds a level by its name, in any case.
     *
     * @param name a level name such as {@code BACKWARD} or {@code full_transitive}
     * @return the level, or empty when the name is unknown or null
     */
    public static Optional<CompatibilityLevel> forName(final String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (final IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Checks a candidate schema against the versions already registered under a subject.
     *
     * @param candidate the schema to register
     * @param previous the schemas registered under the subject, oldest first
     * @return why the candidate is incompatible, one line per problem; empty when it is compatible
     */
    public List<String> check(final Schema candidate,
                              final List<Schema> previous) {
        final List<String> problems = new ArrayList<>();
        if (previous.isEmpty()) {
            return problems;
        }
        final List<Schema> against = transitive ? previous : List.of(previous.get(previous.size() - 1));
        for (final Schema existing : against) {
            if (backward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, existing).getResult(),
                    "the new schema cannot read data written with an earlier one", problems);
            }
            if (forward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(existing, candidate).getResult(),
                    "an earlier schema cannot read data written with the new one", problems);
            }
        }
        return problems;
    }

    private static void describe(final SchemaCompatibilityResult result,
                                 final String direction,
                                 final List<String> problems) {
        if (result.getCompatibility() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (final Incompatibility incompatibility : result.getIncompatibilities()) {
            problems.add(incompatibility.getType() + " at " + incompatibility.getLocation() + " (" + direction
                + "): " + incompatibility.getMessage());
        }
        if (result.getIncompatibilities().isEmpty()) {
            problems.add(direction);
        }
    }
}
