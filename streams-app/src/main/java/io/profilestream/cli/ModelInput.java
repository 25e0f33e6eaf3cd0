package io.profilestream.cli;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.profilestream.models.CustomerSummaries;
import io.profilestream.models.CustomerSummary;
import io.profilestream.models.ModelTimeUnit;

/**
 * Reads what the model subcommands are given: customer summaries, transaction logs, parameters, horizons and dates.
 * Whatever it cannot use is a {@link ModelInputException} naming the option, or the file, line and column.
 */
final class ModelInput {

    /** The columns a customer summaries file must have; {@code m} is optional. */
    static final Set<String> SUMMARY_COLUMNS = Set.of("id", "x", "t_x", "T");
    /** The columns a transaction log must have. */
    static final Set<String> TRANSACTION_COLUMNS = Set.of("customer_id", "date", "amount");

    private ModelInput() {
    }

    /** Reads every row of a customer summaries table. */
    static CustomerSummaries summaries(final CsvTable table) {
        final CustomerSummaries.Builder builder = CustomerSummaries.builder();
        for (final CsvTable.Row row : table.rows()) {
            builder.add(summary(table, row));
        }
        return builder.build();
    }

    /** Reads one row of a customer summaries table; {@code t_x} and {@code m} count for nothing when x is 0. */
    static CustomerSummary summary(final CsvTable table, final CsvTable.Row row) {
        final int x = table.integer(row, "x");
        final double tx = table.number(row, "t_x");
        final double t = table.number(row, "T");
        final double m = table.has("m") && !table.text(row, "m").isEmpty() ? table.number(row, "m") : 0.0;
        try {
            return new CustomerSummary(x, x == 0 ? 0.0 : tx, t, x == 0 ? 0.0 : m);
        } catch (final IllegalArgumentException e) {
            throw table.error(row, e.getMessage());
        }
    }

    /**
     * Summarises a transaction log as of the end of a calibration period; later transactions are ignored.
     *
     * @return each customer's summary, in the order the customers first appear in the log
     */
    static Map<String, CustomerSummary> summarize(final CsvTable table,
                                                  final LocalDate end,
                                                  final ModelTimeUnit unit) {
        final Map<String, List<double[]>> purchases = new LinkedHashMap<>();
        for (final CsvTable.Row row : table.rows()) {
            final String id = table.text(row, "customer_id");
            if (id.isEmpty()) {
                throw table.error(row, "customer_id is empty");
            }
            final LocalDate day;
            try {
                day = date(table.text(row, "date"), "date");
            } catch (final ModelInputException e) {
                throw table.error(row, e.getMessage());
            }
            final double amount = table.number(row, "amount");
            if (!day.isAfter(end)) {
                purchases.computeIfAbsent(id, key -> new ArrayList<>()).add(new double[] {day.toEpochDay(), amount});
            }
        }
        final Map<String, CustomerSummary> summaries = new LinkedHashMap<>();
        for (final Map.Entry<String, List<double[]>> customer : purchases.entrySet()) {
            final List<double[]> list = customer.getValue();
            final int[] days = new int[list.size()];
            final double[] values = new double[list.size()];
            for (int i = 0; i < days.length; i++) {
                days[i] = (int) list.get(i)[0];
                values[i] = list.get(i)[1];
            }
            summaries.put(customer.getKey(), CustomerSummary.fromPurchases(days, values, end.toEpochDay(), unit));
        }
        return summaries;
    }

    /** Reads an option's comma-separated model parameters, each finite and positive. */
    static double[] parameters(final String option, final String text, final int count) {
        final String[] parts = text.split(",", -1);
        if (parts.length != count) {
            throw new ModelInputException(option + " needs " + count + " comma-separated numbers, got '" + text + "'");
        }
        final double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            try {
                values[i] = Double.parseDouble(parts[i].trim());
            } catch (final NumberFormatException e) {
                throw new ModelInputException(option + ": '" + parts[i].trim() + "' is not a number");
            }
            if (!(values[i] > 0) || Double.isInfinite(values[i])) {
                throw new ModelInputException(option + ": every parameter must be finite and positive, got '"
                    + text + "'");
            }
        }
        return values;
    }

    /** Checks that an option's horizon is finite and at least 0. */
    static void requireHorizon(final String option, final double horizon) {
        if (!(horizon >= 0) || Double.isInfinite(horizon)) {
            throw new ModelInputException(option + " must be finite and at least 0, was " + horizon);
        }
    }

    /** Reads a date written yyyy-MM-dd or yyyyMMdd. */
    static LocalDate date(final String text, final String what) {
        try {
            return text.length() == 8 ? LocalDate.parse(text, DateTimeFormatter.BASIC_ISO_DATE) : LocalDate.parse(text);
        } catch (final DateTimeParseException e) {
            throw new ModelInputException(what + " must be a date (yyyy-MM-dd or yyyyMMdd), was '" + text + "'");
        }
    }
}
