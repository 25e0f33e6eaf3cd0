package io.profilestream.loadtest;

import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Random draws the simulator needs, all taken from a caller's {@link SplittableRandom} so runs repeat for a seed.
 */
final class Sampling {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Sampling() {
    }

    /**
     * A Gamma(shape, scale) draw by Marsaglia and Tsang's method (2000), boosted for shape below one.
     */
    static double gamma(final SplittableRandom random, final double shape, final double scale) {
        if (shape <= 0 || scale <= 0) {
            throw new IllegalArgumentException("Gamma shape and scale must be positive.");
        }
        if (shape < 1) {
            final double u = random.nextDouble();
            return gamma(random, shape + 1, scale) * Math.pow(u, 1 / shape);
        }
        final double d = shape - 1.0 / 3;
        final double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = gaussian(random);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            final double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v * scale;
            }
        }
    }

    /**
     * A Beta(a, b) draw as the ratio of two Gamma draws.
     */
    static double beta(final SplittableRandom random, final double a, final double b) {
        final double x = gamma(random, a, 1);
        final double y = gamma(random, b, 1);
        return x / (x + y);
    }

    /**
     * A standard normal draw (Marsaglia's polar method).
     */
    static double gaussian(final SplittableRandom random) {
        while (true) {
            final double u = 2 * random.nextDouble() - 1;
            final double v = 2 * random.nextDouble() - 1;
            final double s = u * u + v * v;
            if (s > 0 && s < 1) {
                return u * Math.sqrt(-2 * Math.log(s) / s);
            }
        }
    }

    static boolean chance(final SplittableRandom random, final double probability) {
        return random.nextDouble() < probability;
    }

    /**
     * An integer between {@code min} and {@code max}, both included.
     */
    static int between(final SplittableRandom random, final int min, final int max) {
        return random.nextInt(min, max + 1);
    }

    static <T> T pick(final SplittableRandom random, final List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /**
     * Picks an index with probability proportional to its weight.
     */
    static int weighted(final SplittableRandom random, final double[] weights) {
        double total = 0;
        for (final double weight : weights) {
            total += weight;
        }
        double target = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            target -= weights[i];
            if (target < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /**
     * A version-4 UUID whose bits come from the random source.
     */
    static UUID uuid(final SplittableRandom random) {
        final long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        final long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least);
    }

    /**
     * A lower-case hexadecimal string of the given length.
     */
    static String hex(final SplittableRandom random, final int length) {
        final char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = HEX[random.nextInt(HEX.length)];
        }
        return new String(chars);
    }
}
