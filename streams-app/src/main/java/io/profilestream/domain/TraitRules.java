package io.profilestream.domain;

import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

import io.profilestream.profile.TraitAggregation;
import io.profilestream.profile.TraitDefinition;

/**
 * Builds and checks computed trait definitions: the one place that says what a valid definition is, for the REST API
 * and the default catalogue alike.
 * Ids are lower-case letters, digits and underscores, starting with a letter, so a rule can read a trait as
 * {@code profile.computedTraits.<id>}.
 */
public final class TraitRules {

    /** The most definitions the catalogue holds. */
    public static final int MAX_DEFINITIONS = 200;

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final int MAX_NAME_LENGTH = 256;

    private TraitRules() {
    }

    /** Whether a text is a valid trait id. */
    public static boolean isValidId(final String id) {
        return id != null && ID.matcher(id).matches();
    }

    /**
     * Builds a checked definition.
     *
     * @param event the custom event name
     * @param aggregation one of count, sum, min, max, first, last, distinct_count, most_frequent
     * @param property a metric (sum, min, max) or property (first, last, distinct_count, most_frequent) name; ignored
     *                 by count
     * @param windowDays the sliding window in days, or null for every retained event
     * @param log the retention bounds; a window may not be longer than the retention
     * @throws IllegalArgumentException with a message for the caller when a field is invalid
     */
    public static TraitDefinition build(final String id,
                                        final String event,
                                        final String aggregation,
                                        final String property,
                                        final Integer windowDays,
                                        final long version,
                                        final Instant updatedAt,
                                        final CustomEventLog log) {
        if (!isValidId(id)) {
            throw new IllegalArgumentException("Trait ids are 1 to 64 lower-case letters, digits and underscores, "
                + "starting with a letter.");
        }
        if (event == null || event.isBlank() || event.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("event is required: the name of the custom events to aggregate.");
        }
        final TraitAggregation kind;
        try {
            kind = TraitAggregation.valueOf(aggregation == null ? "" : aggregation.trim().toLowerCase(Locale.ROOT));
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("aggregation must be one of count, sum, min, max, first, last, "
                + "distinct_count, most_frequent.", e);
        }
        if (kind != TraitAggregation.count && (property == null || property.isBlank())) {
            throw new IllegalArgumentException("property is required for " + kind + ": "
                + (kind == TraitAggregation.sum || kind == TraitAggregation.min || kind == TraitAggregation.max
                ? "the metric" : "the property") + " to aggregate.");
        }
        final long maxDays = log.retention().toDays();
        if (windowDays != null && (windowDays < 1 || windowDays > maxDays)) {
            throw new IllegalArgumentException("windowDays must be between 1 and " + maxDays
                + " (traits.retention.days).");
        }
        return TraitDefinition.newBuilder()
            .setId(id)
            .setEvent(event.trim())
            .setAggregation(kind)
            .setProperty(kind == TraitAggregation.count || property == null ? null : property.trim())
            .setWindowDays(windowDays)
            .setVersion(version)
            .setUpdatedAt(updatedAt)
            .build();
    }
}
