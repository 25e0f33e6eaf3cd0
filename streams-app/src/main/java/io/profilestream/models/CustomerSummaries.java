package io.profilestream.models;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A data set of customer summaries in columns, as the fits read it.
 * Each row may carry a weight: the number of customers with exactly that summary.
 * Instances are immutable; build them with {@link #builder()}.
 */
public final class CustomerSummaries {

    private final int[] x;
    private final double[] tx;
    private final double[] t;
    private final double[] m;
    private final double[] weight;

    private CustomerSummaries(final int[] x, final double[] tx, final double[] t, final double[] m,
                              final double[] weight) {
        this.x = x;
        this.tx = tx;
        this.t = t;
        this.m = m;
        this.weight = weight;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Number of rows. */
    public int size() {
        return x.length;
    }

    /** Number of customers: the sum of the weights. */
    public double customers() {
        double sum = 0.0;
        for (final double w : weight) {
            sum += w;
        }
        return sum;
    }

    public int x(final int row) {
        return x[row];
    }

    public double tx(final int row) {
        return tx[row];
    }

    public double t(final int row) {
        return t[row];
    }

    public double m(final int row) {
        return m[row];
    }

    public double weight(final int row) {
        return weight[row];
    }

    /** The summary in one row. */
    public CustomerSummary get(final int row) {
        return new CustomerSummary(x[row], tx[row], t[row], m[row]);
    }

    /**
     * Rows with the same x, t_x and T merged into one row whose weight is the sum of theirs; m is dropped.
     * With times on a grid (whole days), this makes the BG/NBD likelihood much cheaper to evaluate.
     */
    public CustomerSummaries aggregateTimes() {
        final Map<Key, Integer> index = new HashMap<>();
        final Builder merged = builder();
        for (int i = 0; i < x.length; i++) {
            final Key key = new Key(x[i], tx[i], t[i]);
            final Integer row = index.get(key);
            if (row == null) {
                index.put(key, merged.size);
                merged.add(x[i], tx[i], t[i], 0.0, weight[i]);
            } else {
                merged.weight[row] += weight[i];
            }
        }
        return merged.build();
    }

    /** At most {@code rows} rows, evenly spaced, weights kept: a deterministic subsample. */
    CustomerSummaries subsample(final int rows) {
        if (rows >= x.length) {
            return this;
        }
        final Builder sample = builder();
        final double step = (double) x.length / rows;
        for (int i = 0; i < rows; i++) {
            final int row = (int) (i * step);
            sample.add(x[row], tx[row], t[row], m[row], weight[row]);
        }
        return sample.build();
    }

    private record Key(int x, double tx, double t) {
    }

    /**
     * Collects rows; not thread-safe.
     */
    public static final class Builder {
        private int[] x = new int[16];
        private double[] tx = new double[16];
        private double[] t = new double[16];
        private double[] m = new double[16];
        private double[] weight = new double[16];
        private int size;

        private Builder() {
        }

        /** Adds one customer. */
        public Builder add(final CustomerSummary customer) {
            return add(customer.x(), customer.tx(), customer.t(), customer.m(), 1.0);
        }

        /** Adds one customer. */
        public Builder add(final int x, final double tx, final double t, final double m) {
            return add(x, tx, t, m, 1.0);
        }

        /**
         * Adds {@code weight} customers with the same summary.
         *
         * @throws IllegalArgumentException when the summary is inconsistent or the weight is not positive
         */
        public Builder add(final int x, final double tx, final double t, final double m, final double weight) {
            // Constructing the summary validates it.
            new CustomerSummary(x, tx, t, m);
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("A weight must be finite and positive, was " + weight);
            }
            if (size == this.x.length) {
                final int capacity = size * 2;
                this.x = Arrays.copyOf(this.x, capacity);
                this.tx = Arrays.copyOf(this.tx, capacity);
                this.t = Arrays.copyOf(this.t, capacity);
                this.m = Arrays.copyOf(this.m, capacity);
                this.weight = Arrays.copyOf(this.weight, capacity);
            }
            this.x[size] = x;
            this.tx[size] = tx;
            this.t[size] = t;
            this.m[size] = m;
            this.weight[size] = weight;
            size++;
            return this;
        }

        public int size() {
            return size;
        }

        public CustomerSummaries build() {
            return new CustomerSummaries(Arrays.copyOf(x, size), Arrays.copyOf(tx, size), Arrays.copyOf(t, size),
                Arrays.copyOf(m, size), Arrays.copyOf(weight, size));
        }
    }
}
