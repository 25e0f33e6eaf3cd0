package io.profilestream.domain;

import io.profilestream.models.CustomerSummary;
import io.profilestream.models.ModelTimeUnit;
import io.profilestream.profile.Transactions;

/**
 * A profile's BG/NBD and Gamma-Gamma summary (docs/models.md), the one definition that scoring and the engine's fit
 * share: x repeat purchase days, t_x from the first to the last purchase day, T from the first purchase day to now,
 * and m the mean order value of the repeat purchase days (the first day excluded), as {@code model summarize}
 * computes it from a transaction log.
 */
public final class ProfileSummaries {

    /** Milliseconds in a day. */
    public static final double MILLIS_PER_DAY = 86_400_000.0;

    private ProfileSummaries() {
    }

    /**
     * The summary of a profile's transactions as of {@code nowDays} (epoch days, fractions allowed), or null before
     * the first purchase.
     */
    public static CustomerSummary summary(final Transactions tx, final double nowDays, final ModelTimeUnit unit) {
        if (tx.getOrders() == 0 || tx.getFirstPurchaseAt() == null || tx.getLastPurchaseAt() == null
            || tx.getDistinctPurchaseDays() <= 0) {
            return null;
        }
        final long first = Math.floorDiv(tx.getFirstPurchaseAt().toEpochMilli(), (long) MILLIS_PER_DAY);
        final long last = Math.floorDiv(tx.getLastPurchaseAt().toEpochMilli(), (long) MILLIS_PER_DAY);
        return CustomerSummary.fromDayCounts(tx.getDistinctPurchaseDays(), first, Math.max(first, last),
            Math.max(nowDays, last), unit, meanRepeatValue(tx));
    }

    /**
     * Gamma-Gamma's m: the order value after the first purchase day divided by the repeat purchase days, in minor
     * units of the base currency; 0 without a repeat purchase day.
     * Profiles written before the first day's value was kept fall back to the average order value.
     */
    public static double meanRepeatValue(final Transactions tx) {
        final int repeatDays = tx.getDistinctPurchaseDays() - 1;
        if (repeatDays <= 0) {
            return 0.0;
        }
        final long orderValue = tx.getRevenueMinor() + tx.getRefundedMinor();
        if (tx.getFirstPurchaseDayMinor() == null) {
            return averageOrderValue(tx);
        }
        return Math.max(0.0, (double) (orderValue - tx.getFirstPurchaseDayMinor()) / repeatDays);
    }

    /** The average order value over all orders, in minor units; 0 before the first order. */
    public static double averageOrderValue(final Transactions tx) {
        return tx.getAverageOrderValueMinor() == null ? 0 : Math.max(0, tx.getAverageOrderValueMinor());
    }
}
