package io.profilestream.topology;

import static io.profilestream.topology.TestEvents.click;
import static io.profilestream.topology.TopologyFixture.WALL_CLOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.profilestream.domain.CustomEventLog;
import io.profilestream.domain.TraitRules;
import io.profilestream.events.ClickType;
import io.profilestream.events.CustomEvent;
import io.profilestream.profile.ChangeKind;
import io.profilestream.profile.ChangeType;
import io.profilestream.profile.DefinitionKind;
import io.profilestream.profile.SegmentChange;
import io.profilestream.profile.SegmentDefinition;
import io.profilestream.profile.TraitDefinition;

/**
 * Custom events through the real topology: routing by customer or anonymous id, computed traits as events arrive, as
 * time passes and when a definition comes later, merges, rules that read traits, and bad input.
 */
class CustomEventsTopologyTest {

    private final TopologyFixture fixture = new TopologyFixture();
    private final TestInputTopic<String, CustomEvent> custom = fixture.driver.createInputTopic(
        fixture.topics.customEvents(), new StringSerializer(), fixture.serdes.customEvent().serializer());
    private final TestInputTopic<String, TraitDefinition> traits = fixture.driver.createInputTopic(
        fixture.topics.traitDefinitions(), new StringSerializer(), fixture.serdes.traitDefinition().serializer());
    private final TestInputTopic<String, SegmentDefinition> segments = fixture.driver.createInputTopic(
        fixture.topics.segmentDefinitions(), new StringSerializer(), fixture.serdes.segmentDefinition().serializer());

    @AfterEach
    void close() {
        fixture.close();
    }

    private void trait(final String id, final String event, final String aggregation, final String property,
                       final Integer windowDays) {
        traits.pipeInput(id, TraitRules.build(id, event, aggregation, property, windowDays, 1, WALL_CLOCK,
            CustomEventLog.DEFAULT));
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(2));
    }

    private static CustomEvent.Builder event(final String eventId, final String name, final long daysAgo) {
        return CustomEvent.newBuilder().setEventId(eventId).setName(name)
            .setTimestamp(WALL_CLOCK.minus(Duration.ofDays(daysAgo)));
    }

    private void send(final CustomEvent event) {
        custom.pipeInput(event.getCustomerId() != null ? event.getCustomerId() : event.getAnonymousId(), event);
    }

    @Test
    void shouldComputeTraitsAsEventsArriveAndLetRulesReadThem() {
        trait("tickets_30d", "ticket_opened", "count", null, 30);
        trait("points", "points_earned", "sum", "points", null);
        trait("top_channel", "ticket_opened", "most_frequent", "channel", null);
        segments.pipeInput("frequent-support", SegmentDefinition.newBuilder().setId("frequent-support").setName("f")
            .setKind(DefinitionKind.SEGMENT).setUpdatedAt(WALL_CLOCK)
            .setExpression("lookup(profile.computedTraits, 'tickets_30d', 0) >= 2")
            .build());
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(2));

        send(event("t1", "ticket_opened", 40).setCustomerId("c1").setProperties(Map.of("channel", "phone")).build());
        send(event("t2", "ticket_opened", 20).setCustomerId("c1").setProperties(Map.of("channel", "chat")).build());
        send(event("p1", "points_earned", 3).setCustomerId("c1").setMetrics(Map.of("points", 120.0)).build());
        send(event("p2", "points_earned", 2).setCustomerId("c1").setMetrics(Map.of("points", 30.5)).build());
        send(event("p2", "points_earned", 2).setCustomerId("c1").setMetrics(Map.of("points", 30.5)).build());
        // One ticket by phone, one by chat: a tie goes to the value seen last.
        assertThat(fixture.profile("c1").getComputedTraits()).containsExactlyInAnyOrderEntriesOf(Map.of(
            "tickets_30d", 1L, "points", 150.5, "top_channel", "chat"));
        assertThat(fixture.changes.readValuesToList()).noneMatch(change -> change.getKind() == ChangeKind.SEGMENT);

        send(event("t3", "ticket_opened", 1).setCustomerId("c1").setProperties(Map.of("channel", "chat")).build());
        assertThat(fixture.profile("c1").getComputedTraits()).containsEntry("tickets_30d", 2L)
            .containsEntry("top_channel", "chat");
        assertThat(fixture.profile("c1").getCustomEvents()).hasSize(5);
        assertThat(fixture.changes.readValuesToList()).filteredOn(change -> change.getKind() == ChangeKind.SEGMENT)
            .extracting(SegmentChange::getSegmentId, SegmentChange::getChange, SegmentChange::getCauseEventId)
            .containsExactly(tuple("frequent-support", ChangeType.ENTERED, "t3"));

        // t2 (20 days old) leaves the 30-day window 10 days from now: the profile exits without a new event.
        fixture.driver.advanceWallClockTime(Duration.ofDays(10).plusMinutes(1));
        assertThat(fixture.profile("c1").getComputedTraits()).containsEntry("tickets_30d", 1L);
        assertThat(fixture.changes.readValuesToList()).filteredOn(change -> change.getKind() == ChangeKind.SEGMENT)
            .extracting(SegmentChange::getSegmentId, SegmentChange::getChange, SegmentChange::getCauseEventId)
            .containsExactly(tuple("frequent-support", ChangeType.EXITED, SegmentChanges.CAUSE_TIME));
    }

    @Test
    void shouldComputeATraitDefinedAfterItsEventsFromTheRetainedOnes() {
        send(event("e1", "survey_answered", 5).setCustomerId("c1").setProperties(Map.of("score", "9")).build());
        send(event("e2", "survey_answered", 4).setCustomerId("c1").setProperties(Map.of("score", "7")).build());
        send(event("e3", "survey_answered", 3).setCustomerId("c2").setProperties(Map.of("score", "7")).build());
        assertThat(fixture.profile("c1").getComputedTraits()).isEmpty();

        trait("last_score", "survey_answered", "last", "score", null);
        trait("scores", "survey_answered", "distinct_count", "score", null);
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(2));

        assertThat(fixture.profile("c1").getComputedTraits()).containsExactlyInAnyOrderEntriesOf(Map.of(
            "last_score", "7", "scores", 2L));
        assertThat(fixture.profile("c2").getComputedTraits()).containsExactlyInAnyOrderEntriesOf(Map.of(
            "last_score", "7", "scores", 1L));

        traits.pipeInput("scores", (TraitDefinition) null);
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(4));
        assertThat(fixture.profile("c1").getComputedTraits()).containsOnlyKeys("last_score");
    }

    @Test
    void shouldResolveAnonymousEventsThroughIdentityAndMergeThemIntoTheCustomer() {
        trait("views", "video_watched", "count", null, null);
        send(event("v1", "video_watched", 3).setAnonymousId("a1").build());
        assertThat(fixture.profile("anon:a1").getComputedTraits()).containsEntry("views", 1L);

        fixture.clicks.pipeInput("a1", click("l1", "a1", ClickType.LOGIN, WALL_CLOCK.minus(Duration.ofDays(2)))
            .setCustomerId("c9").build());
        send(event("v2", "video_watched", 1).setAnonymousId("a1").build());
        send(event("v3", "video_watched", 1).setCustomerId("c9").setAnonymousId("other").build());

        assertThat(fixture.profile("anon:a1")).isNull();
        assertThat(fixture.profile("c9").getComputedTraits()).containsEntry("views", 3L);
        assertThat(fixture.profile("c9").getCustomEvents()).extracting(e -> e.getEventId())
            .containsExactly("v1", "v2", "v3");
    }

    @Test
    void shouldSendInvalidCustomEventsToTheDeadLetterQueue() {
        custom.pipeInput("c1", event("x1", "ticket", 1).setCustomerId("c2").build());
        custom.pipeInput("c1", event("x2", " ", 1).setCustomerId("c1").build());
        custom.pipeInput("c1", event("x3", "ticket", 1).setCustomerId("c1")
            .setMetrics(Map.of("minutes", Double.NaN)).build());
        custom.pipeInput("a1", event("x4", "ticket", 1).build());
        assertThat(fixture.dlq.readRecordsToList()).hasSize(4);
        assertThat(fixture.profile("c1")).isNull();
    }

    @Test
    void shouldForgetCustomEventsAndTraitsOnErasure() {
        trait("n", "ticket", "count", null, null);
        send(event("t1", "ticket", 1).setCustomerId("c1").build());
        assertThat(fixture.profile("c1").getComputedTraits()).containsEntry("n", 1L);
        fixture.erasures.pipeInput("c1", TestEvents.erasure("c1", WALL_CLOCK));
        assertThat(fixture.profile("c1")).isNull();
    }
}
