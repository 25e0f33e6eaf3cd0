package io.profilestream.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.profilestream.profile.RecentCustomEvent;
import io.profilestream.profile.TraitDefinition;

/**
 * Computes trait values from a profile's retained custom events ({@link CustomEventLog}): the only definition of
 * what each aggregation means. It has no Kafka dependency and no I/O.
 * <ul>
 *   <li>{@code count}: events with the trait's name (long);</li>
 *   <li>{@code sum}, {@code min}, {@code max}: of the named metric over the events that carry it (double; sum is 0
 *   when none does, min and max have no value);</li>
 *   <li>{@code first}, {@code last}: the named property of the earliest or latest event that carries it (string);</li>
 *   <li>{@code distinct_count}: distinct values of the named property (long);</li>
 *   <li>{@code most_frequent}: the property value seen most often; a tie goes to the value seen last (string).</li>
 * </ul>
 * A trait with {@code windowDays} counts only events after {@code now - windowDays}, so its value changes as time
 * passes: {@link Result#nextChange()} is when the oldest event in a window leaves it.
 */
public final class ComputedTraits {

    private ComputedTraits() {
    }

    /**
     * The trait values and when one could next change with time alone.
     *
     * @param values trait id to value (Long, Double or String); a trait without a value is absent
     * @param nextChange when an event next leaves a window, or null when none will
     */
    public record Result(Map<String, Object> values, Instant nextChange) {
    }

    /**
     * Computes every trait over the events, as of {@code now}.
     *
     * @param definitions the trait catalogue
     * @param events the retained events, oldest first
     * @param now engine time
     */
    public static Result compute(final Collection<TraitDefinition> definitions,
                                 final List<RecentCustomEvent> events,
                                 final Instant now) {
        final Map<String, Object> values = new HashMap<>();
        Instant nextChange = null;
        for (final TraitDefinition definition : definitions) {
            final Instant from = definition.getWindowDays() == null
                ? null
                : now.minus(Duration.ofDays(definition.getWindowDays()));
            final Accumulator accumulator = new Accumulator(definition);
            for (final RecentCustomEvent event : events) {
                if (!event.getName().equals(definition.getEvent())
                    || from != null && !event.getTimestamp().isAfter(from)) {
                    continue;
                }
                if (from != null && accumulator.events == 0) {
                    final Instant leaves = event.getTimestamp().plus(Duration.ofDays(definition.getWindowDays()));
                    nextChange = nextChange == null || leaves.isBefore(nextChange) ? leaves : nextChange;
                }
                accumulator.add(event);
            }
            final Object value = accumulator.value();
            if (value != null) {
                values.put(definition.getId(), value);
            }
        }
        return new Result(values, nextChange);
    }

    /** One trait's running aggregate over events in time order. */
    private static final class Accumulator {

        private final TraitDefinition definition;
        private final String property;
        private long events;
        private long matched;
        private double sum;
        private double min = Double.POSITIVE_INFINITY;
        private double max = Double.NEGATIVE_INFINITY;
        private String first;
        private String last;
        private final Set<String> distinct = new HashSet<>();
        private final Map<String, long[]> frequency = new HashMap<>();
        private long sequence;

        Accumulator(final TraitDefinition definition) {
            this.definition = definition;
            this.property = definition.getProperty();
        }

        void add(final RecentCustomEvent event) {
            events++;
            switch (definition.getAggregation()) {
                case count -> matched++;
                case sum, min, max -> {
                    final Double metric = property == null ? null : event.getMetrics().get(property);
                    if (metric != null) {
                        matched++;
                        sum += metric;
                        min = Math.min(min, metric);
                        max = Math.max(max, metric);
                    }
                }
                default -> {
                    final String text = property == null ? null : event.getProperties().get(property);
                    if (text != null) {
                        matched++;
                        if (first == null) {
                            first = text;
                        }
                        last = text;
                        distinct.add(text);
                        final long[] seen = frequency.computeIfAbsent(text, key -> new long[2]);
                        seen[0]++;
                        seen[1] = sequence++;
                    }
                }
            }
        }

        Object value() {
            return switch (definition.getAggregation()) {
                case count -> matched;
                case sum -> sum;
                case min -> matched == 0 ? null : min;
                case max -> matched == 0 ? null : max;
                case first -> first;
                case last -> last;
                case distinct_count -> (long) distinct.size();
                case most_frequent -> mostFrequent();
            };
        }

        private String mostFrequent() {
            String best = null;
            long[] bestSeen = null;
            for (final Map.Entry<String, long[]> entry : frequency.entrySet()) {
                final long[] seen = entry.getValue();
                if (bestSeen == null || seen[0] > bestSeen[0] || seen[0] == bestSeen[0] && seen[1] > bestSeen[1]) {
                    best = entry.getKey();
                    bestSeen = seen;
                }
            }
            return best;
        }
    }
}
