package io.profilestream.models;

/**
 * How a maximum-likelihood fit runs.
 *
 * @param maxEvaluations bound on likelihood evaluations per optimiser start
 * @param subsampleSize above this many distinct rows, the multi-start search runs on an evenly spaced subsample
 *     and only the best start is refined on the whole data
 * @param parallel whether to evaluate the likelihood on several threads (the common fork-join pool)
 */
public record FitOptions(int maxEvaluations, int subsampleSize, boolean parallel) {

    /** 5,000 evaluations per start, subsample above 50,000 rows, parallel evaluation. */
    public static final FitOptions DEFAULTS = new FitOptions(5_000, 50_000, true);

    public FitOptions {
        if (maxEvaluations < 100) {
            throw new IllegalArgumentException("maxEvaluations must be at least 100");
        }
        if (subsampleSize < 1_000) {
            throw new IllegalArgumentException("subsampleSize must be at least 1,000");
        }
    }
}
