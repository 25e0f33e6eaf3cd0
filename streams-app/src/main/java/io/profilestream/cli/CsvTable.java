package io.profilestream.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A CSV file with a header row, read whole: fields separated by commas, optionally in double quotes
 * (a doubled quote inside quotes is a quote), columns found by name, so their order does not matter.
 */
final class CsvTable {

    private final Path file;
    private final Map<String, Integer> columns;
    private final List<Row> rows;

    private CsvTable(final Path file, final Map<String, Integer> columns, final List<Row> rows) {
        this.file = file;
        this.columns = columns;
        this.rows = rows;
    }

    /**
     * Reads a file and checks that the required columns are present.
     *
     * @throws ModelInputException when the file is missing, empty or lacks a required column
     */
    static CsvTable read(final Path file, final Set<String> required) {
        final List<Row> rows = new ArrayList<>();
        final Map<String, Integer> columns = new HashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            final String header = reader.readLine();
            if (header == null) {
                throw new ModelInputException(file + ": the file is empty; expected a header with columns "
                    + String.join(",", required));
            }
            final List<String> names = split(stripBom(header));
            for (int i = 0; i < names.size(); i++) {
                columns.putIfAbsent(names.get(i).trim(), i);
            }
            final Set<String> missing = new TreeSet<>(required);
            missing.removeAll(columns.keySet());
            if (!missing.isEmpty()) {
                throw new ModelInputException(file + ": missing column" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + " in the header '" + header.strip() + "'");
            }
            String line;
            int number = 1;
            while ((line = reader.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    rows.add(new Row(number, split(line)));
                }
            }
        } catch (final NoSuchFileException e) {
            throw new ModelInputException(file + ": no such file");
        } catch (final IOException e) {
            throw new ModelInputException(file + ": " + e.getMessage());
        }
        return new CsvTable(file, columns, rows);
    }

    boolean has(final String column) {
        return columns.containsKey(column);
    }

    List<Row> rows() {
        return rows;
    }

    /** The text of a column in a row, trimmed; empty when the row is short. */
    String text(final Row row, final String column) {
        final int index = columns.get(column);
        return index < row.fields().size() ? row.fields().get(index).trim() : "";
    }

    /** A finite number, or an error naming the file, line and column. */
    double number(final Row row, final String column) {
        final String text = text(row, column);
        try {
            final double value = Double.parseDouble(text);
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (final NumberFormatException e) {
            // Reported below with the position.
        }
        throw error(row, column + " must be a number, was '" + text + "'");
    }

    /** A whole number. */
    int integer(final Row row, final String column) {
        final double value = number(row, column);
        if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
            throw error(row, column + " must be a whole number, was '" + text(row, column) + "'");
        }
        return (int) value;
    }

    ModelInputException error(final Row row, final String message) {
        return new ModelInputException(file + " line " + row.line() + ": " + message);
    }

    /** Quotes a field for output when it needs it. */
    static String quote(final String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    /** Formats a number: whole numbers without a decimal point, others with full double precision. */
    static String format(final double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value).toLowerCase(Locale.ROOT);
    }

    private static String stripBom(final String header) {
        return header.startsWith("\uFEFF") ? header.substring(1) : header;
    }

    private static List<String> split(final String line) {
        final List<String> fields = new ArrayList<>();
        final StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            final char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    /**
     * One data row.
     *
     * @param line its line number in the file (the header is line 1)
     * @param fields its fields
     */
    record Row(int line, List<String> fields) {
    }
}
