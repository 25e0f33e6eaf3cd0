package io.profilestream.loadtest;

import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import org.hipparchus.random.RandomDataGenerator;

/**
 * Random draws the simulator needs, all taken from a caller's {@link SplittableRandom} so runs repeat for a seed.
 */
final class Sampling {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Sampling() {
    }

    /**
     * A Gamma(shape, scale) draw (Hipparchus: Marsaglia and Tsang, Ahrens and Dieter below shape one).
     */
    static double gamma(final SplittableRandom random, final double shape, final double scale) {
        if (!(shape > 0) || !(scale > 0)) {
            throw new IllegalArgumentException("Gamma shape and scale must be positive.");
        }
        return data(random).nextGamma(shape, scale);
    }

    /**
     * A Beta(a, b) draw (Hipparchus: Cheng's algorithms BB and BC).
     */
    static double beta(final SplittableRandom random, final double a, final double b) {
        if (!(a > 0) || !(b > 0)) {
            throw new IllegalArgumentException("Beta shape parameters must be positive.");
        }
        return data(random).nextBeta(a, b);
    }

    /**
     * An exponential draw with the given mean.
     */
    static double exponential(final SplittableRandom random, final double mean) {
        return -mean * Math.log1p(-random.nextDouble());
    }

    /**
     * An exponential wait with the given mean, rounded to the millisecond.
     */
    static long delay(final SplittableRandom random, final long meanMillis) {
        return Math.round(exponential(random, meanMillis));
    }

    /**
     * A uniform draw between {@code min} (included) and {@code max} (excluded); {@code min} when the range is empty.
     */
    static long uniform(final SplittableRandom random, final long min, final long max) {
        return min >= max ? min : random.nextLong(min, max);
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
     * Hipparchus's samplers over the caller's stream.
     */
    static RandomDataGenerator data(final SplittableRandom random) {
        return RandomDataGenerator.of(new SplittableRandomGenerator(random));
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
