package io.profilestream.models;

import org.hipparchus.special.Gamma;

/**
 * The BG/NBD model of Fader, Hardie and Lee (2005), "Counting Your Customers the Easy Way".
 * An instance holds one set of parameters and scores customer summaries; it is immutable and thread-safe.
 * Every function returns a finite number for finite input within {@link BgNbdParameters#LOWER_BOUNDS} and
 * {@link BgNbdParameters#UPPER_BOUNDS}, x up to 10,000 and T up to 3,650 days; probabilities that underflow are 0.
 */
public final class BgNbd {

    private final BgNbdParameters parameters;

    public BgNbd(final BgNbdParameters parameters) {
        this.parameters = parameters;
    }

    public BgNbdParameters parameters() {
        return parameters;
    }

    /**
     * P(alive | x, t_x, T): the probability that the customer has not dropped out by T (FHL 2005, eq. 11).
     * It is 1 for a customer without repeat purchases, since the model only lets customers drop out
     * right after a purchase.
     */
    public double probabilityAlive(final CustomerSummary customer) {
        return probabilityAlive(customer.x(), customer.tx(), customer.t());
    }

    /** P(alive | x, t_x, T) from the three numbers. */
    public double probabilityAlive(final int x, final double tx, final double t) {
        if (x == 0) {
            return 1.0;
        }
        final double r = parameters.r();
        final double alpha = parameters.alpha();
        // ln of a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x), the odds of being dead.
        final double logOdds = Math.log(parameters.a()) - Math.log(parameters.b() + x - 1)
            + (r + x) * Math.log1p((t - tx) / (alpha + tx));
        return logistic(-logOdds);
    }

    /**
     * E[Y(t) | x, t_x, T]: the expected number of purchases in the next {@code horizon} time units
     * (FHL 2005, eq. 10).
     */
    public double expectedPurchases(final CustomerSummary customer, final double horizon) {
        return expectedPurchases(customer.x(), customer.tx(), customer.t(), horizon);
    }

    /** E[Y(t) | x, t_x, T] from the three numbers. */
    public double expectedPurchases(final int x, final double tx, final double t, final double horizon) {
        requireHorizon(horizon);
        final double alive = probabilityAlive(x, tx, t);
        if (alive == 0.0 || horizon == 0.0) {
            return 0.0;
        }
        return alive * expectedPurchasesIfAlive(x, t, horizon);
    }

    /**
     * E[Y(t) | alive at T, x, T]: the expected number of purchases in the next {@code horizon} time units of a customer
     * known to be alive; {@link #expectedPurchases} is this times P(alive). Callers that need several horizons for one
     * customer compute P(alive) once.
     */
    public double expectedPurchasesIfAlive(final int x, final double t, final double horizon) {
        requireHorizon(horizon);
        final double k = parameters.r() + x;
        final double u = horizon / (parameters.alpha() + t);
        return AliveCountExpectation.expected(k, u, parameters.a(), parameters.b() + x);
    }

    /**
     * E[X(t)]: the expected number of repeat purchases in the first {@code horizon} time units of a customer
     * chosen at random (FHL 2005, eq. 7).
     */
    public double expectedPurchasesUnconditional(final double horizon) {
        requireHorizon(horizon);
        return AliveCountExpectation.expected(parameters.r(), horizon / parameters.alpha(), parameters.a(),
            parameters.b());
    }

    /**
     * The log-likelihood of one customer (FHL 2005, eq. 6), constant terms included.
     */
    public static double logLikelihood(final BgNbdParameters parameters, final int x, final double tx, final double t) {
        final double r = parameters.r();
        final double alpha = parameters.alpha();
        final double a = parameters.a();
        final double b = parameters.b();
        final double common = Gamma.logGamma(r + x) - Gamma.logGamma(r) + r * Math.log(alpha)
            + Gamma.logGamma(a + b) + Gamma.logGamma(b + x) - Gamma.logGamma(b) - Gamma.logGamma(a + b + x);
        final double survived = -(r + x) * Math.log(alpha + t);
        if (x == 0) {
            return common + survived;
        }
        final double dropped = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
        return common + logAddExp(survived, dropped);
    }

    /** The log-likelihood of a whole data set, each customer weighted by its count. */
    public static double logLikelihood(final BgNbdParameters parameters, final CustomerSummaries data) {
        return BgNbdLikelihood.of(data).logLikelihood(parameters.toArray());
    }

    /**
     * Maximum-likelihood fit on the given customers, with the default options.
     *
     * @throws ModelFitException when the data cannot identify the model (no customer, no repeat purchase)
     */
    public static BgNbdFit fit(final CustomerSummaries data) {
        return fit(data, FitOptions.DEFAULTS);
    }

    /** Maximum-likelihood fit on the given customers. */
    public static BgNbdFit fit(final CustomerSummaries data, final FitOptions options) {
        return BgNbdLikelihood.fit(data, options);
    }

    static double logAddExp(final double left, final double right) {
        final double max = Math.max(left, right);
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        return max + Math.log1p(Math.exp(-Math.abs(left - right)));
    }

    private static double logistic(final double value) {
        if (value >= 0) {
            return 1.0 / (1.0 + Math.exp(-value));
        }
        final double e = Math.exp(value);
        return e / (1.0 + e);
    }

    private static void requireHorizon(final double horizon) {
        if (!(horizon >= 0) || Double.isInfinite(horizon)) {
            throw new IllegalArgumentException("The horizon must be finite and at least 0, was " + horizon);
        }
    }
}
