package io.profilestream.models;

import java.util.Arrays;

/**
 * Spearman's rank correlation, the measure of how well a forecast such as CLV ranks customers by what they later did.
 * Tied values share their mid-rank (the tie-corrected form), which matters when most customers tie, as at zero spend.
 */
public final class RankCorrelation {

    private RankCorrelation() {
    }

    /** The ranks of the values, from 1, with ties at their mid-rank. */
    public static double[] midRanks(final double[] values) {
        final int n = values.length;
        final Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Double.compare(values[i], values[j]));
        final double[] ranks = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = (i + j) / 2.0 + 1;
            }
            i = j + 1;
        }
        return ranks;
    }

    /** Spearman's rank correlation: Pearson's correlation of the mid-ranks; NaN when either side is constant. */
    public static double spearman(final double[] a, final double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("Rank correlation needs two series of the same length");
        }
        final double[] ra = midRanks(a);
        final double[] rb = midRanks(b);
        final int n = a.length;
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += ra[i] / n;
            mb += rb[i] / n;
        }
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (int i = 0; i < n; i++) {
            cov += (ra[i] - ma) * (rb[i] - mb);
            va += (ra[i] - ma) * (ra[i] - ma);
            vb += (rb[i] - mb) * (rb[i] - mb);
        }
        return cov / Math.sqrt(va * vb);
    }
}
