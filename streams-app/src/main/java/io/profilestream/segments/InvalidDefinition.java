package io.profilestream.segments;

import io.profilestream.profile.SegmentDefinition;

/**
 * A definition in the catalogue whose expression does not compile: it matches nobody, and its members exit
 * with reason {@link ChangeReason#INVALID}.
 *
 * @param definition the definition as stored
 * @param error      why it does not compile
 */
public record InvalidDefinition(SegmentDefinition definition, InvalidExpressionException error) {

    /**
     * Keeps a copy of the definition, so that the record is immutable.
     */
    public InvalidDefinition {
        definition = SegmentDefinition.newBuilder(definition).build();
    }

    @Override
    public SegmentDefinition definition() {
        return SegmentDefinition.newBuilder(definition).build();
    }

    /**
     * Whether this is exactly the given definition (every field equal).
     */
    boolean isSame(final SegmentDefinition other) {
        return definition.equals(other);
    }

    /**
     * The expression that does not compile.
     */
    public String expression() {
        return definition.getExpression();
    }

    public String id() {
        return definition.getId();
    }

    public long version() {
        return definition.getVersion();
    }
}
