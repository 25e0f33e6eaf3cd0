package io.profilestream.models;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameters of the BG/NBD model (Fader, Hardie and Lee 2005).
 * While alive, a customer buys at rate lambda ~ Gamma(shape r, rate alpha); after each purchase they drop out
 * with probability p ~ Beta(a, b).
 * alpha is in the time unit of the summaries the parameters were fitted on.
 *
 * @param r shape of the purchase-rate distribution
 * @param alpha rate (inverse scale) of the purchase-rate distribution, in time units
 * @param a first shape of the dropout-probability distribution
 * @param b second shape of the dropout-probability distribution
 */
public record BgNbdParameters(double r, double alpha, double a, double b) {

    /** Key of these parameters on the {@code model-parameters} topic. */
    public static final String MODEL_NAME = "bgnbd";

    /** Lower bounds used by the fit; every function here is tested over the whole box. */
    public static final BgNbdParameters LOWER_BOUNDS = new BgNbdParameters(1e-3, 1e-3, 1e-3, 1e-3);
    /** Upper bounds used by the fit. */
    public static final BgNbdParameters UPPER_BOUNDS = new BgNbdParameters(1e3, 1e5, 1e3, 1e3);

    public BgNbdParameters {
        requirePositive("r", r);
        requirePositive("alpha", alpha);
        requirePositive("a", a);
        requirePositive("b", b);
    }

    /** The parameters as the map stored in a ModelParameters record (keys r, alpha, a, b). */
    public Map<String, Double> toMap() {
        final Map<String, Double> map = new LinkedHashMap<>();
        map.put("r", r);
        map.put("alpha", alpha);
        map.put("a", a);
        map.put("b", b);
        return map;
    }

    /**
     * Reads the map of a ModelParameters record.
     *
     * @throws IllegalArgumentException when a key is missing or a value is not positive
     */
    public static BgNbdParameters fromMap(final Map<String, Double> map) {
        return new BgNbdParameters(get(map, "r"), get(map, "alpha"), get(map, "a"), get(map, "b"));
    }

    double[] toArray() {
        return new double[] {r, alpha, a, b};
    }

    static BgNbdParameters fromArray(final double[] values) {
        return new BgNbdParameters(values[0], values[1], values[2], values[3]);
    }

    static double get(final Map<String, Double> map, final String key) {
        final Double value = map.get(key);
        if (value == null) {
            throw new IllegalArgumentException("Missing model parameter '" + key + "'");
        }
        return value;
    }

    static void requirePositive(final String name, final double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and positive, was " + value);
        }
    }
}
