package io.profilestream.models;

/**
 * The result of a BG/NBD maximum-likelihood fit.
 *
 * @param parameters the maximum-likelihood estimates
 * @param logLikelihood the log-likelihood of the data at the estimates (constants included)
 * @param customers number of customers the fit used
 * @param evaluations number of likelihood evaluations over all starts
 * @param atBound whether an estimate lies on a bound of the search box (the model may not fit the data)
 * @param converged whether the optimiser met its stopping criterion (a fit that ran out of evaluations did not)
 */
public record BgNbdFit(BgNbdParameters parameters,
                       double logLikelihood,
                       long customers,
                       int evaluations,
                       boolean atBound,
                       boolean converged) {

    /** A fit that converged. */
    public BgNbdFit(final BgNbdParameters parameters,
                    final double logLikelihood,
                    final long customers,
                    final int evaluations,
                    final boolean atBound) {
        this(parameters, logLikelihood, customers, evaluations, atBound, true);
    }
}
