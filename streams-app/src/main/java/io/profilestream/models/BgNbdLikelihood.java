package io.profilestream.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.hipparchus.special.Gamma;

/**
 * The BG/NBD log-likelihood of a data set, arranged for speed: the Gamma-function terms are computed once per
 * distinct x, rows carry weights, and blocks of rows are summed on several threads in a fixed order so the result
 * does not depend on scheduling.
 */
final class BgNbdLikelihood {

    private static final int BLOCK = 1 << 14;

    private final CustomerSummaries data;
    private final int[] distinctX;
    private final int[] xIndex;
    private final boolean parallel;

    private BgNbdLikelihood(final CustomerSummaries data, final boolean parallel) {
        this.data = data;
        this.parallel = parallel;
        final int[] xs = new int[data.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = data.x(i);
        }
        this.distinctX = IntStream.of(xs).distinct().sorted().toArray();
        this.xIndex = new int[xs.length];
        for (int i = 0; i < xs.length; i++) {
            xIndex[i] = Arrays.binarySearch(distinctX, xs[i]);
        }
    }

    static BgNbdLikelihood of(final CustomerSummaries data) {
        return new BgNbdLikelihood(data, false);
    }

    double logLikelihood(final double[] parameters) {
        final double r = parameters[0];
        final double alpha = parameters[1];
        final double a = parameters[2];
        final double b = parameters[3];
        final double[] common = new double[distinctX.length];
        final double[] dropout = new double[distinctX.length];
        final double base = -Gamma.logGamma(r) + r * Math.log(alpha) + Gamma.logGamma(a + b) - Gamma.logGamma(b);
        final double logA = Math.log(a);
        for (int j = 0; j < distinctX.length; j++) {
            final int x = distinctX[j];
            common[j] = base + Gamma.logGamma(r + x) + Gamma.logGamma(b + x) - Gamma.logGamma(a + b + x);
            dropout[j] = x == 0 ? Double.NEGATIVE_INFINITY : logA - Math.log(b + x - 1);
        }
        final int blocks = (data.size() + BLOCK - 1) / BLOCK;
        final IntStream stream = IntStream.range(0, blocks);
        final double[] sums = (parallel && blocks > 1 ? stream.parallel() : stream)
            .mapToDouble(block -> block(block, r, alpha, common, dropout))
            .toArray();
        double total = 0.0;
        for (final double sum : sums) {
            total += sum;
        }
        return total;
    }

    private double block(final int block,
                         final double r,
                         final double alpha,
                         final double[] common,
                         final double[] dropout) {
        final int from = block * BLOCK;
        final int to = Math.min(data.size(), from + BLOCK);
        double sum = 0.0;
        for (int i = from; i < to; i++) {
            final int x = data.x(i);
            final int j = xIndex[i];
            final double k = r + x;
            final double survived = -k * Math.log(alpha + data.t(i));
            double value = survived;
            if (x > 0) {
                final double dropped = dropout[j] - k * Math.log(alpha + data.tx(i));
                final double max = Math.max(survived, dropped);
                value = max + Math.log(1.0 + Math.exp(-Math.abs(survived - dropped)));
            }
            sum += data.weight(i) * (common[j] + value);
        }
        return sum;
    }

    static BgNbdFit fit(final CustomerSummaries data, final FitOptions options) {
        if (data.size() == 0) {
            throw new ModelFitException("No customers to fit BG/NBD on");
        }
        double customers = 0.0;
        double repeat = 0.0;
        double meanT = 0.0;
        for (int i = 0; i < data.size(); i++) {
            customers += data.weight(i);
            repeat += data.weight(i) * data.x(i);
            meanT += data.weight(i) * data.t(i);
        }
        if (repeat == 0.0) {
            throw new ModelFitException("BG/NBD needs at least one repeat purchase to fit");
        }
        meanT /= customers;
        if (!(meanT > 0)) {
            throw new ModelFitException("BG/NBD needs customers observed for some time (T > 0)");
        }
        final double[] lower = BgNbdParameters.LOWER_BOUNDS.toArray();
        final double[] upper = BgNbdParameters.UPPER_BOUNDS.toArray();
        // Starting points spread over the plausible region; alpha scaled so that r / alpha is the observed rate.
        final double rate = repeat / customers / meanT;
        final List<double[]> starts = new ArrayList<>();
        for (final double[] shape : new double[][] {{1, 1, 1}, {0.25, 0.5, 2}, {4, 2, 8}, {0.5, 5, 5}}) {
            final double alpha = Math.min(upper[1] / 2, Math.max(lower[1] * 2, shape[0] / rate));
            starts.add(new double[] {shape[0], alpha, shape[1], shape[2]});
        }
        final CustomerSummaries search = data.subsample(options.subsampleSize());
        final BgNbdLikelihood searchLikelihood = new BgNbdLikelihood(search, options.parallel());
        BoundedMaximumLikelihood.Result result = BoundedMaximumLikelihood.maximize(searchLikelihood::logLikelihood,
            search.customers(), lower, upper, starts, BoundedMaximumLikelihood.SEARCH_RADIUS, options.maxEvaluations());
        int evaluations = result.evaluations();
        if (search != data) {
            final BgNbdLikelihood full = new BgNbdLikelihood(data, options.parallel());
            result = BoundedMaximumLikelihood.maximize(full::logLikelihood, customers, lower, upper,
                List.of(result.parameters()), BoundedMaximumLikelihood.REFINE_RADIUS, options.maxEvaluations());
            evaluations += result.evaluations();
        }
        return new BgNbdFit(BgNbdParameters.fromArray(result.parameters()), result.logLikelihood(),
            Math.round(customers), evaluations, result.atBound(), result.converged());
    }
}
