package io.profilestream.segments;

/**
 * A rule failed for one profile at run time (a null timestamp passed to {@code daysSince}, a missing map key,
 * an integer overflow, too many comprehension iterations...).
 * The segment evaluator counts such a profile as not a member and reports the error; it never propagates.
 */
public final class SegmentEvaluationException extends Exception {

    private static final long serialVersionUID = 1L;

    public SegmentEvaluationException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
