package io.profilestream.topology;

import static io.profilestream.topology.TestEvents.click;
import static io.profilestream.topology.TestEvents.email;
import static io.profilestream.topology.TestEvents.order;
import static io.profilestream.topology.TopologyFixture.START;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.profilestream.config.EngineSettings;
import io.profilestream.config.Topics;
import io.profilestream.domain.Journey;
import io.profilestream.domain.ProfileAggregator;
import io.profilestream.domain.Profiles;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.CustomerTraits;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.EmailEventType;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.internal.IdentityCommand;
import io.profilestream.internal.IdentityCommandType;
import io.profilestream.internal.LinkStatus;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.IdentityAction;
import io.profilestream.profile.IdentityEvent;
import io.profilestream.serde.RegistryAvroSerde;

class IdentityTopologyTest {

    private TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static Instant at(final long minutes) {
        return START.plus(Duration.ofMinutes(minutes));
    }

    @Test
    void shouldMergeAnonymousBrowsingIntoTheCustomerAtLogin() {
        fixture.clicks.pipeInput("a1", click("e1", "a1", ClickType.PAGE_VIEW, at(1)).build());
        fixture.clicks.pipeInput("a1", click("e2", "a1", ClickType.PRODUCT_VIEW, at(2)).setCategory("outdoor").build());
        fixture.purchases.pipeInput("c1", order("p1", "c1", at(3), 2_500));
        fixture.updates.readRecordsToList();

        fixture.clicks.pipeInput("a1", login("e3", "a1", "c1", at(4)));

        assertThat(fixture.profile("anon:a1")).isNull();
        final CustomerProfile customer = fixture.profile("c1");
        assertThat(customer.getBehaviour().getPageViews()).isEqualTo(1);
        assertThat(customer.getBehaviour().getProductViews()).isEqualTo(1);
        assertThat(customer.getBehaviour().getLogins()).isEqualTo(1);
        assertThat(customer.getBehaviour().getSessions()).isEqualTo(1);
        assertThat(customer.getTransactions().getOrders()).isEqualTo(1);
        assertThat(customer.getIdentity().getAnonymousIds()).containsExactly("a1");
        assertThat(customer.getIdentity().getFirstSeen()).isEqualTo(at(1));
        assertThat(customer.getIdentity().getVersion()).isEqualTo(4);
        assertThat(customer.getIdentity().getMerges()).isEqualTo(1);

        final List<TestRecord<String, CustomerProfile>> updates = fixture.updates.readRecordsToList();
        assertThat(updates).anySatisfy(update -> {
            assertThat(update.key()).isEqualTo("anon:a1");
            assertThat(update.value()).isNull();
            assertThat(cause(update)).isEqualTo("merge");
        });
        assertThat(updates).filteredOn(update -> "c1".equals(update.key()) && "merge".equals(cause(update)))
            .hasSize(1);

        final List<IdentityEvent> audit = fixture.identityEvents.readValuesToList();
        assertThat(audit).extracting(IdentityEvent::getAction)
            .containsExactly(IdentityAction.LINKED, IdentityAction.MERGED);
        assertThat(audit).allSatisfy(event -> {
            assertThat(event.getAnonymousId()).isEqualTo("a1");
            assertThat(event.getCustomerId()).isEqualTo("c1");
            assertThat(event.getCauseEventId()).isEqualTo("e3");
            assertThat(event.getEventTime()).isEqualTo(at(4));
        });
        assertThat(audit.get(1).getMergedEvents()).isEqualTo(2);
        assertThat(fixture.link("a1").getStatus()).isEqualTo(LinkStatus.LINKED);
        assertThat(fixture.link("a1").getCustomerId()).isEqualTo("c1");
        assertThat(fixture.counter("profilestream.identity.changes", "action", "linked")).isEqualTo(1.0);
        assertThat(fixture.counter("profilestream.identity.changes", "action", "merged")).isEqualTo(1.0);
        assertThat(fixture.meters.find("profilestream.identity.merge.latency").timer().count()).isEqualTo(1);
    }

    @Test
    void shouldSendClicksAfterTheLinkToTheCustomer() {
        fixture.clicks.pipeInput("a1", login("e1", "a1", "c1", at(1)));
        fixture.clicks.pipeInput("a1", click("e2", "a1", ClickType.PAGE_VIEW, at(2)).build());
        fixture.clicks.pipeInput("a1", click("e3", "a1", ClickType.SEARCH, at(3)).build());

        assertThat(fixture.profile("anon:a1")).isNull();
        assertThat(fixture.profile("c1").getBehaviour().getPageViews()).isEqualTo(1);
        assertThat(fixture.profile("c1").getBehaviour().getSearches()).isEqualTo(1);
        assertThat(fixture.identityEvents.readValuesToList()).extracting(IdentityEvent::getAction)
            .containsExactly(IdentityAction.LINKED);
    }

    @Test
    void shouldForwardEachClickInTheBytesItWasReadIn() {
        final TestOutputTopic<String, byte[]> profileEvents = fixture.driver.createOutputTopic(
            fixture.topics.profileEvents(), new StringDeserializer(), new ByteArrayDeserializer());
        final ClickEvent view = click("e2", "a1", ClickType.PAGE_VIEW, at(2)).build();
        fixture.clicks.pipeInput("a1", login("e1", "a1", "c1", at(1)));
        fixture.clicks.pipeInput("a1", view);

        final byte[] read = fixture.serdes.click().serialize(fixture.topics.clickstream(), view);
        assertThat(profileEvents.readRecordsToList()).filteredOn(record -> record.key().equals("c1"))
            .extracting(TestRecord::value).anySatisfy(value -> assertThat(value).isEqualTo(read));
        assertThat(fixture.profile("c1").getBehaviour().getPageViews()).isEqualTo(1);
    }

    @Test
    void shouldApplyADuplicateOnceWhetherItArrivesBeforeOrAfterTheLink() {
        final ClickEvent view = click("e1", "a1", ClickType.PAGE_VIEW, at(1)).build();
        fixture.clicks.pipeInput("a1", view);
        fixture.clicks.pipeInput("a1", view);
        fixture.clicks.pipeInput("a1", login("e2", "a1", "c1", at(2)));
        fixture.clicks.pipeInput("a1", view);
        fixture.clicks.pipeInput("a1", login("e2", "a1", "c1", at(2)));

        final CustomerProfile customer = fixture.profile("c1");
        assertThat(customer.getBehaviour().getPageViews()).isEqualTo(1);
        assertThat(customer.getBehaviour().getLogins()).isEqualTo(1);
        assertThat(customer.getIdentity().getVersion()).isEqualTo(2);
        assertThat(fixture.counter("profilestream.events", "topic", "clickstream-events", "outcome", "duplicate"))
            .isEqualTo(3.0);
        // Click ids are remembered once, by the resolver under the anonymous id; the processor remembers the merge.
        final List<String> byProfile = new ArrayList<>();
        try (WindowStoreIterator<Long> byAnonymousId = fixture.driver.<String, Long>getWindowStore(Stores.CLICK_DEDUP)
                 .fetch(DedupWindow.key("a1", "e1"), 0L, Long.MAX_VALUE);
             KeyValueIterator<Windowed<String>, Long> all = fixture.driver.<String, Long>getWindowStore(
                 Stores.EVENT_DEDUP).all()) {
            assertThat(byAnonymousId.hasNext()).isTrue();
            all.forEachRemaining(entry -> byProfile.add(entry.key.key()));
        }
        assertThat(byProfile).containsExactlyInAnyOrder(DedupWindow.SENTINEL, DedupWindow.key("c1", "merge:a1:e2"));
    }

    @Test
    void shouldBuildTheProfileOfOneStreamWhateverTheArrivalOrder() {
        // Journeys span 20 days of event time: remember event ids for longer, so every duplicate is caught.
        restart(Map.of("dedup.retention.ms", Long.toString(Duration.ofDays(60).toMillis())));
        final Random random = new Random(6L);
        final ProfileAggregator aggregator = EngineSettings.from(fixture.config).aggregator();
        for (int run = 0; run < 12; run++) {
            final Journey journey = Journey.random(random, "c" + run, "a" + run);
            final List<SpecificRecord> arrivals = journey.shuffled(random);
            final List<SpecificRecord> withDuplicates = new ArrayList<>(arrivals);
            for (int i = 0; i < 5; i++) {
                withDuplicates.add(random.nextInt(withDuplicates.size() + 1),
                    arrivals.get(random.nextInt(arrivals.size())));
            }
            withDuplicates.forEach(this::pipe);

            final CustomerProfile oneStream = ProfileAggregator.newProfile(journey.customerId());
            journey.shuffled(random).forEach(event -> apply(aggregator, oneStream, event));
            Profiles.assertSameFacts(fixture.profile(journey.customerId()), oneStream);
            assertThat(fixture.profile("anon:" + journey.anonymousId())).isNull();
        }
    }

    @Test
    void shouldKeepTwoDevicesOfOneCustomerInOneProfile() {
        fixture.clicks.pipeInput("phone", click("e1", "phone", ClickType.PAGE_VIEW, at(1)).build());
        fixture.clicks.pipeInput("phone", login("e2", "phone", "c1", at(2)));
        fixture.clicks.pipeInput("laptop", click("e3", "laptop", ClickType.SEARCH, at(3)).build());
        fixture.clicks.pipeInput("laptop", login("e4", "laptop", "c1", at(4)));
        fixture.clicks.pipeInput("laptop", click("e5", "laptop", ClickType.PAGE_VIEW, at(5)).build());

        final CustomerProfile customer = fixture.profile("c1");
        assertThat(customer.getIdentity().getAnonymousIds()).containsExactlyInAnyOrder("phone", "laptop");
        assertThat(customer.getIdentity().getMerges()).isEqualTo(2);
        assertThat(customer.getBehaviour().getPageViews()).isEqualTo(2);
        assertThat(customer.getBehaviour().getSearches()).isEqualTo(1);
        assertThat(customer.getBehaviour().getLogins()).isEqualTo(2);
        assertThat(customer.getBehaviour().getSessions()).isEqualTo(2);
        assertThat(fixture.profile("anon:phone")).isNull();
        assertThat(fixture.profile("anon:laptop")).isNull();
    }

    @Test
    void shouldRelinkASharedDeviceToTheLatestLoginWithoutMergingCustomers() {
        fixture.clicks.pipeInput("tablet", click("e1", "tablet", ClickType.PAGE_VIEW, at(1)).build());
        fixture.clicks.pipeInput("tablet", login("e2", "tablet", "c1", at(2)));
        fixture.purchases.pipeInput("c2", order("p1", "c2", at(3), 1_000));
        fixture.clicks.pipeInput("tablet", login("e3", "tablet", "c2", at(4)));
        fixture.clicks.pipeInput("tablet", click("e4", "tablet", ClickType.SEARCH, at(5)).build());

        final CustomerProfile first = fixture.profile("c1");
        final CustomerProfile second = fixture.profile("c2");
        assertThat(first.getBehaviour().getPageViews()).isEqualTo(1);
        assertThat(first.getBehaviour().getSearches()).isZero();
        assertThat(first.getTransactions().getOrders()).isZero();
        assertThat(second.getBehaviour().getPageViews()).isZero();
        assertThat(second.getBehaviour().getSearches()).isEqualTo(1);
        assertThat(second.getBehaviour().getLogins()).isEqualTo(1);
        assertThat(second.getTransactions().getOrders()).isEqualTo(1);
        assertThat(second.getIdentity().getMerges()).isZero();
        assertThat(fixture.link("tablet").getCustomerId()).isEqualTo("c2");
        assertThat(fixture.link("tablet").getCustomers()).containsExactly("c1", "c2");
        assertThat(fixture.counter("profilestream.identity.changes", "action", "relinked")).isEqualTo(1.0);
    }

    @Test
    void shouldReportEveryChangeOfASharedDeviceInTheAuditTrail() {
        fixture.clicks.pipeInput("tablet", click("e1", "tablet", ClickType.PAGE_VIEW, at(1)).build());
        fixture.clicks.pipeInput("tablet", login("e2", "tablet", "c1", at(2)));
        fixture.clicks.pipeInput("tablet", login("e3", "tablet", "c2", at(3)));

        final List<TestRecord<String, IdentityEvent>> audit = fixture.identityEvents.readRecordsToList();
        assertThat(audit).extracting(TestRecord::key).containsExactly("c1", "c1", "c2");
        assertThat(audit).extracting(record -> record.value().getAction())
            .containsExactly(IdentityAction.LINKED, IdentityAction.MERGED, IdentityAction.RELINKED);
        final IdentityEvent relink = audit.get(2).value();
        assertThat(relink.getPreviousCustomerId()).isEqualTo("c1");
        assertThat(relink.getCauseEventId()).isEqualTo("e3");
        assertThat(audit).extracting(record -> record.value().getEventId()).doesNotHaveDuplicates();
    }

    @Test
    void shouldQuarantineAnIdSeenWithTooManyCustomers() {
        restart(Map.of("identity.quarantine.max.customers", "2"));
        fixture.clicks.pipeInput("kiosk", click("e1", "kiosk", ClickType.PAGE_VIEW, at(1)).build());
        fixture.clicks.pipeInput("kiosk", login("e2", "kiosk", "c1", at(2)));
        fixture.clicks.pipeInput("kiosk", login("e3", "kiosk", "c2", at(3)));
        fixture.clicks.pipeInput("kiosk", login("e4", "kiosk", "c3", at(4)));
        fixture.clicks.pipeInput("kiosk", click("e5", "kiosk", ClickType.SEARCH, at(5)).build());
        fixture.clicks.pipeInput("kiosk", login("e6", "kiosk", "c4", at(6)));

        assertThat(fixture.link("kiosk").getStatus()).isEqualTo(LinkStatus.QUARANTINED);
        assertThat(fixture.link("kiosk").getQuarantineReason()).isEqualTo("too-many-customers");
        assertThat(fixture.profile("c3").getBehaviour().getLogins()).isEqualTo(1);
        assertThat(fixture.profile("c3").getBehaviour().getPageViews()).isZero();
        assertThat(fixture.profile("c4").getBehaviour().getLogins()).isEqualTo(1);
        assertThat(fixture.profile("anon:kiosk").getBehaviour().getSearches()).isEqualTo(1);
        assertThat(fixture.profile("c2").getBehaviour().getSearches()).isZero();
        final List<TestRecord<String, IdentityEvent>> audit = fixture.identityEvents.readRecordsToList();
        assertThat(audit).extracting(record -> record.value().getAction()).containsExactly(IdentityAction.LINKED,
            IdentityAction.MERGED, IdentityAction.RELINKED, IdentityAction.QUARANTINED);
        assertThat(audit.get(3).key()).isEqualTo("c3");
        assertThat(audit.get(3).value().getReason()).isEqualTo("too-many-customers");
        assertThat(fixture.counter("profilestream.identity.changes", "action", "quarantined")).isEqualTo(1.0);
    }

    @Test
    void shouldQuarantineABotIdWithTooManyEventsAndNeverMergeIt() {
        restart(Map.of("identity.quarantine.max.events", "5"));
        for (int i = 0; i < 8; i++) {
            fixture.clicks.pipeInput("bot", click("e" + i, "bot", ClickType.PRODUCT_VIEW, at(i)).build());
        }
        fixture.clicks.pipeInput("bot", login("login", "bot", "c1", at(10)));
        fixture.clicks.pipeInput("bot", click("after", "bot", ClickType.PAGE_VIEW, at(11)).build());

        assertThat(fixture.link("bot").getStatus()).isEqualTo(LinkStatus.QUARANTINED);
        assertThat(fixture.profile("anon:bot").getBehaviour().getProductViews()).isEqualTo(8);
        assertThat(fixture.profile("anon:bot").getBehaviour().getPageViews()).isEqualTo(1);
        assertThat(fixture.profile("c1").getBehaviour().getProductViews()).isZero();
        assertThat(fixture.profile("c1").getBehaviour().getLogins()).isEqualTo(1);
        assertThat(fixture.profile("c1").getIdentity().getMerges()).isZero();
        final List<TestRecord<String, IdentityEvent>> audit = fixture.identityEvents.readRecordsToList();
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).key()).isEqualTo("anon:bot");
        assertThat(audit.get(0).value().getAction()).isEqualTo(IdentityAction.QUARANTINED);
        assertThat(audit.get(0).value().getReason()).isEqualTo("too-many-events");
    }

    @Test
    void shouldMergeIntoACustomerKnownFromTraitsAndKeepTheirTraits() {
        fixture.traits.pipeInput("c1", CustomerTraits.newBuilder().setCustomerId("c1").setUpdatedAt(at(0))
            .setCountry("NL").setBirthYear(1990).setEmailConsent(false).build());
        fixture.clicks.pipeInput("a1", click("e1", "a1", ClickType.PAGE_VIEW, at(1)).setCountry("DE").build());
        fixture.clicks.pipeInput("a1", login("e2", "a1", "c1", at(2)));

        final CustomerProfile customer = fixture.profile("c1");
        assertThat(customer.getDemographics().getCountry()).isEqualTo("NL");
        assertThat(customer.getDemographics().getLocationSource()).isEqualTo("crm");
        assertThat(customer.getDemographics().getAgeBand()).isEqualTo("35-44");
        assertThat(customer.getBehaviour().getLastCountry()).isEqualTo("DE");
        assertThat(customer.getEmail().getSubscribed()).isFalse();
        assertThat(customer.getConsent().getEmail()).isFalse();
        assertThat(customer.getBehaviour().getPageViews()).isEqualTo(1);
    }

    @Test
    void shouldUnlinkEveryAnonymousIdOfAnErasedCustomer() {
        restart(Map.of("identity.max.anonymous.ids", "1"));
        fixture.clicks.pipeInput("a1", click("e1", "a1", ClickType.PAGE_VIEW, at(1)).build());
        fixture.clicks.pipeInput("a1", login("e2", "a1", "c1", at(2)));
        fixture.clicks.pipeInput("a2", login("e3", "a2", "c1", at(3)));
        fixture.clicks.pipeInput("shared", login("e4", "shared", "c1", at(4)));
        fixture.clicks.pipeInput("shared", login("e5", "shared", "c2", at(5)));
        assertThat(fixture.profile("c1").getIdentity().getAnonymousIds()).hasSize(1);
        fixture.identityEvents.readRecordsToList();

        fixture.erasures.pipeInput("c1", TestEvents.erasure("c1", at(6)));

        assertThat(fixture.profile("c1")).isNull();
        assertThat(fixture.link("a1")).isNull();
        assertThat(fixture.link("a2")).isNull();
        assertThat(fixture.link("shared").getCustomerId()).isEqualTo("c2");
        assertThat(fixture.link("shared").getCustomers()).containsExactly("c2");
        final List<TestRecord<String, IdentityEvent>> audit = fixture.identityEvents.readRecordsToList();
        assertThat(audit).extracting(TestRecord::key).containsOnly("c1");
        assertThat(audit).extracting(record -> record.value().getAction()).containsOnly(IdentityAction.UNLINKED);
        assertThat(audit).extracting(record -> record.value().getAnonymousId()).containsExactlyInAnyOrder("a1", "a2");
        assertThat(audit).allSatisfy(record -> {
            assertThat(record.value().getCauseEventId()).isEqualTo("erase-c1");
            assertThat(record.value().getReason()).isEqualTo("erasure");
        });

        fixture.clicks.pipeInput("a1", click("e1", "a1", ClickType.PAGE_VIEW, at(7)).build());
        assertThat(fixture.profile("c1")).isNull();
        assertThat(fixture.profile("anon:a1").getBehaviour().getPageViews())
            .as("the erased customer's click ids are forgotten too").isEqualTo(1);
        assertThat(fixture.counter("profilestream.identity.changes", "action", "unlinked")).isEqualTo(2.0);
    }

    @Test
    void shouldApplyWhatAnEarlierVersionLeftOnItsOwnTopics() {
        fixture.clicks.pipeInput("a1", login("e1", "a1", "c1", at(1)));
        // Before identity-commands became the identity task's inbox, it carried plain commands, and re-routed clicks
        // travelled on rerouted-clicks: records written then are still in those topics after an upgrade. The plain
        // command's schema is registered first, as the earlier version did.
        final RegistryAvroSerde<IdentityCommand> plainCommands = new RegistryAvroSerde<>(fixture.registry,
            IdentityCommand.class, Integer.MAX_VALUE);
        fixture.driver.createInputTopic(fixture.topics.identityCommands(), new StringSerializer(),
                plainCommands.serializer())
            .pipeInput("a1", IdentityCommand.newBuilder().setAction(IdentityCommandType.UNLINK).setAnonymousId("a1")
                .setCustomerId("c1").setCauseEventId("erase-c1").setEventTime(at(2)).build());
        assertThat(fixture.link("a1")).isNull();
        assertThat(fixture.counter("profilestream.identity.changes", "action", "unlinked")).isEqualTo(1.0);

        final RegistryAvroSerde<ClickEvent> plainClicks = new RegistryAvroSerde<>(fixture.registry, ClickEvent.class,
            Integer.MAX_VALUE);
        fixture.driver.createInputTopic(fixture.topics.reroutedClicks(), new StringSerializer(),
                plainClicks.serializer())
            .pipeInput("a1", click("e3", "a1", ClickType.PAGE_VIEW, at(3)).build());
        assertThat(fixture.profile("anon:a1").getBehaviour().getPageViews())
            .as("the re-routed click reached the resolver, which found no link any more").isEqualTo(1);
    }

    @Test
    void shouldLoopMovedProfilesBackIntoTheProfileEventsTopic() {
        final EngineSettings settings = EngineSettings.from(fixture.config);
        final Topics topics = settings.topics();
        final TopologyDescription description = ProfileTopology.build(settings, fixture.serdes,
            new EngineMetrics(new SimpleMeterRegistry())).describe();

        assertThat(topics.profileEvents()).isEqualTo(fixture.config.get("application.id") + "-profile-events");
        assertThat(description.toString()).doesNotContain("KSTREAM-", "KTABLE-", "-repartition");
        assertThat(description.subtopologies().stream()
            .collect(Collectors.toMap(TopologyDescription.Subtopology::id, IdentityTopologyTest::sources)))
            .as("each sub-topology is one task per partition, reading only these topics; the ids name tasks and their "
                + "state directories, so they are those of earlier versions")
            .containsExactlyInAnyOrderEntriesOf(Map.of(
                5, Set.of(topics.clickstream(), topics.identityCommands()),
                6, Set.of(topics.customerTraits(), topics.erasure(), topics.customEvents(), topics.reroutedClicks()),
                7, Set.of(topics.profileEvents(), topics.purchases(), topics.email())));
        assertThat(description.subtopologies().stream().map(IdentityTopologyTest::sinks))
            .as("the resolver, the relay and the profile processor all write into the topic the processor reads")
            .allSatisfy(sinks -> assertThat(sinks).contains(topics.profileEvents()));
        assertThat(description.subtopologies().stream().flatMap(s -> s.nodes().stream())
            .filter(node -> node.name().equals(ProfileTopology.PROFILE_PROCESSOR))
            .flatMap(node -> node.successors().stream()).map(TopologyDescription.Node::name))
            .containsExactlyInAnyOrder(Outputs.MOVED_PROFILES, Outputs.MERGE_IDENTITY_EVENTS,
                Outputs.IDENTITY_COMMANDS, Outputs.PROFILE_UPDATES, Outputs.SEGMENT_CHANGES, Outputs.CO_PURCHASE);
    }

    private static Set<String> sources(final TopologyDescription.Subtopology subtopology) {
        return subtopology.nodes().stream()
            .filter(TopologyDescription.Source.class::isInstance)
            .flatMap(node -> ((TopologyDescription.Source) node).topicSet().stream())
            .collect(Collectors.toSet());
    }

    private static Set<String> sinks(final TopologyDescription.Subtopology subtopology) {
        return subtopology.nodes().stream()
            .filter(TopologyDescription.Sink.class::isInstance)
            .map(node -> ((TopologyDescription.Sink) node).topic())
            .collect(Collectors.toSet());
    }

    private void restart(final Map<String, String> overrides) {
        fixture.close();
        fixture = new TopologyFixture(overrides, null);
    }

    private void pipe(final SpecificRecord event) {
        if (event instanceof ClickEvent click) {
            fixture.clicks.pipeInput(click.getAnonymousId(), click);
        } else if (event instanceof PurchaseEvent purchase) {
            fixture.purchases.pipeInput(purchase.getCustomerId(), purchase);
        } else if (event instanceof EmailEvent email) {
            fixture.emails.pipeInput(email.getCustomerId(), email);
        } else {
            final CustomerTraits traits = (CustomerTraits) event;
            fixture.traits.pipeInput(traits.getCustomerId(), traits);
        }
    }

    private static void apply(final ProfileAggregator aggregator,
                              final CustomerProfile profile,
                              final SpecificRecord event) {
        final Instant now = TopologyFixture.WALL_CLOCK;
        if (event instanceof ClickEvent click) {
            aggregator.apply(profile, click, now);
        } else if (event instanceof PurchaseEvent purchase) {
            aggregator.apply(profile, purchase, now);
        } else if (event instanceof EmailEvent email) {
            aggregator.apply(profile, email, now);
        } else {
            aggregator.apply(profile, (CustomerTraits) event, now);
        }
    }

    private static ClickEvent login(final String eventId,
                                    final String anonymousId,
                                    final String customerId,
                                    final Instant time) {
        return click(eventId, anonymousId, ClickType.LOGIN, time).setCustomerId(customerId).build();
    }

    private static String cause(final TestRecord<String, ?> record) {
        final Header header = record.headers().lastHeader(IdentityEvents.CAUSE_HEADER);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
