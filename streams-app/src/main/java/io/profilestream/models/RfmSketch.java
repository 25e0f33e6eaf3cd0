package io.profilestream.models;

import java.nio.ByteBuffer;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * Collects the population distribution of recency, frequency and monetary value in three KLL quantile sketches
 * (Apache DataSketches), in bounded memory whatever the number of customers, and freezes them into quintile
 * {@link RfmBreakpoints}.
 * The engine feeds every profile of its local store periodically, freezes, and scores with the result;
 * sketches of several instances can be merged.
 * Not thread-safe.
 */
public final class RfmSketch {

    /** KLL accuracy parameter: about 1.3 % normalised rank error at 99 % confidence, a few kilobytes each. */
    public static final int K = 200;
    private static final double[] QUINTILES = {0.2, 0.4, 0.6, 0.8};

    private final KllDoublesSketch recency;
    private final KllDoublesSketch frequency;
    private final KllDoublesSketch monetary;

    public RfmSketch() {
        this(KllDoublesSketch.newHeapInstance(K), KllDoublesSketch.newHeapInstance(K),
            KllDoublesSketch.newHeapInstance(K));
    }

    private RfmSketch(final KllDoublesSketch recency,
                      final KllDoublesSketch frequency,
                      final KllDoublesSketch monetary) {
        this.recency = recency;
        this.frequency = frequency;
        this.monetary = monetary;
    }

    /**
     * Adds one customer.
     *
     * @param recencyDays days since the last purchase
     * @param frequency number of purchases
     * @param monetary spend
     */
    public RfmSketch update(final double recencyDays, final double frequency, final double monetary) {
        if (!Double.isFinite(recencyDays) || !Double.isFinite(frequency) || !Double.isFinite(monetary)) {
            throw new IllegalArgumentException("RFM values must be finite");
        }
        this.recency.update(recencyDays);
        this.frequency.update(frequency);
        this.monetary.update(monetary);
        return this;
    }

    /** Adds the customers of another sketch (e.g. of another instance). */
    public RfmSketch merge(final RfmSketch other) {
        recency.merge(other.recency);
        frequency.merge(other.frequency);
        monetary.merge(other.monetary);
        return this;
    }

    /** Number of customers added. */
    public long count() {
        return recency.getN();
    }

    /**
     * The quintile breakpoints of the population, or the fallback when fewer than {@code minimumPopulation}
     * customers were added (quintiles of a handful of customers would make scores jump).
     */
    public RfmBreakpoints freeze(final long minimumPopulation, final RfmBreakpoints fallback) {
        if (count() == 0 || count() < minimumPopulation) {
            return fallback;
        }
        return new RfmBreakpoints(quintiles(recency), quintiles(frequency), quintiles(monetary), count());
    }

    /** The three sketches, serialised one after the other, for a state store or a topic. */
    public byte[] toByteArray() {
        final byte[] r = recency.toByteArray();
        final byte[] f = frequency.toByteArray();
        final byte[] m = monetary.toByteArray();
        final ByteBuffer buffer = ByteBuffer.allocate(12 + r.length + f.length + m.length);
        buffer.putInt(r.length).put(r).putInt(f.length).put(f).putInt(m.length).put(m);
        return buffer.array();
    }

    /** Reads what {@link #toByteArray()} wrote. */
    public static RfmSketch fromByteArray(final byte[] bytes) {
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new RfmSketch(read(buffer), read(buffer), read(buffer));
    }

    private static KllDoublesSketch read(final ByteBuffer buffer) {
        final byte[] bytes = new byte[buffer.getInt()];
        buffer.get(bytes);
        return KllDoublesSketch.heapify(Memory.wrap(bytes));
    }

    private static double[] quintiles(final KllDoublesSketch sketch) {
        return sketch.getQuantiles(QUINTILES, QuantileSearchCriteria.INCLUSIVE);
    }
}
