package io.profilestream.models;

import java.util.Arrays;

/**
 * Frozen quintile boundaries for RFM scoring: four increasing cut points per dimension.
 * A value at or below the first cut point is in the first fifth, above the fourth in the fifth.
 * Built from population quantiles by {@link RfmSketch#freeze(long, RfmBreakpoints)} or fixed by configuration.
 *
 * @param recencyDays cut points of days since the last purchase
 * @param frequency cut points of the number of purchases (or purchase days)
 * @param monetary cut points of spend (total or average, as the caller feeds it)
 * @param population number of customers the quantiles came from (0 for fixed breakpoints)
 */
public record RfmBreakpoints(double[] recencyDays, double[] frequency, double[] monetary, long population) {

    /**
     * Fallback cut points for a day-based shop with spend in minor units (cents): recency 30, 90, 180, 365 days;
     * frequency 1, 2, 4, 8 purchases; monetary 50, 100, 250, 500 in major units (5,000 ... 50,000 minor units).
     */
    public static final RfmBreakpoints DEFAULT_FIXED = fixed(new double[] {30, 90, 180, 365},
        new double[] {1, 2, 4, 8}, new double[] {5_000, 10_000, 25_000, 50_000});

    public RfmBreakpoints {
        recencyDays = check("recency", recencyDays);
        frequency = check("frequency", frequency);
        monetary = check("monetary", monetary);
        if (population < 0) {
            throw new IllegalArgumentException("The population cannot be negative");
        }
    }

    /** Fixed breakpoints, e.g. from configuration. */
    public static RfmBreakpoints fixed(final double[] recencyDays, final double[] frequency, final double[] monetary) {
        return new RfmBreakpoints(recencyDays, frequency, monetary, 0);
    }

    /**
     * Scores one customer.
     *
     * @param recencyDays days since the last purchase (lower is better)
     * @param frequency number of purchases (higher is better)
     * @param monetary spend (higher is better)
     */
    public RfmScore score(final double recencyDays, final double frequency, final double monetary) {
        return new RfmScore(6 - fifth(this.recencyDays, recencyDays), fifth(this.frequency, frequency),
            fifth(this.monetary, monetary));
    }

    @Override
    public double[] recencyDays() {
        return recencyDays.clone();
    }

    @Override
    public double[] frequency() {
        return frequency.clone();
    }

    @Override
    public double[] monetary() {
        return monetary.clone();
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof RfmBreakpoints that && population == that.population
            && Arrays.equals(recencyDays, that.recencyDays) && Arrays.equals(frequency, that.frequency)
            && Arrays.equals(monetary, that.monetary);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.hashCode(recencyDays) + Arrays.hashCode(frequency))
            + Arrays.hashCode(monetary)) + Long.hashCode(population);
    }

    @Override
    public String toString() {
        return "RfmBreakpoints[recencyDays=" + Arrays.toString(recencyDays) + ", frequency="
            + Arrays.toString(frequency) + ", monetary=" + Arrays.toString(monetary) + ", population="
            + population + "]";
    }

    /** 1 + the number of cut points strictly below the value: 1..5. */
    private static int fifth(final double[] cuts, final double value) {
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("An RFM value cannot be NaN");
        }
        int score = 1;
        for (final double cut : cuts) {
            if (value > cut) {
                score++;
            }
        }
        return score;
    }

    private static double[] check(final String name, final double[] cuts) {
        if (cuts == null || cuts.length != 4) {
            throw new IllegalArgumentException(name + " needs exactly four cut points");
        }
        for (int i = 0; i < cuts.length; i++) {
            if (!Double.isFinite(cuts[i]) || (i > 0 && cuts[i] < cuts[i - 1])) {
                throw new IllegalArgumentException(name + " cut points must be finite and non-decreasing: "
                    + Arrays.toString(cuts));
            }
        }
        return cuts.clone();
    }
}
