package io.profilestream.models;

import java.util.Arrays;

import org.hipparchus.special.Beta;

/**
 * Expected number of purchases in a window for a customer who is alive at its start, under BG/NBD:
 * Q(k, u, a, beta) = E[(1 - (1 + p u)^-k) / p] with p ~ Beta(a, beta), where the purchase rate is
 * Gamma(k, theta) and u = t / theta is the window length in units of theta.
 *
 * <p>The closed form of FHL 2005 is (a + beta - 1) / (a - 1) * (1 - (1 - z)^k 2F1(k, beta; a + beta - 1; z)) with
 * z = u / (1 + u). Evaluated as written it divides 0 by 0 at a = 1, overflows 2F1 while (1 - z)^k underflows for
 * large k, and cancels catastrophically when the result is small. Expanding 2F1 and regrouping the terms gives
 * the transformed series used here, which has only positive terms:
 * Q = sum over n of NB(n; k, z) * M(n), where NB is the negative binomial distribution of the number of purchases
 * an immortal customer would make in the window and M(n) = sum_{j < n} (beta)_j / (a + beta)_j is the expected number
 * of those made before dropping out. Both factors follow from simple ratios, summed with rescaling (log space for
 * the scale) so nothing overflows or underflows on the way.
 *
 * <p>When the series would need more than {@link #MAX_TERMS} terms (very long windows: k u in the tens of
 * thousands, which only happens near the corners of the parameter box), the expectation is integrated over p
 * instead, in log p, with an adaptive Gauss-Kronrod rule and closed forms for the two ends.
 */
final class AliveCountExpectation {

    /** Largest number of series terms before switching to numerical integration. */
    static final int MAX_TERMS = 20_000;
    private static final double RESCALE = 1e250;
    private static final double LOG_RESCALE = Math.log(RESCALE);
    private static final double SERIES_EPSILON = 1e-17;
    private static final double INTEGRAL_TOLERANCE = 1e-11;
    private static final int MAX_PANELS = 4000;
    private static final double RIGHT_END = 40.0;

    private AliveCountExpectation() {
    }

    /**
     * Q(k, u, a, beta), choosing the series or the integral.
     *
     * @param k shape of the purchase-rate distribution (r + x)
     * @param u window length divided by the rate parameter (t / (alpha + T))
     * @param a first shape of the dropout distribution
     * @param beta second shape of the dropout distribution (b + x)
     */
    static double expected(final double k, final double u, final double a, final double beta) {
        if (u <= 0) {
            return 0.0;
        }
        final double mean = k * u;
        final double terms = mean + 12.0 * Math.sqrt(mean * (1.0 + u)) + 40.0;
        return terms <= MAX_TERMS ? series(k, u, a, beta) : integral(k, u, a, beta);
    }

    /** The positive-term series; exact to rounding for any parameters, but its cost grows with k u. */
    static double series(final double k, final double u, final double a, final double beta) {
        if (u <= 0) {
            return 0.0;
        }
        final double z = u / (1.0 + u);
        final double mean = k * u;
        // NB(n) = exp(logScale) * weight; weight is kept in range by moving powers of RESCALE into logScale.
        double logScale = -k * Math.log1p(u);
        double weight = 1.0;
        double survivors = 0.0;
        double stay = 1.0;
        double sum = 0.0;
        for (int n = 1; ; n++) {
            weight *= (k + n - 1) * z / n;
            survivors += stay;
            stay *= (beta + n - 1) / (a + beta + n - 1);
            final double term = weight * survivors;
            sum += term;
            if (weight > RESCALE) {
                weight /= RESCALE;
                sum /= RESCALE;
                logScale += LOG_RESCALE;
            }
            if (n > mean && term <= SERIES_EPSILON * sum) {
                break;
            }
            if (n > 4 * MAX_TERMS) {
                break;
            }
        }
        if (sum == 0.0) {
            return 0.0;
        }
        return Math.exp(logScale + Math.log(sum));
    }

    /** Numerical integration over p; independent of the series, used for long windows and to check the series. */
    static double integral(final double k, final double u, final double a, final double beta) {
        if (u <= 0) {
            return 0.0;
        }
        final double logBeta = Beta.logBeta(a, beta);
        // Below pLow, (1 + p u)^-k and (1 - p)^(beta - 1) are 1 to within 1e-12 relative: integrate in closed form.
        final double pLow = 1e-12 / ((k + 1.0) * u + Math.abs(beta - 1.0) + 1.0);
        final double sLow = Math.log(pLow);
        final double sMid = -Math.log(2.0);
        final double head = Math.exp(Math.log(k * u) + a * sLow - Math.log(a) - logBeta);

        // (0, 1/2]: s = ln p.
        final double knee = -Math.log(k * u);
        final double mode = Math.log(a / (a + beta));
        final double[] leftBreaks = breakpoints(sLow, sMid, knee, mode);
        final double left = AdaptiveQuadrature.integrate(s -> {
            final double p = Math.exp(s);
            return Math.exp(logWindowCount(k, u, p) + a * s + (beta - 1.0) * Math.log1p(-p) - logBeta);
        }, leftBreaks, INTEGRAL_TOLERANCE, MAX_PANELS);

        // [1/2, 1): v = -ln(1 - p) removes the (1 - p)^(beta - 1) singularity at p = 1.
        final double[] rightBreaks = breakpoints(-sMid, RIGHT_END, Math.log(Math.max(a, 1.0)), 1.0 / beta);
        final double right = AdaptiveQuadrature.integrate(v -> {
            final double p = -Math.expm1(-v);
            return Math.exp(logWindowCount(k, u, p) + (a - 1.0) * Math.log(p) - beta * v - logBeta);
        }, rightBreaks, INTEGRAL_TOLERANCE, MAX_PANELS);
        // Beyond v = 40, p is 1 to within 4e-18.
        final double tail = Math.exp(logWindowCount(k, u, 1.0) - beta * RIGHT_END - Math.log(beta) - logBeta);
        return head + left + right + tail;
    }

    /** ln((1 - (1 + p u)^-k) / p): ln of the expected count in the window given p. */
    private static double logWindowCount(final double k, final double u, final double p) {
        final double pu = p * u;
        if (pu < 1e-300) {
            return Math.log(k * u);
        }
        return Math.log(-Math.expm1(-k * Math.log1p(pu))) - Math.log(p);
    }

    private static double[] breakpoints(final double from, final double to, final double... inner) {
        final int panels = (int) Math.min(64, Math.max(8, Math.ceil((to - from) / 2.0)));
        final double[] points = new double[panels + 1 + inner.length];
        for (int i = 0; i <= panels; i++) {
            points[i] = from + (to - from) * i / panels;
        }
        for (int i = 0; i < inner.length; i++) {
            final double point = inner[i];
            points[panels + 1 + i] = Double.isFinite(point) && point > from && point < to ? point : from;
        }
        Arrays.sort(points);
        return points;
    }
}
