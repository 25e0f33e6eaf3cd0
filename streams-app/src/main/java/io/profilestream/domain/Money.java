package io.profilestream.domain;

import java.util.Collections;
import java.util.Currency;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Converts amounts in minor units of any accepted currency into minor units of the one base currency.
 * A currency is accepted when it is the base currency or has a configured rate.
 */
public final class Money {

    private final String base;
    private final int baseDigits;
    private final Map<String, Double> minorFactorByCurrency;

    /**
     * Creates a converter.
     *
     * @param base ISO 4217 code of the base currency
     * @param rates base-currency units per unit of each other currency
     */
    public Money(final String base, final Map<String, Double> rates) {
        this.base = base.toUpperCase(Locale.ROOT);
        this.baseDigits = digits(this.base);
        final Map<String, Double> factors = new HashMap<>();
        factors.put(this.base, 1.0);
        rates.forEach((code, rate) -> {
            final String upper = code.toUpperCase(Locale.ROOT);
            if (!(rate > 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("currency.rates: the rate for " + upper + " must be a positive number.");
            }
            factors.put(upper, rate * Math.pow(10, baseDigits - digits(upper)));
        });
        this.minorFactorByCurrency = Collections.unmodifiableMap(factors);
    }

    private static int digits(final String code) {
        try {
            final int digits = Currency.getInstance(code).getDefaultFractionDigits();
            return Math.max(digits, 0);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + code + "' is not an ISO 4217 currency code.");
        }
    }

    public String base() {
        return base;
    }

    /** Whether amounts in this currency can be converted. */
    public boolean accepts(final String currency) {
        return currency != null && minorFactorByCurrency.containsKey(currency.toUpperCase(Locale.ROOT));
    }

    /**
     * Converts minor units of a currency into minor units of the base currency, rounding half up.
     */
    public long toBaseMinor(final long minor, final String currency) {
        final Double factor = minorFactorByCurrency.get(currency.toUpperCase(Locale.ROOT));
        if (factor == null) {
            throw new IllegalArgumentException("No rate for the currency " + currency + ".");
        }
        return factor == 1.0 ? minor : Math.round(minor * factor);
    }
}
