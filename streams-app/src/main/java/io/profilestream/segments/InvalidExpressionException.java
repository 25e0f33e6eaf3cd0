package io.profilestream.segments;

import java.util.Optional;

/**
 * A rule that cannot be used: it does not parse, does not type-check against the profile, is not a boolean,
 * or is over a cost limit.
 * {@link #error()} is the message to show the author (CEL's own wording for syntax and type errors), and
 * {@link #position()} where the problem is, when it has one (a limit on the whole expression has none).
 * The REST API answers {@code 400 {"error": error(), "position": position()}} with them.
 */
public final class InvalidExpressionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String error;
    private final transient ExpressionPosition position;

    public InvalidExpressionException(final String error, final ExpressionPosition position) {
        super(position == null ? error : error + " (at " + position + ")");
        this.error = error;
        this.position = position;
    }

    /**
     * The problem, without its position.
     */
    public String error() {
        return error;
    }

    /**
     * Where the problem is in the expression, if it is at one place.
     */
    public Optional<ExpressionPosition> position() {
        return Optional.ofNullable(position);
    }
}
