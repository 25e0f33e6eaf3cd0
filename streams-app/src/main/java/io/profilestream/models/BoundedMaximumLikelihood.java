package io.profilestream.models;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

import org.hipparchus.exception.MathRuntimeException;
import org.hipparchus.optim.InitialGuess;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.PointValuePair;
import org.hipparchus.optim.SimpleBounds;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;
import org.hipparchus.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;

/**
 * Maximises a log-likelihood of positive parameters within a box, from several starting points.
 * The search runs on the logarithms of the parameters, so the box [lower, upper] becomes a box of widths of
 * a few units whatever the scale of each parameter, with Hipparchus's BOBYQA (Powell's bounded quadratic-model
 * method, no derivatives needed).
 * Each start is refined by a second run from where the first stopped, since BOBYQA's stopping rule is on the
 * trust region and can stop early on flat likelihoods.
 */
final class BoundedMaximumLikelihood {

    /** Initial trust-region radius, in log units, for a search from rough starting points. */
    static final double SEARCH_RADIUS = 0.5;
    /** Initial trust-region radius for refining an estimate that is already close (from a subsample). */
    static final double REFINE_RADIUS = 0.02;
    private static final double STOPPING_RADIUS = 1e-10;
    private static final double PENALTY = 1e30;
    private static final double BOUND_TOLERANCE = 1e-4;

    private BoundedMaximumLikelihood() {
    }

    /**
     * The best maximum found.
     *
     * @param logLikelihood the function to maximise, of the parameters themselves
     * @param scale a positive divisor (e.g. the number of customers) that keeps the objective near 1
     * @param lower lower bounds of the parameters
     * @param upper upper bounds of the parameters
     * @param starts starting points, each within the bounds
     * @param initialRadius initial trust-region radius, in log units
     * @param maxEvaluations bound on evaluations per run
     */
    static Result maximize(final ToDoubleFunction<double[]> logLikelihood,
                           final double scale,
                           final double[] lower,
                           final double[] upper,
                           final List<double[]> starts,
                           final double initialRadius,
                           final int maxEvaluations) {
        final int n = lower.length;
        final double[] logLower = new double[n];
        final double[] logUpper = new double[n];
        for (int i = 0; i < n; i++) {
            logLower[i] = Math.log(lower[i]);
            logUpper[i] = Math.log(upper[i]);
        }
        final AtomicInteger evaluations = new AtomicInteger();
        final ObjectiveFunction objective = new ObjectiveFunction(theta -> {
            evaluations.incrementAndGet();
            final double value = logLikelihood.applyAsDouble(exp(theta));
            return Double.isFinite(value) ? -value / scale : PENALTY;
        });
        double[] best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        boolean bestConverged = false;
        for (final double[] start : starts) {
            double[] theta = clamp(log(start), logLower, logUpper);
            double value = Double.POSITIVE_INFINITY;
            boolean converged = true;
            for (int pass = 0; pass < 2; pass++) {
                try {
                    final PointValuePair found = new BOBYQAOptimizer(2 * n + 1, initialRadius, STOPPING_RADIUS)
                        .optimize(new MaxEval(maxEvaluations), objective, GoalType.MINIMIZE,
                            new InitialGuess(theta), new SimpleBounds(logLower, logUpper));
                    if (found.getValue() <= value) {
                        theta = found.getPoint();
                        value = found.getValue();
                    }
                } catch (final MathRuntimeException e) {
                    // Too many evaluations or a degenerate model: keep what the previous pass found.
                    converged = false;
                    break;
                }
            }
            if (value < bestValue) {
                bestValue = value;
                best = theta;
                bestConverged = converged;
            }
        }
        if (best == null || bestValue >= PENALTY) {
            throw new ModelFitException("No starting point reached a finite likelihood");
        }
        boolean atBound = false;
        for (int i = 0; i < n; i++) {
            atBound |= best[i] - logLower[i] < BOUND_TOLERANCE || logUpper[i] - best[i] < BOUND_TOLERANCE;
        }
        final double[] parameters = exp(best);
        for (int i = 0; i < n; i++) {
            // exp(log(bound)) may land one ulp outside the box.
            parameters[i] = Math.min(upper[i], Math.max(lower[i], parameters[i]));
        }
        return new Result(parameters, logLikelihood.applyAsDouble(parameters), evaluations.get(), atBound,
            bestConverged);
    }

    private static double[] exp(final double[] values) {
        final double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = Math.exp(values[i]);
        }
        return result;
    }

    private static double[] log(final double[] values) {
        final double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = Math.log(values[i]);
        }
        return result;
    }

    private static double[] clamp(final double[] values, final double[] lower, final double[] upper) {
        final double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = Math.min(upper[i] - 1e-3, Math.max(lower[i] + 1e-3, values[i]));
        }
        return result;
    }

    /**
     * The maximum found.
     *
     * @param parameters the parameters at the maximum
     * @param logLikelihood the log-likelihood there
     * @param evaluations number of evaluations over all runs
     * @param atBound whether a parameter lies on its bound
     * @param converged whether the optimiser stopped on its own criterion for the best start, rather than on the
     *     evaluation budget or an error
     */
    record Result(double[] parameters, double logLikelihood, int evaluations, boolean atBound, boolean converged) {
    }
}
