package io.profilestream.loadtest;

import org.hipparchus.special.Beta;

/**
 * What the BG/NBD model says a population should do, computed from the formulas, independently of the simulator.
 * All times are in the model's unit (days here).
 */
final class BgNbdExpectations {

    private static final int INTEGRATION_STEPS = 20_000;

    private final double r;
    private final double alpha;
    private final double a;
    private final double b;

    BgNbdExpectations(final PurchaseModel model) {
        this.r = model.r();
        this.alpha = model.alpha();
        this.a = model.a();
        this.b = model.b();
    }

    /**
     * P(X(t) = 0): no repeat purchase within {@code t} of the first; nobody drops out before a repeat purchase, so it
     * is the Gamma mixture of Poisson zeros, {@code (alpha / (alpha + t))^r}.
     */
    double probabilityOfNoRepeat(final double t) {
        return Math.pow(alpha / (alpha + t), r);
    }

    /**
     * E[X(t)], Fader, Hardie and Lee (2005), equation 9.
     */
    double expectedRepeatPurchases(final double t) {
        final double z = t / (alpha + t);
        return (a + b - 1) / (a - 1) * (1 - Math.pow(alpha / (alpha + t), r) * hypergeometric2F1(r, b, a + b - 1, z));
    }

    /**
     * P(alive at t) for a customer drawn from the population.
     * Given lambda and p the dropout comes at the J-th repeat purchase with J geometric, so the time of death is
     * exponential with rate {@code lambda * p}; averaging over lambda gives {@code (alpha / (alpha + p t))^r}, and over
     * p ~ Beta(a, b) a one-dimensional integral, taken here with Simpson's rule after substituting {@code p = u^(1/a)}
     * (which removes the density's singularity at 0).
     */
    double probabilityAlive(final double t) {
        final double h = 1.0 / INTEGRATION_STEPS;
        double sum = 0;
        for (int i = 0; i <= INTEGRATION_STEPS; i++) {
            final double weight = i == 0 || i == INTEGRATION_STEPS ? 1 : i % 2 == 1 ? 4 : 2;
            sum += weight * aliveIntegrand(i * h, t);
        }
        return sum * h / 3 / (a * Math.exp(Beta.logBeta(a, b)));
    }

    private double aliveIntegrand(final double u, final double t) {
        final double p = Math.pow(u, 1 / a);
        return Math.pow(alpha / (alpha + p * t), r) * Math.pow(1 - p, b - 1);
    }

    /**
     * The Gauss hypergeometric function by its power series, for {@code 0 <= z < 1}.
     */
    static double hypergeometric2F1(final double a1, final double b1, final double c1, final double z) {
        double term = 1;
        double sum = 1;
        for (int n = 0; n < 1_000_000; n++) {
            term *= (a1 + n) * (b1 + n) / ((c1 + n) * (n + 1)) * z;
            sum += term;
            if (Math.abs(term) < 1e-15 * Math.abs(sum)) {
                return sum;
            }
        }
        throw new IllegalStateException("The series did not converge.");
    }
}
