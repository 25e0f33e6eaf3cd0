package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.profilestream.config.EngineSettings;
import io.profilestream.domain.Journey;
import io.profilestream.domain.ProfileAggregator;
import io.profilestream.domain.Profiles;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.CustomerTraits;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.ErasureRequest;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.http.ApiServer;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.IdentityAction;
import io.profilestream.profile.IdentityEvent;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;
import io.profilestream.testing.TestNamespace;

/**
 * Identity resolution end to end on an in-process broker with exactly-once processing: anonymous browsing, the login
 * and the customer's own events produced concurrently on different partitions end up as the one profile the same
 * events build for the known customer alone, readable by the customer id and by the anonymous id, with the audit trail
 * on {@code identity-events}; an erasure then removes the links.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class IdentityResolutionIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int PARTITIONS = 2;

    private EngineHarness harness;

    @BeforeEach
    void start(final KafkaCluster cluster,
               final TestNamespace namespace) {
        harness = new EngineHarness(cluster, namespace, Map.of("topics.partitions", Integer.toString(PARTITIONS),
            "dedup.retention.ms", Long.toString(Duration.ofDays(60).toMillis())));
        harness.startApp();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void shouldMergeConcurrentAnonymousBrowsingLoginAndPurchasesIntoOneProfile() throws Exception {
        final String anonymousId = anonymousIdOnAnotherPartitionThan("c-it");
        final Journey journey = Journey.random(new Random(42), "c-it", anonymousId);
        final List<ClickEvent> device = new ArrayList<>(journey.anonymous());
        device.add(journey.login());
        final List<SpecificRecord> customer = journey.customer();
        final ExecutorService producers = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture.allOf(
                CompletableFuture.runAsync(() -> device.forEach(this::send), producers),
                CompletableFuture.runAsync(() -> customer.forEach(this::send), producers)).get();
        } finally {
            producers.shutdown();
        }
        final ProfileAggregator aggregator = EngineSettings.from(harness.config).aggregator();
        final CustomerProfile expected = ProfileAggregator.newProfile("c-it");
        journey.shuffled(new Random(7)).forEach(event -> apply(aggregator, expected, event));

        await().atMost(WAIT).untilAsserted(() -> {
            final HttpResponse<String> response = harness.get("/api/v1/profiles/c-it");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(harness.json(response.body()).at("/identity/version").asLong())
                .isEqualTo(expected.getIdentity().getVersion());
        });
        Profiles.assertSameFacts(latestProfile("c-it"), expected);
        final JsonNode served = harness.json(harness.get("/api/v1/profiles/c-it").body());
        assertThat(served.at("/transactions/orders").asLong()).isEqualTo(expected.getTransactions().getOrders());
        assertThat(served.at("/behaviour/pageViews").asLong()).isEqualTo(expected.getBehaviour().getPageViews());
        assertThat(served.at("/identity/merges").asLong()).isEqualTo(1);

        for (final String id : List.of(anonymousId, "anon:" + anonymousId)) {
            final HttpResponse<String> byAnonymousId = harness.get("/api/v1/profiles/" + id);
            assertThat(byAnonymousId.statusCode()).isEqualTo(200);
            assertThat(byAnonymousId.headers().firstValue(ApiServer.RESOLVED_FROM_HEADER)).hasValue(id);
            assertThat(byAnonymousId.headers().firstValue(ApiServer.RESOLVED_TO_HEADER)).hasValue("c-it");
            assertThat(harness.json(byAnonymousId.body()).at("/profileId").asText()).isEqualTo("c-it");
        }
        final JsonNode link = harness.json(harness.get("/api/v1/identities/" + anonymousId).body());
        assertThat(link.at("/status").asText()).isEqualTo("LINKED");
        assertThat(link.at("/customerId").asText()).isEqualTo("c-it");

        final List<IdentityEvent> audit = identityEvents();
        assertThat(audit).filteredOn(event -> anonymousId.equals(event.getAnonymousId()))
            .extracting(IdentityEvent::getAction)
            .containsExactly(IdentityAction.LINKED, IdentityAction.MERGED);
        assertThat(audit).allSatisfy(event -> assertThat(event.getCustomerId()).isEqualTo("c-it"));
        // The anonymous profile may have been created and merged between two commits, and then never published;
        // if it was published, its last record must retract it.
        harness.readAll(harness.topics.profileUpdates()).stream()
            .filter(record -> ("anon:" + anonymousId).equals(record.key()))
            .reduce((a, b) -> b)
            .ifPresent(last -> assertThat(last.value()).as("last profile-updates record of the merged anonymous profile")
                .isNull());
        assertThat(harness.get("/metrics").body())
            .contains("profilestream_identity_changes_total{action=\"merged\"} 1.0")
            .contains("profilestream_identity_merge_latency_seconds_count 1");

        harness.send(harness.topics.erasure(), "c-it", harness.serdes.erasure().serialize(harness.topics.erasure(),
            ErasureRequest.newBuilder().setRequestId("forget-c-it").setCustomerId("c-it")
                .setRequestedAt(Instant.now()).build()));

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(harness.get("/api/v1/identities/" + anonymousId).statusCode()).isEqualTo(404);
            assertThat(harness.get("/api/v1/profiles/" + anonymousId).statusCode()).isEqualTo(404);
            assertThat(harness.get("/api/v1/profiles/c-it").statusCode()).isEqualTo(404);
        });
        assertThat(identityEvents()).filteredOn(event -> event.getAction() == IdentityAction.UNLINKED)
            .extracting(IdentityEvent::getAnonymousId)
            .contains(anonymousId);
    }

    private List<IdentityEvent> identityEvents() {
        final List<IdentityEvent> events = new ArrayList<>();
        for (final ConsumerRecord<String, byte[]> record : harness.readAll(harness.topics.identityEvents())) {
            final IdentityEvent event = harness.serdes.identityEvent().deserialize(record.value());
            assertThat(record.key()).isEqualTo(event.getCustomerId());
            events.add(event);
        }
        return events;
    }

    private CustomerProfile latestProfile(final String key) {
        return harness.readAll(harness.topics.profileUpdates()).stream()
            .filter(r -> key.equals(r.key()) && r.value() != null)
            .reduce((a, b) -> b)
            .map(r -> harness.serdes.profile().deserialize(r.value()))
            .orElseThrow();
    }

    /**
     * An anonymous id whose clicks, and whose anonymous profile, live on another partition than the customer's.
     */
    private static String anonymousIdOnAnotherPartitionThan(final String customerId) {
        for (int i = 0; ; i++) {
            final String candidate = "a-it-" + i;
            if (partition(candidate) != partition(customerId) && partition("anon:" + candidate) != partition(
                customerId)) {
                return candidate;
            }
        }
    }

    private static int partition(final String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private void send(final SpecificRecord event) {
        if (event instanceof ClickEvent click) {
            harness.send(harness.topics.clickstream(), click.getAnonymousId(),
                harness.serdes.click().serialize(harness.topics.clickstream(), click));
        } else if (event instanceof PurchaseEvent purchase) {
            harness.send(harness.topics.purchases(), purchase.getCustomerId(),
                harness.serdes.purchase().serialize(harness.topics.purchases(), purchase));
        } else if (event instanceof EmailEvent email) {
            harness.send(harness.topics.email(), email.getCustomerId(),
                harness.serdes.email().serialize(harness.topics.email(), email));
        } else {
            final CustomerTraits traits = (CustomerTraits) event;
            harness.send(harness.topics.customerTraits(), traits.getCustomerId(),
                harness.serdes.traits().serialize(harness.topics.customerTraits(), traits));
        }
    }

    private static void apply(final ProfileAggregator aggregator,
                              final CustomerProfile profile,
                              final SpecificRecord event) {
        final Instant now = Instant.now();
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
}
