package io.profilestream.domain;

import java.util.Collections;
import java.util.Currency;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import io.profilestream.config.ConfigException;

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
                throw new ConfigException("currency.rates: the rate for " + upper + " must be a positive number.");
            }
            factors.put(upper, rate * Math.pow(10, baseDigits - digits(upper)));
        });
        this.minorFactorByCurrency = Collections.unmodifiableMap(factors);
    }

    /**
     * Parses {@code currency.rates} of the form {@code EUR:1.08,GBP:1.27}.
     */
    public static Map<String, Double> parseRates(final String text) {
        final Map<String, Double> rates = new HashMap<>();
        if (text == null || text.isBlank()) {
            return rates;
        }
        for (final String entry : text.split(",")) {
            final String[] parts = entry.trim().split(":");
            if (parts.length != 2) {
                throw new ConfigException("currency.rates must look like EUR:1.08,GBP:1.27, not '" + text + "'.");
            }
            try {
                rates.put(parts[0].trim(), Double.parseDouble(parts[1].trim()));
            } catch (final NumberFormatException e) {
                throw new ConfigException("currency.rates: '" + parts[1].trim() + "' is not a number.");
            }
        }
        return rates;
    }

    private static int digits(final String code) {
        try {
            final int digits = Currency.getInstance(code).getDefaultFractionDigits();
            return Math.max(digits, 0);
        } catch (final IllegalArgumentException e) {
            throw new ConfigException("'" + code + "' is not an ISO 4217 currency code.");
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
