package io.profilestream.models;

import java.util.SplittableRandom;

/**
 * Gamma and Beta variates for the simulation checks (Marsaglia and Tsang 2000), also of the integration tests.
 */
public final class Sampling {

    private Sampling() {
    }

    /** Gamma(shape, rate). */
    public static double gamma(final SplittableRandom random, final double shape, final double rate) {
        if (shape < 1) {
            return gamma(random, shape + 1, rate) * Math.pow(random.nextDouble(), 1.0 / shape);
        }
        final double d = shape - 1.0 / 3.0;
        final double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            final double x = normal(random);
            final double v = Math.pow(1.0 + c * x, 3);
            if (v > 0 && Math.log(random.nextDouble()) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v / rate;
            }
        }
    }

    /** Beta(a, b). */
    public static double beta(final SplittableRandom random, final double a, final double b) {
        final double left = gamma(random, a, 1.0);
        final double right = gamma(random, b, 1.0);
        return left / (left + right);
    }

    private static double normal(final SplittableRandom random) {
        return Math.sqrt(-2.0 * Math.log(1.0 - random.nextDouble())) * Math.cos(2.0 * Math.PI * random.nextDouble());
    }
}
