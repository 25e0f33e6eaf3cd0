package io.profilestream.models;

/**
 * The result of a Gamma-Gamma maximum-likelihood fit.
 *
 * @param parameters the maximum-likelihood estimates
 * @param logLikelihood the log-likelihood of the data at the estimates (constants included)
 * @param customers number of customers the fit used (those with x &gt; 0 and m &gt; 0)
 * @param evaluations number of likelihood evaluations over all starts
 * @param atBound whether an estimate lies on a bound of the search box (the model may not fit the data)
 */
public record GammaGammaFit(GammaGammaParameters parameters,
                           double logLikelihood,
                           long customers,
                           int evaluations,
                           boolean atBound) {
}
