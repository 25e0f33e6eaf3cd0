package io.profilestream.models;

/**
 * Customer lifetime value over a finite horizon from BG/NBD expected purchases and an expected order value.
 * The horizon is cut into periods (months by default); the purchases expected in period i,
 * E[Y(i L)] - E[Y((i - 1) L)], are valued at margin times the expected order value and discounted by (1 + d)^i,
 * as if they all happened at the end of their period.
 */
public final class Clv {

    private Clv() {
    }

    /**
     * CLV = margin * E[M] * sum over i of (E[Y(i L)] - E[Y((i - 1) L)]) / (1 + d)^i.
     *
     * @param model the fitted BG/NBD model
     * @param customer the customer's summary, in the model's time unit
     * @param expectedOrderValue E[M], e.g. from {@link GammaGamma#expectedAverageValue(CustomerSummary)}
     * @param settings periods, period length, discount rate and margin
     */
    public static double value(final BgNbd model,
                               final CustomerSummary customer,
                               final double expectedOrderValue,
                               final ClvSettings settings) {
        if (!(expectedOrderValue >= 0)) {
            throw new IllegalArgumentException("The expected order value must be at least 0");
        }
        // E[Y(t)] = P(alive) * E[Y(t) | alive], and P(alive) does not depend on the horizon: computed once, not per
        // period.
        final double alive = model.probabilityAlive(customer);
        if (alive == 0.0) {
            return 0.0;
        }
        double previous = 0.0;
        double discount = 1.0;
        double purchases = 0.0;
        for (int i = 1; i <= settings.periods(); i++) {
            final double cumulative = alive * model.expectedPurchasesIfAlive(customer.x(), customer.t(),
                i * settings.periodLength());
            discount /= 1.0 + settings.discountRatePerPeriod();
            purchases += Math.max(0.0, cumulative - previous) * discount;
            previous = cumulative;
        }
        if (purchases == 0.0) {
            return 0.0;
        }
        return settings.margin() * expectedOrderValue * purchases;
    }
}
