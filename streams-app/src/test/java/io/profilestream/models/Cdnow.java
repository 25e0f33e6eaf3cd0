package io.profilestream.models;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CDNOW sample of Fader, Hardie and Lee (2005), summarised for the 39-week calibration period in weeks.
 */
final class Cdnow {

    static final LocalDate CALIBRATION_END = LocalDate.of(1997, 9, 30);
    /** The end of the 39-week holdout period that follows calibration, the last day of the data. */
    static final LocalDate HOLDOUT_END = LocalDate.of(1998, 6, 30);
    private static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;

    private Cdnow() {
    }

    /** Every record: sample id, purchase day (epoch day) and amount. */
    static List<Purchase> purchases() {
        final List<Purchase> purchases = new ArrayList<>();
        try (InputStream in = Cdnow.class.getResourceAsStream("/cdnow/CDNOW_sample.txt");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                final String[] fields = line.trim().split("\\s+");
                purchases.add(new Purchase(fields[1], (int) LocalDate.parse(fields[2], DATE).toEpochDay(),
                    Double.parseDouble(fields[4])));
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return purchases;
    }

    /** Calibration-period summaries in weeks, with m the mean value of the repeat purchase days. */
    static CustomerSummaries calibration() {
        final Map<String, List<Purchase>> byCustomer = new LinkedHashMap<>();
        final int end = (int) CALIBRATION_END.toEpochDay();
        for (final Purchase purchase : purchases()) {
            if (purchase.day() <= end) {
                byCustomer.computeIfAbsent(purchase.customer(), key -> new ArrayList<>()).add(purchase);
            }
        }
        final CustomerSummaries.Builder builder = CustomerSummaries.builder();
        for (final List<Purchase> list : byCustomer.values()) {
            final int[] days = list.stream().mapToInt(Purchase::day).toArray();
            final double[] values = list.stream().mapToDouble(Purchase::amount).toArray();
            builder.add(CustomerSummary.fromPurchases(days, values, end, ModelTimeUnit.WEEKS));
        }
        return builder.build();
    }

    /** Each customer's spend in the holdout period, in the order of {@link #calibration()}. */
    static double[] holdoutSpend() {
        final Map<String, Double> spend = new LinkedHashMap<>();
        final int end = (int) CALIBRATION_END.toEpochDay();
        for (final Purchase purchase : purchases()) {
            final boolean holdout = purchase.day() > end && purchase.day() <= HOLDOUT_END.toEpochDay();
            spend.merge(purchase.customer(), holdout ? purchase.amount() : 0, Double::sum);
        }
        return spend.values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    record Purchase(String customer, int day, double amount) {
    }
}
