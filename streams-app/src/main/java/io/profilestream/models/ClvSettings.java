package io.profilestream.models;

/**
 * How customer lifetime value is computed: over {@code periods} periods of equal length, each period's expected
 * purchases discounted at the end of the period.
 *
 * @param periods number of periods in the horizon (12 for a year of months)
 * @param periodLength length of one period in the model's time unit
 * @param discountRatePerPeriod discount rate for one period (0.0080 is 10 % a year, monthly)
 * @param margin share of revenue that is profit, in [0, 1] (1 for revenue CLV)
 */
public record ClvSettings(int periods, double periodLength, double discountRatePerPeriod, double margin) {

    /** Average month length, in days (365.25 / 12). */
    public static final double DAYS_PER_MONTH = 365.25 / 12.0;

    public ClvSettings {
        if (periods < 1) {
            throw new IllegalArgumentException("At least one period is needed");
        }
        if (!(periodLength > 0) || Double.isInfinite(periodLength)) {
            throw new IllegalArgumentException("The period length must be finite and positive");
        }
        if (!(discountRatePerPeriod > -1) || Double.isInfinite(discountRatePerPeriod)) {
            throw new IllegalArgumentException("The discount rate must be finite and above -1");
        }
        if (!(margin >= 0 && margin <= 1)) {
            throw new IllegalArgumentException("The margin must lie in [0, 1]");
        }
    }

    /**
     * Monthly periods: the default discretisation.
     *
     * @param unit the model's time unit
     * @param months length of the horizon in months (12 by default)
     * @param annualDiscountRate yearly discount rate, converted to the equivalent monthly rate
     * @param margin share of revenue that is profit
     */
    public static ClvSettings monthly(final ModelTimeUnit unit,
                                      final int months,
                                      final double annualDiscountRate,
                                      final double margin) {
        return new ClvSettings(months, unit.fromDays(DAYS_PER_MONTH),
            Math.pow(1.0 + annualDiscountRate, 1.0 / 12.0) - 1.0, margin);
    }

    /** Twelve monthly periods, 10 % a year, revenue (margin 1). */
    public static ClvSettings defaults(final ModelTimeUnit unit) {
        return monthly(unit, 12, 0.10, 1.0);
    }
}
