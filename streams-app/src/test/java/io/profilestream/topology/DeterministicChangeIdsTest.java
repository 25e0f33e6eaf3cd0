package io.profilestream.topology;

import static io.profilestream.topology.TestEvents.order;
import static io.profilestream.topology.TopologyFixture.WALL_CLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.profilestream.profile.ChangeKind;
import io.profilestream.profile.DefinitionKind;
import io.profilestream.profile.SegmentChange;
import io.profilestream.profile.SegmentDefinition;

/**
 * The ids of changes caused by time and by backfills are the same in a replay, whenever the punctuator runs.
 */
class DeterministicChangeIdsTest {

    /**
     * The same events and definitions, with the punctuator run at other wall-clock moments.
     *
     * @param step how far the wall clock moves between punctuations
     */
    private static List<SegmentChange> replay(final Duration step) {
        try (TopologyFixture fixture = new TopologyFixture()) {
            for (int i = 0; i < 5; i++) {
                fixture.purchases.pipeInput("c" + i, order("p" + i, "c" + i,
                    WALL_CLOCK.minus(Duration.ofHours(12 + i)), 1_000L * i));
            }
            fixture.driver.createInputTopic(fixture.topics.segmentDefinitions(), new StringSerializer(),
                fixture.serdes.segmentDefinition().serializer()).pipeInput("recent", SegmentDefinition.newBuilder()
                .setId("recent").setName("recent").setKind(DefinitionKind.SEGMENT).setVersion(1)
                .setUpdatedAt(WALL_CLOCK).setExpression("has(profile.transactions.lastPurchaseAt)"
                    + " && daysSince(profile.transactions.lastPurchaseAt) <= 3").build());
            // Backfilled first, then each profile leaves the segment three days after its purchase.
            final long steps = Duration.ofDays(4).toMillis() / step.toMillis();
            for (long i = 0; i <= steps; i++) {
                fixture.driver.advanceWallClockTime(step);
            }
            return fixture.changes.readValuesToList().stream()
                .filter(change -> change.getKind() == ChangeKind.SEGMENT).toList();
        }
    }

    @Test
    void shouldGiveTimeAndBackfillChangesTheSameIdsWhateverTheWallClockOfThePunctuation() {
        final List<SegmentChange> hourly = replay(Duration.ofMinutes(61));
        final List<SegmentChange> irregular = replay(Duration.ofMinutes(167));

        assertThat(hourly).extracting(SegmentChange::getCauseEventId).containsOnly(SegmentChanges.CAUSE_BACKFILL,
            SegmentChanges.CAUSE_TIME).contains(SegmentChanges.CAUSE_BACKFILL, SegmentChanges.CAUSE_TIME);
        assertThat(hourly).hasSize(10);
        assertThat(irregular).extracting(SegmentChange::getEventId)
            .containsExactlyInAnyOrderElementsOf(hourly.stream().map(SegmentChange::getEventId).toList());
    }
}
