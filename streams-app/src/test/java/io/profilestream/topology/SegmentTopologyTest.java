package io.profilestream.topology;

import static io.profilestream.topology.TestEvents.order;
import static io.profilestream.topology.TestEvents.refund;
import static io.profilestream.topology.TopologyFixture.WALL_CLOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.profilestream.domain.Holdout;
import io.profilestream.profile.ChangeKind;
import io.profilestream.profile.ChangeType;
import io.profilestream.profile.DefinitionKind;
import io.profilestream.profile.SegmentChange;
import io.profilestream.profile.SegmentDefinition;

/**
 * Segments and personas on {@code segment-changes}: enter and exit, backfill, definition changes and deletion.
 */
class SegmentTopologyTest {

    private final TopologyFixture fixture = new TopologyFixture();
    private final TestInputTopic<String, SegmentDefinition> definitions = fixture.driver.createInputTopic(
        fixture.topics.segmentDefinitions(), new StringSerializer(), fixture.serdes.segmentDefinition().serializer());

    @AfterEach
    void close() {
        fixture.close();
    }

    private static Instant daysBefore(final long days) {
        return WALL_CLOCK.minus(Duration.ofDays(days));
    }

    private void define(final String id, final DefinitionKind kind, final String expression, final long version,
                        final int priority) {
        definitions.pipeInput(id, SegmentDefinition.newBuilder().setId(id).setName(id).setKind(kind)
            .setExpression(expression).setVersion(version).setPriority(priority).setUpdatedAt(WALL_CLOCK).build());
        // The processor re-reads the catalogue at most once a second, and backfills on the punctuator.
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(11));
    }

    private List<SegmentChange> segmentChanges() {
        return fixture.changes.readValuesToList().stream()
            .filter(change -> change.getKind() != ChangeKind.LIFECYCLE)
            .collect(Collectors.toList());
    }

    @Test
    void shouldEnterAndExitOnlyWhenMembershipChanges() {
        define("big-spenders", DefinitionKind.SEGMENT, "profile.transactions.revenueMinor >= 5000", 1, 0);
        fixture.purchases.pipeInput("c1", order("p1", "c1", daysBefore(3), 3_000));
        fixture.purchases.pipeInput("c1", order("p2", "c1", daysBefore(2), 3_000));
        fixture.purchases.pipeInput("c1", order("p3", "c1", daysBefore(1), 3_000));
        fixture.purchases.pipeInput("c1", refund("r1", "c1", daysBefore(1), 6_000));

        assertThat(segmentChanges()).extracting(SegmentChange::getSegmentId, SegmentChange::getChange,
                SegmentChange::getCauseEventId, SegmentChange::getDefinitionVersion)
            .containsExactly(tuple("big-spenders", ChangeType.ENTERED, "p2", 1L),
                tuple("big-spenders", ChangeType.EXITED, "r1", 1L));
        assertThat(fixture.profile("c1").getSegments()).isEmpty();
    }

    @Test
    void shouldExitATimeRuleWhenItsThresholdPassesWithoutHourlyChecks() {
        define("recent-buyers", DefinitionKind.SEGMENT, "has(profile.transactions.lastPurchaseAt)"
            + " && daysSince(profile.transactions.lastPurchaseAt) <= 3", 1, 0);
        final Instant bought = WALL_CLOCK.minus(Duration.ofHours(12));
        fixture.purchases.pipeInput("c1", order("p1", "c1", bought, 3_000));
        assertThat(segmentChanges()).extracting(SegmentChange::getSegmentId, SegmentChange::getChange)
            .containsExactly(tuple("recent-buyers", ChangeType.ENTERED));
        final double before = fixture.counter("profilestream.reevaluations");

        // The rule flips three days after the purchase, 60 hours from now. 59 hours pass, an hour at a time: the rule
        // cannot change before its threshold, so the profile is not re-evaluated every hour.
        for (int hour = 0; hour < 59; hour++) {
            fixture.driver.advanceWallClockTime(Duration.ofHours(1));
        }
        assertThat(segmentChanges()).isEmpty();
        assertThat(fixture.counter("profilestream.reevaluations") - before).isLessThan(10.0);

        fixture.driver.advanceWallClockTime(Duration.ofHours(1));
        assertThat(segmentChanges()).extracting(SegmentChange::getSegmentId, SegmentChange::getChange,
                SegmentChange::getCauseEventId)
            .containsExactly(tuple("recent-buyers", ChangeType.EXITED, SegmentChanges.CAUSE_TIME));
    }

    @Test
    void shouldFlagHoldoutMembersOnSegmentChangesAndRememberTheirEntry() {
        definitions.pipeInput("spenders", SegmentDefinition.newBuilder().setId("spenders").setName("s")
            .setKind(DefinitionKind.SEGMENT).setExpression("profile.transactions.orders >= 1").setHoldoutPercent(30)
            .setUpdatedAt(WALL_CLOCK).build());
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(11));
        for (int i = 0; i < 200; i++) {
            fixture.purchases.pipeInput("c" + i, order("p" + i, "c" + i, daysBefore(1), 2_500));
        }
        final List<SegmentChange> changes = segmentChanges();
        assertThat(changes).hasSize(200).allSatisfy(change -> assertThat(change.getHoldout())
            .isEqualTo(Holdout.isHeldOut("spenders", change.getCustomerId(), 30)));
        assertThat(changes.stream().filter(SegmentChange::getHoldout).count()).isBetween(35L, 85L);

        final KeyValueStore<String, byte[]> members = fixture.driver.getKeyValueStore(Stores.SEGMENT_MEMBERS);
        final SegmentMembers.Entry entry = SegmentMembers.Entry.of(members.get("spenders" + Stores.KEY_SEPARATOR
            + "c7"));
        final SegmentChange entered = changes.stream().filter(change -> "c7".equals(change.getCustomerId()))
            .findFirst().orElseThrow();
        assertThat(entry).isEqualTo(new SegmentMembers.Entry(entered.getEventTime().toEpochMilli(), 1, 2_500));
    }

    @Test
    void shouldBackfillANewDefinitionAndRefillAChangedOne() {
        for (int i = 0; i < 30; i++) {
            fixture.purchases.pipeInput("c" + i, order("p" + i, "c" + i, daysBefore(1), 1_000L * i));
        }
        fixture.changes.readValuesToList();

        define("big-spenders", DefinitionKind.SEGMENT, "profile.transactions.revenueMinor >= 20000", 1, 0);
        List<SegmentChange> changes = segmentChanges();
        assertThat(changes).hasSize(10).allSatisfy(change -> {
            assertThat(change.getChange()).isEqualTo(ChangeType.ENTERED);
            assertThat(change.getCauseEventId()).isEqualTo("backfill");
        });
        assertThat(fixture.profile("c25").getSegments()).containsExactly("big-spenders");

        define("big-spenders", DefinitionKind.SEGMENT, "profile.transactions.revenueMinor >= 25000", 2, 0);
        changes = segmentChanges();
        assertThat(changes).extracting(SegmentChange::getCustomerId).containsExactlyInAnyOrder(
            "c20", "c21", "c22", "c23", "c24");
        assertThat(changes).allSatisfy(change -> {
            assertThat(change.getChange()).isEqualTo(ChangeType.EXITED);
            assertThat(change.getDefinitionVersion()).isEqualTo(2L);
        });
        assertThat(fixture.counter("profilestream.segment.backfilled")).isEqualTo(60.0);
    }

    @Test
    void shouldNotBackfillADefinitionThatArrivedBeforeAnyProfile() {
        definitions.pipeInput("buyers", SegmentDefinition.newBuilder().setId("buyers").setName("buyers")
            .setKind(DefinitionKind.SEGMENT).setExpression("profile.transactions.orders > 0").setVersion(1)
            .setUpdatedAt(WALL_CLOCK).build());
        for (int i = 0; i < 50; i++) {
            fixture.purchases.pipeInput("c" + i, order("p" + i, "c" + i, daysBefore(1), 1_000));
        }
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(11));

        assertThat(segmentChanges()).hasSize(50).allSatisfy(change ->
            assertThat(change.getCauseEventId()).isEqualTo("p" + change.getCustomerId().substring(1)));
        assertThat(fixture.counter("profilestream.segment.backfilled")).isZero();
        final KeyValueStore<String, String> backfills = fixture.driver.getKeyValueStore(Stores.SEGMENT_BACKFILL);
        assertThat(Backfill.parse(backfills.get("buyers")).state()).isEqualTo(Backfill.State.DONE);
    }

    @Test
    void shouldExitEveryMemberOfADeletedDefinition() {
        define("buyers", DefinitionKind.SEGMENT, "profile.transactions.orders > 0", 1, 0);
        fixture.purchases.pipeInput("c1", order("p1", "c1", daysBefore(1), 1_000));
        fixture.purchases.pipeInput("c2", order("p2", "c2", daysBefore(1), 1_000));
        assertThat(segmentChanges()).hasSize(2);

        definitions.pipeInput("buyers", (SegmentDefinition) null);
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(11));

        assertThat(segmentChanges()).extracting(SegmentChange::getCustomerId, SegmentChange::getChange)
            .containsExactlyInAnyOrder(tuple("c1", ChangeType.EXITED), tuple("c2", ChangeType.EXITED));
        assertThat(fixture.profile("c1").getSegments()).isEmpty();
    }

    @Test
    void shouldGiveAProfileAtMostOnePersonaInPriorityOrder() {
        define("refunder", DefinitionKind.PERSONA, "profile.transactions.refunds > 0", 1, 1);
        define("shopper", DefinitionKind.PERSONA, "profile.transactions.orders > 0", 1, 2);
        fixture.purchases.pipeInput("c1", order("p1", "c1", daysBefore(2), 1_000));
        fixture.purchases.pipeInput("c1", refund("r1", "c1", daysBefore(1), 1_000));

        assertThat(segmentChanges()).extracting(SegmentChange::getKind, SegmentChange::getSegmentId,
                SegmentChange::getChange)
            .containsExactly(tuple(ChangeKind.PERSONA, "shopper", ChangeType.ENTERED),
                tuple(ChangeKind.PERSONA, "shopper", ChangeType.EXITED),
                tuple(ChangeKind.PERSONA, "refunder", ChangeType.ENTERED));
        assertThat(fixture.profile("c1").getPersona()).isEqualTo("refunder");
    }

    @Test
    void shouldCountARuleThatFailsForAProfileAsNotAMember() {
        define("ratio", DefinitionKind.SEGMENT, "profile.transactions.orders / profile.transactions.refunds > 1", 1,
            0);
        fixture.purchases.pipeInput("c1", order("p1", "c1", daysBefore(1), 1_000));

        assertThat(segmentChanges()).isEmpty();
        assertThat(fixture.profile("c1").getSegments()).isEmpty();
        assertThat(fixture.counter("profilestream.segment.rule.errors", "segment", "ratio")).isPositive();
    }

    @Test
    void shouldSwapADefinitionWhileEventsFlow() {
        define("active", DefinitionKind.SEGMENT, "profile.transactions.orders >= 1", 1, 0);
        fixture.purchases.pipeInput("c1", order("p1", "c1", daysBefore(3), 1_000));
        define("active", DefinitionKind.SEGMENT, "profile.transactions.orders >= 2", 2, 0);
        fixture.purchases.pipeInput("c1", order("p2", "c1", daysBefore(2), 1_000));

        assertThat(segmentChanges()).extracting(SegmentChange::getChange, SegmentChange::getCauseEventId,
                SegmentChange::getDefinitionVersion)
            .containsExactly(tuple(ChangeType.ENTERED, "p1", 1L), tuple(ChangeType.EXITED, "backfill", 2L),
                tuple(ChangeType.ENTERED, "p2", 2L));
    }
}
