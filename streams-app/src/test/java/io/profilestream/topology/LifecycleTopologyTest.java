package io.profilestream.topology;

import static io.profilestream.topology.TestEvents.order;
import static io.profilestream.topology.TopologyFixture.WALL_CLOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.profilestream.domain.ProfileAggregator;
import io.profilestream.events.ClickType;
import io.profilestream.events.EmailEventType;
import io.profilestream.models.BgNbd;
import io.profilestream.models.BgNbdParameters;
import io.profilestream.profile.ChangeKind;
import io.profilestream.profile.ChangeType;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.LifecycleStage;
import io.profilestream.profile.ModelParameters;
import io.profilestream.profile.SegmentChange;

/**
 * Lifecycle stages on {@code segment-changes}: after events, and when time passes with no event.
 */
class LifecycleTopologyTest {

    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static Instant daysBefore(final long days) {
        return WALL_CLOCK.minus(Duration.ofDays(days));
    }

    @Test
    void shouldEnterLeadThenNewWithTheCausingEvent() {
        fixture.clicks.pipeInput("a1", TestEvents.click("e1", "a1", ClickType.SIGN_UP, daysBefore(1))
            .setCustomerId("c1").build());
        fixture.purchases.pipeInput("c1", order("p1", "c1", daysBefore(1), 1_000));

        final List<SegmentChange> changes = fixture.changes.readValuesToList();
        assertThat(changes).extracting(SegmentChange::getSegmentId, SegmentChange::getChange,
                SegmentChange::getCauseEventId)
            .containsExactly(
                tuple("LEAD", ChangeType.ENTERED, "e1"),
                tuple("LEAD", ChangeType.EXITED, "p1"),
                tuple("NEW", ChangeType.ENTERED, "p1"));
        assertThat(changes).allSatisfy(change -> {
            assertThat(change.getKind()).isEqualTo(ChangeKind.LIFECYCLE);
            assertThat(change.getCustomerId()).isEqualTo("c1");
        });
        assertThat(changes.get(2).getChurnRisk()).isNotNull();
        final CustomerProfile profile = fixture.profile("c1");
        assertThat(profile.getLifecycleStage()).isEqualTo(LifecycleStage.NEW);
        assertThat(profile.getScores().getPAlive()).isEqualTo(1.0);
        assertThat(profile.getScores().getExpectedPurchases()).isPositive();
        // One order: Gamma-Gamma expects the population mean, p gamma / (q - 1) with the configured defaults.
        assertThat(profile.getScores().getExpectedOrderValue())
            .isCloseTo(6.25 * 1544 / 2.74, within(1e-6));
        assertThat(profile.getScores().getClv()).isPositive();
        assertThat(profile.getScores().getRfm().getFrequency()).isBetween(1, 5);
        assertThat(profile.getReevaluateAt()).isAfter(WALL_CLOCK);
    }

    @Test
    void shouldNeverEmitTheSameStageTwice() {
        fixture.purchases.pipeInput("c1", order("p1", "c1", daysBefore(3), 1_000));
        fixture.purchases.pipeInput("c1", order("p2", "c1", daysBefore(2), 1_000));
        fixture.purchases.pipeInput("c1", order("p3", "c1", daysBefore(1), 1_000));
        assertThat(fixture.changes.readValuesToList()).extracting(SegmentChange::getSegmentId)
            .containsExactly("NEW");
    }

    @Test
    void shouldMoveAQuietCustomerToAtRiskAndChurnedWithNoNewEventAtTheRightTime() {
        for (int i = 0; i < 6; i++) {
            fixture.purchases.pipeInput("c1", order("p" + i, "c1", daysBefore(60 - 10 * i), 1_000));
        }
        assertThat(fixture.profile("c1").getLifecycleStage()).isEqualTo(LifecycleStage.LOYAL);
        fixture.changes.readValuesToList();

        final Instant atRiskDue = fixture.profile("c1").getReevaluateAt();
        assertThat(atRiskDue).isAfter(WALL_CLOCK);
        fixture.driver.advanceWallClockTime(Duration.between(WALL_CLOCK, atRiskDue).minusMinutes(2));
        assertThat(fixture.changes.isEmpty()).isTrue();

        fixture.driver.advanceWallClockTime(Duration.ofMinutes(3));
        final List<SegmentChange> atRisk = fixture.changes.readValuesToList();
        assertThat(atRisk).extracting(SegmentChange::getSegmentId, SegmentChange::getChange)
            .containsExactly(tuple("LOYAL", ChangeType.EXITED),
                tuple("AT_RISK", ChangeType.ENTERED));
        assertThat(atRisk).allSatisfy(change -> assertThat(change.getCauseEventId()).isEqualTo("time"));
        assertThat(atRisk.get(1).getChurnRisk()).isGreaterThanOrEqualTo(0.6);
        assertThat(fixture.profile("c1").getScores().getChurnRisk()).isGreaterThanOrEqualTo(0.6);

        final Instant churnDue = fixture.profile("c1").getReevaluateAt();
        fixture.driver.advanceWallClockTime(Duration.between(atRiskDue.plusSeconds(60), churnDue).plusMinutes(1));
        assertThat(fixture.changes.readValuesToList()).extracting(SegmentChange::getSegmentId)
            .containsExactly("AT_RISK", "CHURNED");
        // Churned: the stage holds until a purchase, the scores are refreshed a week later.
        assertThat(fixture.profile("c1").getReevaluateAt()).isAfter(churnDue.plus(Duration.ofDays(6)));

        fixture.purchases.pipeInput("c1", order("back", "c1", churnDue, 1_000));
        assertThat(fixture.changes.readValuesToList()).extracting(SegmentChange::getSegmentId)
            .containsExactly("CHURNED", "REACTIVATED");
    }

    @Test
    void shouldPublishWhatTimeChangedBeforeTheEventThatReachesADueProfileFirst() {
        try (TopologyFixture replay = new TopologyFixture(Map.of("time.mode", "event-time"), null)) {
            final Instant atRiskDue = loyalCustomer(replay);
            final double reevaluated = replay.counter("profilestream.reevaluations");

            // Stream time jumps past the due time with this event: the punctuation has not run yet.
            replay.emails.pipeInput("c1", TestEvents.email("m1", "c1", EmailEventType.OPENED,
                atRiskDue.plus(Duration.ofDays(1))));

            final List<SegmentChange> lifecycle = replay.changes.readValuesToList().stream()
                .filter(change -> change.getKind() == ChangeKind.LIFECYCLE).collect(Collectors.toList());
            assertThat(lifecycle).extracting(SegmentChange::getSegmentId, SegmentChange::getChange,
                    SegmentChange::getCauseEventId, SegmentChange::getEventTime)
                .containsExactly(tuple("LOYAL", ChangeType.EXITED, SegmentChanges.CAUSE_TIME, atRiskDue),
                    tuple("AT_RISK", ChangeType.ENTERED, SegmentChanges.CAUSE_TIME, atRiskDue));
            assertThat(replay.profile("c1").getEmail().getOpens()).isEqualTo(1);
            assertThat(replay.counter("profilestream.reevaluations")).isEqualTo(reevaluated + 1);
        }
    }

    @Test
    void shouldReevaluateOnTheWallClockAsOfStreamTimeInEventTimeMode() {
        try (TopologyFixture replay = new TopologyFixture(Map.of("time.mode", "event-time"), null)) {
            final Instant atRiskDue = loyalCustomer(replay);

            // Another customer's order moves stream time past c1's due time: no punctuation on stream time.
            replay.purchases.pipeInput("c2", order("q1", "c2", atRiskDue.plus(Duration.ofDays(1)), 1_000));
            replay.changes.readValuesToList();
            assertThat(replay.counter("profilestream.reevaluation.punctuations")).isZero();

            replay.driver.advanceWallClockTime(Duration.ofSeconds(1));
            assertThat(replay.changes.readValuesToList()).extracting(SegmentChange::getCustomerId,
                    SegmentChange::getSegmentId, SegmentChange::getCauseEventId, SegmentChange::getEventTime)
                .containsExactly(tuple("c1", "LOYAL", SegmentChanges.CAUSE_TIME, atRiskDue),
                    tuple("c1", "AT_RISK", SegmentChanges.CAUSE_TIME, atRiskDue));
            assertThat(replay.counter("profilestream.reevaluation.punctuations")).isEqualTo(1.0);
        }
    }

    /** Six monthly-ish orders in event time; returns when the customer, now LOYAL, falls due (AT_RISK). */
    @Test
    void shouldReevaluateAtItsDueTimeAProfileWhoseEntryCameUpAtTheStartOfItsHour() {
        for (int i = 0; i < 6; i++) {
            fixture.purchases.pipeInput("c1", order("p" + i, "c1",
                daysBefore(60 - 10 * i).plus(Duration.ofMinutes(30)), 1_000));
        }
        fixture.changes.readValuesToList();
        final Instant due = fixture.profile("c1").getReevaluateAt();
        final Instant hour = due.truncatedTo(ChronoUnit.HOURS);
        assertThat(Duration.between(hour, due)).isGreaterThan(Duration.ofMinutes(5));
        final KeyValueStore<Bytes, byte[]> schedule = fixture.driver.getKeyValueStore(Stores.REEVALUATION_SCHEDULE);
        assertThat(schedule.get(ReevaluationSchedule.key(hour.toEpochMilli(), "c1"))).isNotNull();

        fixture.driver.advanceWallClockTime(Duration.between(WALL_CLOCK, hour).plusMinutes(1));

        assertThat(fixture.changes.isEmpty()).isTrue();
        assertThat(fixture.counter("profilestream.reevaluations")).isZero();
        assertThat(schedule.get(ReevaluationSchedule.key(hour.toEpochMilli(), "c1"))).isNull();
        assertThat(schedule.get(ReevaluationSchedule.key(due.toEpochMilli(), "c1"))).isNotNull();

        fixture.driver.advanceWallClockTime(Duration.between(hour.plus(Duration.ofMinutes(1)), due).plusSeconds(2));

        assertThat(fixture.changes.readValuesToList())
            .extracting(SegmentChange::getSegmentId, SegmentChange::getCauseEventId, SegmentChange::getEventTime)
            .containsExactly(tuple("LOYAL", "time", due), tuple("AT_RISK", "time", due));
        assertThat(fixture.counter("profilestream.reevaluations")).isEqualTo(1.0);
    }

    private static Instant loyalCustomer(final TopologyFixture replay) {
        final Instant start = Instant.parse("2025-01-01T00:00:00Z");
        for (int i = 0; i < 6; i++) {
            replay.purchases.pipeInput("c1", order("p" + i, "c1", start.plus(Duration.ofDays(10L * i)), 1_000));
        }
        assertThat(replay.profile("c1").getLifecycleStage()).isEqualTo(LifecycleStage.LOYAL);
        replay.changes.readValuesToList();
        return replay.profile("c1").getReevaluateAt();
    }

    @Test
    void shouldExitTheStageOfAnErasedCustomer() {
        fixture.purchases.pipeInput("c1", order("p1", "c1", daysBefore(1), 1_000));
        fixture.changes.readValuesToList();
        fixture.erasures.pipeInput("c1", TestEvents.erasure("c1", daysBefore(0)));
        assertThat(fixture.changes.readValuesToList()).extracting(SegmentChange::getSegmentId, SegmentChange::getChange)
            .containsExactly(tuple("NEW", ChangeType.EXITED));
        assertThat(fixture.driver.<Bytes, byte[]>getKeyValueStore(Stores.REEVALUATION_SCHEDULE).approximateNumEntries())
            .isZero();
    }

    @Test
    void shouldScoreWithPublishedParametersOnceTheyArrive() {
        fixture.purchases.pipeInput("c1", order("p1", "c1", daysBefore(200), 1_000));
        fixture.purchases.pipeInput("c1", order("p2", "c1", daysBefore(100), 1_000));
        final double withDefaults = fixture.profile("c1").getScores().getPAlive();

        final TestInputTopic<String, ModelParameters> parameters = fixture.driver.createInputTopic(
            fixture.topics.modelParameters(), new StringSerializer(), fixture.serdes.modelParameters().serializer());
        parameters.pipeInput("bgnbd", ModelParameters.newBuilder()
            .setModel("bgnbd")
            .setParameters(Map.of("r", 0.243, "alpha", 4.414, "a", 0.793, "b", 0.01))
            .setTimeUnit("weeks")
            .setFittedAt(WALL_CLOCK)
            .build());
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(2));
        fixture.purchases.pipeInput("c1", order("p3", "c1", daysBefore(50), 1_000));

        final double withPublished = fixture.profile("c1").getScores().getPAlive();
        final BgNbd expected = new BgNbd(new BgNbdParameters(0.243, 4.414 * 7, 0.793, 0.01));
        // Purchase days count from the start of their UTC day.
        final double t = Duration.between(daysBefore(200).truncatedTo(ChronoUnit.DAYS),
            WALL_CLOCK.plusSeconds(2)).toMillis() / 86_400_000.0;
        assertThat(withPublished).isCloseTo(expected.probabilityAlive(2, 150, t), within(1e-9));
        assertThat(withPublished).isLessThan(withDefaults);
    }

    @Test
    void shouldTouchOnlyTheDueProfilesWhenTimePasses() {
        final KeyValueStore<String, CustomerProfile> profiles = fixture.profiles();
        final KeyValueStore<Bytes, byte[]> schedule = fixture.driver.getKeyValueStore(Stores.REEVALUATION_SCHEDULE);
        final Instant later = WALL_CLOCK.plus(Duration.ofDays(365));
        final Instant soon = WALL_CLOCK.plusSeconds(5);
        for (int i = 0; i < 100_000; i++) {
            final boolean due = i % 1_000 == 0;
            final CustomerProfile profile = ProfileAggregator.newProfile("c" + i);
            profile.setReevaluateAt(due ? soon : later);
            if (due) {
                profiles.put(profile.getProfileId(), profile);
            }
            schedule.put(ReevaluationSchedule.key(profile.getReevaluateAt().toEpochMilli(), profile.getProfileId()),
                new byte[0]);
        }

        fixture.driver.advanceWallClockTime(Duration.ofSeconds(10));

        assertThat(fixture.counter("profilestream.reevaluations")).isEqualTo(100.0);
        assertThat(fixture.counter("profilestream.reevaluation.punctuations")).isEqualTo(1.0);
        final List<String> stages = fixture.changes.readValuesToList().stream()
            .map(SegmentChange::getSegmentId).distinct().collect(Collectors.toList());
        assertThat(stages).containsExactly("LEAD");
    }
}
