package io.profilestream.topology;

import static io.profilestream.topology.TestEvents.click;
import static io.profilestream.topology.TestEvents.email;
import static io.profilestream.topology.TestEvents.erasure;
import static io.profilestream.topology.TestEvents.order;
import static io.profilestream.topology.TopologyFixture.START;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.profilestream.domain.ProfileAggregator;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.CustomerTraits;
import io.profilestream.events.EmailEventType;
import io.profilestream.identity.EmailHasher;
import io.profilestream.internal.ProfileMerge;
import io.profilestream.profile.ChangeType;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.DefinitionKind;
import io.profilestream.profile.SegmentChange;
import io.profilestream.profile.SegmentDefinition;
import io.profilestream.testing.TraceScan;

/**
 * After an erasure no state store keeps the customer's id, anonymous ids or email hash, and profile-updates ends each
 * of their keys with a tombstone: the profile, dedup ids, links, schedule entries, memberships, backfill cursors and
 * profiles still moving towards the customer. ErasureTraceIT scans a real cluster's stores and changelogs too.
 */
class ErasureTraceTest {

    private static final String SALT = "trace-salt";
    private static final String CUSTOMER = "cust-erased";
    private static final String PHONE = "phone-erased";
    private static final String LAPTOP = "laptop-erased";
    private static final String EMAIL = "erased@example.com";

    private TopologyFixture fixture = new TopologyFixture(Map.of("identity.email.hash.salt", SALT), null);

    @AfterEach
    void close() {
        fixture.close();
    }

    private static Instant at(final long minutes) {
        return START.plus(Duration.ofMinutes(minutes));
    }

    private void define(final String id, final String expression) {
        final TestInputTopic<String, SegmentDefinition> definitions = fixture.driver.createInputTopic(
            fixture.topics.segmentDefinitions(), new StringSerializer(), fixture.serdes.segmentDefinition().serializer());
        definitions.pipeInput(id, SegmentDefinition.newBuilder().setId(id).setName(id).setKind(DefinitionKind.SEGMENT)
            .setExpression(expression).setVersion(1).setUpdatedAt(START).build());
    }

    private static ClickEvent login(final String eventId, final String anonymousId, final Instant time) {
        return click(eventId, anonymousId, ClickType.LOGIN, time).setCustomerId(CUSTOMER).build();
    }

    @Test
    void shouldLeaveNoTraceOfAnErasedCustomerInAnyStore() {
        fixture.purchases.pipeInput("a-kept", order("k1", "a-kept", at(0), 2_000));
        fixture.clicks.pipeInput(PHONE, click("e1", PHONE, ClickType.PAGE_VIEW, at(1)).build());
        fixture.clicks.pipeInput(PHONE, login("e2", PHONE, at(2)));
        fixture.clicks.pipeInput(LAPTOP, login("e3", LAPTOP, at(3)));
        fixture.traits.pipeInput(CUSTOMER, CustomerTraits.newBuilder().setCustomerId(CUSTOMER).setUpdatedAt(at(4))
            .setEventId("t1").setEmail(EMAIL).setCity("Utrecht").build());
        fixture.purchases.pipeInput(CUSTOMER, order("p1", CUSTOMER, at(5), 3_000));
        fixture.emails.pipeInput(CUSTOMER, email("m1", CUSTOMER, EmailEventType.OPENED, at(6)));
        define("buyers", "profile.transactions.orders >= 1");
        // The catalogue is read at most once a second and backfilled on the punctuator, which ends on the last
        // profile id: the customer's.
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(5));
        final String emailHash = EmailHasher.withSalt(SALT).hash(EMAIL);
        assertThat(fixture.profile(CUSTOMER).getIdentity().getEmailHash()).isEqualTo(emailHash);
        assertThat(fixture.profile(CUSTOMER).getSegments()).containsExactly("buyers");
        final TraceScan scan = new TraceScan(List.of(CUSTOMER, PHONE, LAPTOP, emailHash));
        assertThat(traces(scan)).as("the customer is in the stores before the erasure").isNotEmpty();

        fixture.erasures.pipeInput(CUSTOMER, erasure(CUSTOMER, at(7)));
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(5));

        assertThat(traces(scan)).isEmpty();
        assertThat(fixture.profile("a-kept").getSegments()).containsExactly("buyers");
        final Map<String, CustomerProfile> latest = new HashMap<>();
        fixture.updates.readRecordsToList().forEach(update -> latest.put(update.key(), update.value()));
        assertThat(latest).containsEntry(CUSTOMER, null).containsEntry("anon:" + PHONE, null);
        latest.forEach((key, profile) -> assertThat(scan.mentions(key) && profile != null || scan.mentions(profile))
            .as("latest profile-updates record of %s", key).isFalse());
    }

    @Test
    void shouldMoveARunningBackfillCursorOffAnErasedProfile() {
        fixture.close();
        fixture = new TopologyFixture(Map.of("lifecycle.reevaluation.batch.size", "2"), null);
        IntStream.range(0, 6).forEach(i -> fixture.purchases.pipeInput("c" + i, order("p" + i, "c" + i, at(i), 100)));
        fixture.changes.readRecordsToList();
        define("buyers", "profile.transactions.orders >= 1");
        final KeyValueStore<String, String> backfills = fixture.driver.getKeyValueStore(Stores.SEGMENT_BACKFILL);
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(Backfill.parse(backfills.get("buyers")).cursor()).isEqualTo("c1");

        fixture.erasures.pipeInput("c1", erasure("c1", at(10)));

        assertThat(Backfill.parse(backfills.get("buyers")).cursor()).isEqualTo("c0");
        // The driver punctuates once per advance.
        IntStream.range(0, 3).forEach(i -> fixture.driver.advanceWallClockTime(Duration.ofSeconds(1)));
        final Backfill done = Backfill.parse(backfills.get("buyers"));
        assertThat(done.state()).isEqualTo(Backfill.State.DONE);
        assertThat(done.cursor()).as("a finished backfill keeps no profile id").isEmpty();
        final List<String> entered = new ArrayList<>();
        fixture.changes.readValuesToList().stream()
            .filter(change -> "buyers".equals(change.getSegmentId()) && change.getChange() == ChangeType.ENTERED)
            .map(SegmentChange::getCustomerId).forEach(entered::add);
        assertThat(entered).as("every profile entered once, none twice").containsExactlyInAnyOrder(
            "c0", "c1", "c2", "c3", "c4", "c5");
    }

    @Test
    void shouldNotLetAProfileMovingTowardsAnErasedCustomerBringItBack() {
        fixture.clicks.pipeInput(PHONE, login("e1", PHONE, at(1)));
        fixture.erasures.pipeInput(CUSTOMER, erasure(CUSTOMER, at(2)));
        final CustomerProfile moving = ProfileAggregator.newProfile("anon:" + PHONE);
        moving.getIdentity().setAnonymousIds(List.of(PHONE));
        final TestInputTopic<String, SpecificRecord> profileEvents = fixture.driver.createInputTopic(
            fixture.topics.profileEvents(), new StringSerializer(), fixture.serdes.profileEvent().serializer());

        profileEvents.pipeInput(new TestRecord<>(CUSTOMER, ProfileMerge.newBuilder().setAnonymousId(PHONE)
            .setCustomerId(CUSTOMER).setCauseEventId("e0").setEventTime(at(0)).setRequestedAt(at(1))
            .setProfile(moving).build(), at(3)));

        assertThat(fixture.profile(CUSTOMER)).isNull();
        assertThat(traces(new TraceScan(List.of(CUSTOMER, PHONE)))).isEmpty();
        assertThat(fixture.counter("profilestream.events", "topic", fixture.topics.profileEvents(), "outcome",
            "erased")).isEqualTo(1.0);
    }

    /** Every entry of every state store of the topology that mentions one of the scan's ids. */
    private List<String> traces(final TraceScan scan) {
        final List<String> found = new ArrayList<>();
        fixture.driver.getAllStateStores().forEach((name, store) -> found.addAll(scan.store(name, store)));
        return found;
    }
}
