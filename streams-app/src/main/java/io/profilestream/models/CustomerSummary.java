package io.profilestream.models;

import java.util.Arrays;

/**
 * What the BG/NBD and Gamma-Gamma models know of one customer at one moment.
 * Times are in one {@link ModelTimeUnit}, measured from the customer's first purchase.
 *
 * @param x number of repeat purchase days (distinct purchase days minus one)
 * @param tx time from the first to the last purchase (0 when x is 0)
 * @param t time from the first purchase to now (the model's T)
 * @param m mean value of the repeat purchases (0 when x is 0 or unknown)
 */
public record CustomerSummary(int x, double tx, double t, double m) {

    public CustomerSummary {
        if (x < 0) {
            throw new IllegalArgumentException("x must be at least 0, was " + x);
        }
        if (!(tx >= 0) || !(t >= 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("t_x and T must be finite and at least 0, were " + tx + " and " + t);
        }
        if (tx > t) {
            throw new IllegalArgumentException("t_x (" + tx + ") must not exceed T (" + t + ")");
        }
        if (x == 0 && tx != 0) {
            throw new IllegalArgumentException("t_x must be 0 when x is 0, was " + tx);
        }
        if (!(m >= 0) || Double.isInfinite(m)) {
            throw new IllegalArgumentException("m must be finite and at least 0, was " + m);
        }
    }

    /** A summary without monetary value. */
    public static CustomerSummary of(final int x, final double tx, final double t) {
        return new CustomerSummary(x, tx, t, 0.0);
    }

    /**
     * The summary of a customer from the count of distinct purchase days and the first and last of them.
     * Use this when the list of days is capped but the count is not.
     *
     * @param distinctPurchaseDays number of distinct days with a purchase (0 for someone who never bought)
     * @param firstPurchaseDay first purchase day (epoch day, or any day count)
     * @param lastPurchaseDay last purchase day, in the same count
     * @param now the moment of evaluation in the same count; fractions of a day are allowed
     * @param unit the unit of t_x and T
     * @param meanRepeatValue mean value of the repeat purchase days (0 when unknown)
     * @return the summary, or null when the customer never bought
     */
    public static CustomerSummary fromDayCounts(final int distinctPurchaseDays,
                                                final double firstPurchaseDay,
                                                final double lastPurchaseDay,
                                                final double now,
                                                final ModelTimeUnit unit,
                                                final double meanRepeatValue) {
        if (distinctPurchaseDays <= 0) {
            return null;
        }
        if (lastPurchaseDay < firstPurchaseDay) {
            throw new IllegalArgumentException("The last purchase day precedes the first");
        }
        final int x = distinctPurchaseDays - 1;
        // A clock slightly behind the last purchase (late events, skew) must not make T negative.
        final double end = Math.max(now, lastPurchaseDay);
        final double tx = x == 0 ? 0.0 : unit.fromDays(lastPurchaseDay - firstPurchaseDay);
        return new CustomerSummary(x, tx, unit.fromDays(end - firstPurchaseDay), x == 0 ? 0.0 : meanRepeatValue);
    }

    /**
     * The summary of a customer from the days of their purchases.
     * Days may repeat and come in any order; several purchases on one day count as one purchase day.
     *
     * @param purchaseDays days with a purchase (epoch days, or any day count)
     * @param now the moment of evaluation in the same count; fractions of a day are allowed
     * @param unit the unit of t_x and T
     * @return the summary with m = 0, or null when there is no purchase
     */
    public static CustomerSummary fromPurchaseDays(final int[] purchaseDays,
                                                   final double now,
                                                   final ModelTimeUnit unit) {
        if (purchaseDays.length == 0) {
            return null;
        }
        final int[] days = purchaseDays.clone();
        Arrays.sort(days);
        int distinct = 1;
        for (int i = 1; i < days.length; i++) {
            if (days[i] != days[i - 1]) {
                distinct++;
            }
        }
        return fromDayCounts(distinct, days[0], days[days.length - 1], now, unit, 0.0);
    }

    /**
     * The summary of a customer from purchases with their values.
     * Purchases on the same day are merged into one purchase whose value is their sum;
     * m is the mean value of the repeat purchase days, the first day excluded.
     *
     * @param purchaseDays day of each purchase (epoch days, or any day count)
     * @param values value of each purchase, in the same order
     * @param now the moment of evaluation in the same count
     * @param unit the unit of t_x and T
     * @return the summary, or null when there is no purchase
     */
    public static CustomerSummary fromPurchases(final int[] purchaseDays,
                                                final double[] values,
                                                final double now,
                                                final ModelTimeUnit unit) {
        if (purchaseDays.length != values.length) {
            throw new IllegalArgumentException("One value per purchase day is needed");
        }
        if (purchaseDays.length == 0) {
            return null;
        }
        final Integer[] order = new Integer[purchaseDays.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (left, right) -> Integer.compare(purchaseDays[left], purchaseDays[right]));
        final int first = purchaseDays[order[0]];
        int distinct = 1;
        int previous = first;
        double repeatTotal = 0.0;
        for (int i = 1; i < order.length; i++) {
            final int day = purchaseDays[order[i]];
            if (day != previous) {
                distinct++;
                previous = day;
            }
            if (day != first) {
                repeatTotal += values[order[i]];
            }
        }
        final double mean = distinct > 1 ? repeatTotal / (distinct - 1) : 0.0;
        return fromDayCounts(distinct, first, previous, now, unit, Math.max(mean, 0.0));
    }
}
