package io.profilestream.loadtest;

/**
 * How the simulated customers buy: the BG/NBD generative process of Fader, Hardie and Lee (2005).
 *
 * <p>Each customer makes a first purchase at a time drawn uniformly from the acquisition window.
 * After it, while alive, they buy at their own rate {@code lambda ~ Gamma(r, alpha)} (a Poisson process), and
 * right after each repeat purchase they drop out for good with their own probability {@code p ~ Beta(a, b)}.
 * Rates are per day: {@code alpha} is the Gamma rate parameter in days, so the mean purchase rate is
 * {@code r / alpha} per day.
 *
 * @param r shape of the Gamma distribution of purchase rates
 * @param alpha rate (inverse scale) of the Gamma distribution of purchase rates, in days
 * @param a first shape parameter of the Beta distribution of dropout probabilities
 * @param b second shape parameter of the Beta distribution of dropout probabilities
 * @param acquisitionDays the first purchases fall uniformly within this many days from the simulated start
 */
public record PurchaseModel(double r, double alpha, double a, double b, double acquisitionDays) {

    /** Days per week, for parameters published per week. */
    public static final double DAYS_PER_WEEK = 7;

    /** Default acquisition window: twelve weeks, as in the CDNOW cohort. */
    public static final double DEFAULT_ACQUISITION_DAYS = 84;

    /**
     * The parameters Fader, Hardie and Lee fitted to the CDNOW cohort (per week: r 0.243, alpha 4.414, a 0.793,
     * b 2.426), converted to days.
     */
    public static final PurchaseModel DEFAULT = perWeek(0.243, 4.414, 0.793, 2.426, DEFAULT_ACQUISITION_DAYS);

    public PurchaseModel {
        positive("r", r);
        positive("alpha", alpha);
        positive("a", a);
        positive("b", b);
        if (!(acquisitionDays >= 0) || Double.isInfinite(acquisitionDays)) {
            throw new IllegalArgumentException("The acquisition window must be zero or a positive number of days.");
        }
    }

    /**
     * A model from parameters published per week (alpha in weeks), as most BG/NBD literature gives them.
     */
    public static PurchaseModel perWeek(final double r,
                                        final double alphaWeeks,
                                        final double a,
                                        final double b,
                                        final double acquisitionDays) {
        return new PurchaseModel(r, alphaWeeks * DAYS_PER_WEEK, a, b, acquisitionDays);
    }

    /** The mean purchase rate per day, {@code r / alpha}. */
    public double meanPurchaseRate() {
        return r / alpha;
    }

    /** The mean dropout probability, {@code a / (a + b)}. */
    public double meanDropoutProbability() {
        return a / (a + b);
    }

    public PurchaseModel withAcquisitionDays(final double days) {
        return new PurchaseModel(r, alpha, a, b, days);
    }

    private static void positive(final String name, final double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("The BG/NBD parameter " + name + " must be a positive number.");
        }
    }
}
