package io.profilestream.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.hipparchus.special.Gamma;

/**
 * The Gamma-Gamma model of average transaction value (Fader and Hardie 2013, "The Gamma-Gamma Model of Monetary
 * Value"), fitted on customers with at least one repeat purchase, given x and the mean m of their repeat purchases.
 * It assumes that spend does not depend on purchase frequency; check the correlation of x and m before relying on it.
 * Immutable and thread-safe.
 */
public final class GammaGamma {

    private final GammaGammaParameters parameters;

    public GammaGamma(final GammaGammaParameters parameters) {
        this.parameters = parameters;
    }

    public GammaGammaParameters parameters() {
        return parameters;
    }

    /**
     * E[M | x, m]: the expected value of this customer's future transactions, a weighted mean of the population
     * mean p gamma / (q - 1) and the customer's own mean m, with weight on m growing with x.
     * For x = 0 it is the population mean, which is infinite when q is at most 1.
     *
     * @param x number of repeat purchases
     * @param m mean value of the repeat purchases (ignored when x is 0)
     */
    public double expectedAverageValue(final int x, final double m) {
        if (x < 0 || !(m >= 0) || Double.isInfinite(m)) {
            throw new IllegalArgumentException("x must be at least 0 and m finite and at least 0");
        }
        final double p = parameters.p();
        final double q = parameters.q();
        final double denominator = p * x + q - 1.0;
        if (!(denominator > 0)) {
            return Double.POSITIVE_INFINITY;
        }
        return p * (parameters.gamma() + x * m) / denominator;
    }

    /** E[M | x, m] for a summary. */
    public double expectedAverageValue(final CustomerSummary customer) {
        return expectedAverageValue(customer.x(), customer.m());
    }

    /** The mean transaction value across customers, p gamma / (q - 1); infinite when q is at most 1. */
    public double populationMean() {
        return expectedAverageValue(0, 0.0);
    }

    /**
     * The log-likelihood of one customer's mean repeat value m over x transactions, constant terms included
     * (the density of the mean, as in the lifetimes library, so values compare across tools).
     *
     * @param x number of repeat purchases, at least 1
     * @param m mean value of the repeat purchases, positive
     */
    public static double logLikelihood(final GammaGammaParameters parameters, final int x, final double m) {
        final double p = parameters.p();
        final double q = parameters.q();
        final double gamma = parameters.gamma();
        final double px = p * x;
        return Gamma.logGamma(px + q) - Gamma.logGamma(px) - Gamma.logGamma(q) + q * Math.log(gamma)
            + (px - 1.0) * Math.log(m) + px * Math.log(x) - (px + q) * Math.log(gamma + x * m);
    }

    /**
     * The log-likelihood of a data set: the rows with x &gt; 0 and m &gt; 0, weighted.
     */
    public static double logLikelihood(final GammaGammaParameters parameters, final CustomerSummaries data) {
        double sum = 0.0;
        for (int i = 0; i < data.size(); i++) {
            if (data.x(i) > 0 && data.m(i) > 0) {
                sum += data.weight(i) * logLikelihood(parameters, data.x(i), data.m(i));
            }
        }
        return sum;
    }

    /**
     * The same sum arranged for repeated evaluation: Gamma-function terms once per distinct x, logarithms of the
     * data once.
     */
    private static final class Likelihood {
        private static final int BLOCK = 1 << 14;
        private final int[] x;
        private final double[] m;
        private final double[] weight;
        private final double[] logM;
        private final int[] distinctX;
        private final int[] xIndex;
        private final boolean parallel;

        Likelihood(final CustomerSummaries data, final boolean parallel) {
            this.parallel = parallel;
            final int n = data.size();
            x = new int[n];
            m = new double[n];
            weight = new double[n];
            logM = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = data.x(i);
                m[i] = data.m(i);
                weight[i] = data.weight(i);
                logM[i] = Math.log(m[i]);
            }
            distinctX = IntStream.of(x).distinct().sorted().toArray();
            xIndex = new int[n];
            for (int i = 0; i < n; i++) {
                xIndex[i] = Arrays.binarySearch(distinctX, x[i]);
            }
        }

        double logLikelihood(final double[] values) {
            final double p = values[0];
            final double q = values[1];
            final double gamma = values[2];
            final double[] common = new double[distinctX.length];
            final double base = -Gamma.logGamma(q) + q * Math.log(gamma);
            for (int j = 0; j < distinctX.length; j++) {
                final double px = p * distinctX[j];
                common[j] = base + Gamma.logGamma(px + q) - Gamma.logGamma(px) + px * Math.log(distinctX[j]);
            }
            final int blocks = (x.length + BLOCK - 1) / BLOCK;
            final IntStream stream = IntStream.range(0, blocks);
            final double[] sums = (parallel && blocks > 1 ? stream.parallel() : stream).mapToDouble(block -> {
                double sum = 0.0;
                for (int i = block * BLOCK; i < Math.min(x.length, (block + 1) * BLOCK); i++) {
                    final double px = p * x[i];
                    sum += weight[i] * (common[xIndex[i]] + (px - 1.0) * logM[i]
                        - (px + q) * Math.log(gamma + x[i] * m[i]));
                }
                return sum;
            }).toArray();
            double total = 0.0;
            for (final double sum : sums) {
                total += sum;
            }
            return total;
        }
    }

    /** Maximum-likelihood fit with the default options. */
    public static GammaGammaFit fit(final CustomerSummaries data) {
        return fit(data, FitOptions.DEFAULTS);
    }

    /**
     * Maximum-likelihood fit on the rows with x &gt; 0 and m &gt; 0 (others carry no spend information).
     *
     * @throws ModelFitException when fewer than two such rows exist
     */
    public static GammaGammaFit fit(final CustomerSummaries data, final FitOptions options) {
        final CustomerSummaries.Builder rows = CustomerSummaries.builder();
        double customers = 0.0;
        double total = 0.0;
        for (int i = 0; i < data.size(); i++) {
            if (data.x(i) > 0 && data.m(i) > 0) {
                rows.add(data.x(i), data.tx(i), data.t(i), data.m(i), data.weight(i));
                customers += data.weight(i);
                total += data.weight(i) * data.m(i);
            }
        }
        if (rows.size() < 2) {
            throw new ModelFitException("Gamma-Gamma needs at least two customers with repeat purchases and spend");
        }
        final CustomerSummaries fitted = rows.build();
        final double mean = total / customers;
        final double[] lower = GammaGammaParameters.LOWER_BOUNDS.toArray();
        final double[] upper = GammaGammaParameters.UPPER_BOUNDS.toArray();
        final List<double[]> starts = new ArrayList<>();
        // gamma chosen so that the population mean p gamma / (q - 1) matches the observed mean.
        for (final double[] shape : new double[][] {{1, 2}, {5, 4}, {0.5, 1.5}, {20, 10}}) {
            final double gamma = Math.min(upper[2] / 2, Math.max(lower[2] * 2, mean * (shape[1] - 1) / shape[0]));
            starts.add(new double[] {shape[0], shape[1], gamma});
        }
        final CustomerSummaries search = fitted.subsample(options.subsampleSize());
        BoundedMaximumLikelihood.Result result = BoundedMaximumLikelihood.maximize(
            new Likelihood(search, options.parallel())::logLikelihood, search.customers(), lower, upper, starts,
            BoundedMaximumLikelihood.SEARCH_RADIUS, options.maxEvaluations());
        int evaluations = result.evaluations();
        if (search != fitted) {
            result = BoundedMaximumLikelihood.maximize(new Likelihood(fitted, options.parallel())::logLikelihood,
                customers, lower, upper, List.of(result.parameters()), BoundedMaximumLikelihood.REFINE_RADIUS,
                options.maxEvaluations());
            evaluations += result.evaluations();
        }
        final double[] best = result.parameters();
        return new GammaGammaFit(new GammaGammaParameters(best[0], best[1], best[2]), result.logLikelihood(),
            Math.round(customers), evaluations, result.atBound(), result.converged());
    }
}
