package io.profilestream.loadtest;

import java.util.SplittableRandom;

import org.hipparchus.random.RandomGenerator;

/**
 * Lets Hipparchus's samplers draw from one of the simulator's {@link SplittableRandom} streams.
 * Every draw advances the wrapped stream, so a person's draws stay on that person's split of the seed.
 * A split stream cannot be reseeded.
 */
final class SplittableRandomGenerator implements RandomGenerator {

    private final SplittableRandom random;

    SplittableRandomGenerator(final SplittableRandom random) {
        this.random = random;
    }

    @Override
    public void setSeed(final int seed) {
        throw reseed();
    }

    @Override
    public void setSeed(final int[] seed) {
        throw reseed();
    }

    @Override
    public void setSeed(final long seed) {
        throw reseed();
    }

    @Override
    public void nextBytes(final byte[] bytes) {
        random.nextBytes(bytes);
    }

    @Override
    public void nextBytes(final byte[] bytes, final int offset, final int length) {
        final byte[] drawn = new byte[length];
        random.nextBytes(drawn);
        System.arraycopy(drawn, 0, bytes, offset, length);
    }

    @Override
    public int nextInt() {
        return random.nextInt();
    }

    @Override
    public int nextInt(final int bound) {
        return random.nextInt(bound);
    }

    @Override
    public long nextLong() {
        return random.nextLong();
    }

    @Override
    public long nextLong(final long bound) {
        return random.nextLong(bound);
    }

    @Override
    public boolean nextBoolean() {
        return random.nextBoolean();
    }

    @Override
    public float nextFloat() {
        return random.nextFloat();
    }

    @Override
    public double nextDouble() {
        return random.nextDouble();
    }

    @Override
    public double nextGaussian() {
        return random.nextGaussian();
    }

    private static UnsupportedOperationException reseed() {
        return new UnsupportedOperationException("A split random stream cannot be reseeded.");
    }
}
