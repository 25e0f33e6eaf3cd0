package io.profilestream.segments;

import java.util.Objects;

import io.profilestream.profile.DefinitionKind;
import io.profilestream.profile.SegmentDefinition;

/**
 * A segment or persona definition with its compiled rule.
 * Immutable: it keeps its own copy of the definition.
 */
public final class CompiledDefinition {

    private final SegmentDefinition definition;
    private final CompiledExpression expression;

    CompiledDefinition(final SegmentDefinition definition, final CompiledExpression expression) {
        this.definition = SegmentDefinition.newBuilder(Objects.requireNonNull(definition, "definition")).build();
        this.expression = Objects.requireNonNull(expression, "expression");
        if (!expression.source().equals(definition.getExpression())) {
            throw new IllegalArgumentException("The compiled expression is not the definition's expression");
        }
    }

    /**
     * The same definition metadata with a new version of the definition whose expression is unchanged, reusing
     * the compiled rule.
     */
    CompiledDefinition withDefinition(final SegmentDefinition updated) {
        return new CompiledDefinition(updated, expression);
    }

    /**
     * Whether this is exactly the given definition (every field equal).
     */
    boolean isSame(final SegmentDefinition other) {
        return definition.equals(other);
    }

    public String id() {
        return definition.getId();
    }

    public DefinitionKind kind() {
        return definition.getKind();
    }

    public long version() {
        return definition.getVersion();
    }

    public int priority() {
        return definition.getPriority();
    }

    public boolean enabled() {
        return definition.getEnabled();
    }

    public CompiledExpression expression() {
        return expression;
    }

    /**
     * A copy of the definition.
     */
    public SegmentDefinition definition() {
        return SegmentDefinition.newBuilder(definition).build();
    }

    @Override
    public String toString() {
        return definition.getKind() + " " + definition.getId() + " v" + definition.getVersion()
            + (definition.getEnabled() ? "" : " (disabled)");
    }
}
