package io.profilestream.models;

/**
 * Churn risk: the probability that a customer makes no purchase in the next H time units under BG/NBD,
 * (1 - P(alive)) + P(alive) * ((alpha + T) / (alpha + T + H))^(r + x).
 * The second term is the chance that a customer who is still alive, with purchase rate drawn from its posterior
 * Gamma(r + x, alpha + T), happens not to buy within H.
 * P(alive) alone cannot serve as churn risk: it is 1 for every customer without a repeat purchase.
 */
public final class ChurnRisk {

    private ChurnRisk() {
    }

    /**
     * The probability of no purchase in the next {@code horizon} time units.
     *
     * @param model the fitted BG/NBD model
     * @param customer the customer's summary, in the model's time unit
     * @param horizon H, in the model's time unit
     */
    public static double probabilityOfNoPurchase(final BgNbd model,
                                                 final CustomerSummary customer,
                                                 final double horizon) {
        if (!(horizon >= 0) || Double.isInfinite(horizon)) {
            throw new IllegalArgumentException("The horizon must be finite and at least 0, was " + horizon);
        }
        final BgNbdParameters parameters = model.parameters();
        final double alive = model.probabilityAlive(customer);
        // 1 - P(alive) * (1 - q), with 1 - q computed without cancellation.
        final double buys = -Math.expm1(-(parameters.r() + customer.x())
            * Math.log1p(horizon / (parameters.alpha() + customer.t())));
        return 1.0 - alive * buys;
    }
}
