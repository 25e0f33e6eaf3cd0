package io.profilestream.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.profilestream.profile.RecentCustomEvent;
import io.profilestream.profile.TraitDefinition;

class ComputedTraitsTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final CustomEventLog LOG = CustomEventLog.DEFAULT;

    private static RecentCustomEvent event(final String id, final String name, final long daysAgo,
                                           final Map<String, String> properties, final Map<String, Double> metrics) {
        return RecentCustomEvent.newBuilder().setEventId(id).setName(name)
            .setTimestamp(NOW.minus(Duration.ofDays(daysAgo))).setProperties(properties).setMetrics(metrics).build();
    }

    private static TraitDefinition trait(final String id, final String aggregation, final String property,
                                         final Integer windowDays) {
        return TraitRules.build(id, "ticket", aggregation, property, windowDays, 1, NOW, LOG);
    }

    private final List<RecentCustomEvent> events = List.of(
        event("e1", "ticket", 40, Map.of("topic", "billing"), Map.of("minutes", 10.0)),
        event("e2", "ticket", 20, Map.of("topic", "delivery"), Map.of("minutes", 4.0)),
        event("e3", "survey", 15, Map.of("topic", "other"), Map.of("minutes", 99.0)),
        event("e4", "ticket", 10, Map.of("topic", "delivery"), Map.of()),
        event("e5", "ticket", 5, Map.of("topic", "billing"), Map.of("minutes", 7.5)),
        event("e6", "ticket", 1, Map.of(), Map.of("minutes", 2.0)));

    @Test
    void shouldComputeEveryAggregationOverTheNamedEventsOnly() {
        final ComputedTraits.Result result = ComputedTraits.compute(List.of(
            trait("n", "count", null, null),
            trait("total", "sum", "minutes", null),
            trait("low", "min", "minutes", null),
            trait("high", "max", "minutes", null),
            trait("first_topic", "first", "topic", null),
            trait("last_topic", "last", "topic", null),
            trait("topics", "distinct_count", "topic", null),
            trait("top_topic", "most_frequent", "topic", null)), events, NOW);

        assertThat(result.values()).containsExactlyInAnyOrderEntriesOf(Map.of(
            "n", 5L, "total", 23.5, "low", 2.0, "high", 10.0, "first_topic", "billing", "last_topic", "billing",
            "topics", 2L, "top_topic", "billing"));
        assertThat(result.nextChange()).isNull();
    }

    @Test
    void shouldCountOnlyTheWindowAndSayWhenItsOldestEventLeavesIt() {
        final ComputedTraits.Result result = ComputedTraits.compute(List.of(
            trait("n30", "count", null, 30),
            trait("sum7", "sum", "minutes", 7),
            trait("max3", "max", "minutes", 3),
            trait("min0", "min", "absent", 30)), events, NOW);

        assertThat(result.values()).containsExactlyInAnyOrderEntriesOf(Map.of("n30", 4L, "sum7", 9.5, "max3", 2.0));
        // e2 (20 days ago) leaves the 30-day window in 10 days; e5 leaves the 7-day one in 2 days; e6 the 3-day one in 2.
        assertThat(result.nextChange()).isEqualTo(NOW.plus(Duration.ofDays(2)));
        final ComputedTraits.Result later = ComputedTraits.compute(List.of(trait("n30", "count", null, 30)), events,
            NOW.plus(Duration.ofDays(11)));
        assertThat(later.values()).containsEntry("n30", 3L);
    }

    @Test
    void shouldBreakAMostFrequentTieInFavourOfTheValueSeenLast() {
        final List<RecentCustomEvent> tie = List.of(
            event("a", "ticket", 3, Map.of("topic", "billing"), Map.of()),
            event("b", "ticket", 2, Map.of("topic", "delivery"), Map.of()));
        assertThat(ComputedTraits.compute(List.of(trait("top", "most_frequent", "topic", null)), tie, NOW).values())
            .containsEntry("top", "delivery");
    }

    @Test
    void shouldKeepTheLogOrderedBoundedAndWithinRetention() {
        final CustomEventLog log = new CustomEventLog(3, Duration.ofDays(30));
        final var profile = ProfileAggregator.newProfile("c1");
        for (final long daysAgo : new long[] {2, 40, 1, 5, 3}) {
            log.append(profile, io.profilestream.events.CustomEvent.newBuilder().setEventId("e" + daysAgo)
                .setCustomerId("c1").setName("ticket").setTimestamp(NOW.minus(Duration.ofDays(daysAgo))).build(), NOW);
        }
        final List<String> ids = new ArrayList<>();
        profile.getCustomEvents().forEach(event -> ids.add(event.getEventId()));
        assertThat(ids).containsExactly("e3", "e2", "e1");
    }
}
