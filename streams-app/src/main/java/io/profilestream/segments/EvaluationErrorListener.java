package io.profilestream.segments;

/**
 * Told about every rule that fails for a profile, which then counts as not a member.
 * The engine counts these in a metric and logs the first of each definition; an implementation must not throw
 * and must not log the profile's personal data.
 */
@FunctionalInterface
public interface EvaluationErrorListener {

    /** A listener that ignores errors. */
    EvaluationErrorListener IGNORE = (definitionId, definitionVersion, profileId, error) -> { };

    /**
     * Called once per failed rule and profile.
     *
     * @param definitionId      the definition's id, or {@code null} for a draft expression (preview)
     * @param definitionVersion the definition's version, or 0 for a draft
     * @param profileId         the profile's id
     * @param error             what failed
     */
    void onError(String definitionId, long definitionVersion, String profileId, SegmentEvaluationException error);
}
