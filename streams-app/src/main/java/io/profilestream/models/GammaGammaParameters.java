package io.profilestream.models;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameters of the Gamma-Gamma spend model (Fader and Hardie 2013, after Colombo and Jiang 1999).
 * Each transaction value is Gamma(p, nu); each customer's nu is Gamma(q, gamma) across customers.
 * gamma is in the currency unit of the values the parameters were fitted on.
 *
 * @param p shape of the transaction-value distribution
 * @param q shape of the distribution of nu across customers (the mean spend is finite only for q &gt; 1)
 * @param gamma rate of the distribution of nu, in currency units
 */
public record GammaGammaParameters(double p, double q, double gamma) {

    /** Key of these parameters on the {@code model-parameters} topic. */
    public static final String MODEL_NAME = "gamma-gamma";

    /** Lower bounds used by the fit. */
    public static final GammaGammaParameters LOWER_BOUNDS = new GammaGammaParameters(1e-3, 1e-3, 1e-6);
    /** Upper bounds used by the fit. */
    public static final GammaGammaParameters UPPER_BOUNDS = new GammaGammaParameters(1e4, 1e4, 1e12);

    public GammaGammaParameters {
        BgNbdParameters.requirePositive("p", p);
        BgNbdParameters.requirePositive("q", q);
        BgNbdParameters.requirePositive("gamma", gamma);
    }

    /** The parameters as the map stored in a ModelParameters record (keys p, q, gamma). */
    public Map<String, Double> toMap() {
        final Map<String, Double> map = new LinkedHashMap<>();
        map.put("p", p);
        map.put("q", q);
        map.put("gamma", gamma);
        return map;
    }

    /**
     * Reads the map of a ModelParameters record.
     *
     * @throws IllegalArgumentException when a key is missing or a value is not positive
     */
    public static GammaGammaParameters fromMap(final Map<String, Double> map) {
        return new GammaGammaParameters(BgNbdParameters.get(map, "p"), BgNbdParameters.get(map, "q"),
            BgNbdParameters.get(map, "gamma"));
    }

    double[] toArray() {
        return new double[] {p, q, gamma};
    }
}
