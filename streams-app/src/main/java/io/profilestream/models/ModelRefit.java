package io.profilestream.models;

import java.util.Locale;
import java.util.Objects;

/**
 * The engine's own fit of BG/NBD and Gamma-Gamma on its customers' summaries, with the guardrails a scheduled refit
 * needs before it replaces the parameters the engine scores with.
 * <ul>
 *   <li>Too few customers: a fit on fewer than the minimum is refused ({@link ModelFitException}).</li>
 *   <li>No convergence: a model whose optimiser ran out of evaluations is never published.</li>
 *   <li>Held-out slice ({@link #refit}): the new parameters are fitted without a slice of the customers, and published
 *       only when their log-likelihood on that slice is at least that of the parameters in use.</li>
 * </ul>
 * Both fits are exactly {@link BgNbd#fit} on the summaries with equal times merged and {@link GammaGamma#fit}, as
 * {@code model fit} runs them. Pure computation, no I/O.
 */
public final class ModelRefit {

    private ModelRefit() {
    }

    /**
     * The outcome for one model.
     *
     * @param fit what the fit found (null when there was nothing to fit, e.g. Gamma-Gamma without repeat spend)
     * @param publish whether the new parameters may replace those in use
     * @param reason why not, or {@code "published"}
     */
    public record Decision<F>(F fit, boolean publish, String reason) {
    }

    /**
     * The outcome of a fit.
     *
     * @param bgNbd BG/NBD
     * @param gammaGamma Gamma-Gamma
     */
    public record Outcome(Decision<BgNbdFit> bgNbd, Decision<GammaGammaFit> gammaGamma) {
    }

    /**
     * Fits both models on every customer given (a fit asked for by an operator): published unless a model did not
     * converge.
     *
     * @param customers the summaries, m in minor units of the base currency
     * @param minCustomers the fewest customers a fit is made on
     * @throws ModelFitException with fewer customers than that, or when BG/NBD cannot be fitted at all
     */
    public static Outcome fit(final CustomerSummaries customers, final long minCustomers) {
        requireCustomers(customers, minCustomers);
        final BgNbdFit bgNbd = BgNbd.fit(customers.aggregateTimes());
        return new Outcome(converged(bgNbd, bgNbd.converged()), gammaGamma(customers, null, null));
    }

    /**
     * Fits both models on the training customers and keeps each only when it converged and does at least as well as
     * the parameters in use on the held-out customers.
     *
     * @param training the customers the fit uses
     * @param holdout the customers it is judged on
     * @param currentBgNbd the BG/NBD parameters in use, in the summaries' time unit
     * @param currentGammaGamma the Gamma-Gamma parameters in use (null when none)
     * @param minCustomers the fewest training customers a fit is made on
     * @throws ModelFitException with fewer customers than that, or when BG/NBD cannot be fitted at all
     */
    public static Outcome refit(final CustomerSummaries training,
                                final CustomerSummaries holdout,
                                final BgNbdParameters currentBgNbd,
                                final GammaGammaParameters currentGammaGamma,
                                final long minCustomers) {
        requireCustomers(training, minCustomers);
        Objects.requireNonNull(currentBgNbd, "currentBgNbd");
        final BgNbdFit bgNbd = BgNbd.fit(training.aggregateTimes());
        Decision<BgNbdFit> bgNbdDecision = converged(bgNbd, bgNbd.converged());
        if (bgNbdDecision.publish() && holdout.size() > 0) {
            final double fitted = BgNbd.logLikelihood(bgNbd.parameters(), holdout);
            final double current = BgNbd.logLikelihood(currentBgNbd, holdout);
            if (!(fitted >= current)) {
                bgNbdDecision = new Decision<>(bgNbd, false, String.format(Locale.ROOT,
                    "worse on the held-out customers than the parameters in use (log-likelihood %.3f < %.3f)",
                    fitted, current));
            }
        }
        return new Outcome(bgNbdDecision, gammaGamma(training, holdout, currentGammaGamma));
    }

    private static Decision<GammaGammaFit> gammaGamma(final CustomerSummaries training,
                                                      final CustomerSummaries holdout,
                                                      final GammaGammaParameters current) {
        final GammaGammaFit fit;
        try {
            fit = GammaGamma.fit(training);
        } catch (final ModelFitException e) {
            return new Decision<>(null, false, e.getMessage());
        }
        final Decision<GammaGammaFit> decision = converged(fit, fit.converged());
        if (!decision.publish() || holdout == null || current == null || spenders(holdout) == 0) {
            return decision;
        }
        final double fitted = GammaGamma.logLikelihood(fit.parameters(), holdout);
        final double inUse = GammaGamma.logLikelihood(current, holdout);
        return fitted >= inUse ? decision : new Decision<>(fit, false, String.format(Locale.ROOT,
            "worse on the held-out customers than the parameters in use (log-likelihood %.3f < %.3f)", fitted, inUse));
    }

    private static <F> Decision<F> converged(final F fit, final boolean converged) {
        return converged
            ? new Decision<>(fit, true, "published")
            : new Decision<>(fit, false, "the optimiser did not converge within its evaluation budget");
    }

    private static void requireCustomers(final CustomerSummaries customers, final long minCustomers) {
        final double count = customers.customers();
        if (count < minCustomers) {
            throw new ModelFitException(String.format(Locale.ROOT,
                "%d customers with a purchase; a fit needs at least %d (model.refit.min.customers).",
                Math.round(count), minCustomers));
        }
    }

    private static int spenders(final CustomerSummaries data) {
        int rows = 0;
        for (int i = 0; i < data.size(); i++) {
            if (data.x(i) > 0 && data.m(i) > 0) {
                rows++;
            }
        }
        return rows;
    }
}
