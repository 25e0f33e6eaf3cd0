package io.profilestream.models;

import java.util.Locale;

/**
 * The time unit in which summaries (t_x, T) and model parameters (alpha) are expressed.
 * Parameters fitted in one unit only apply to summaries in the same unit.
 */
public enum ModelTimeUnit {
    DAYS(1.0),
    WEEKS(7.0);

    private final double days;

    ModelTimeUnit(final double days) {
        this.days = days;
    }

    /** Length of one unit in days. */
    public double days() {
        return days;
    }

    /** Converts a duration in days into this unit. */
    public double fromDays(final double durationDays) {
        return durationDays / days;
    }

    /** The lower-case name used in configuration, on the command line and in ModelParameters records. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code days} or {@code weeks} (case-insensitive).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static ModelTimeUnit parse(final String value) {
        for (final ModelTimeUnit unit : values()) {
            if (unit.configName().equalsIgnoreCase(value.trim())) {
                return unit;
            }
        }
        throw new IllegalArgumentException("Unknown time unit '" + value + "': use days or weeks.");
    }
}
