package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.profilestream.domain.Holdout;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.CustomEvent;
import io.profilestream.events.Device;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.http.ApiKeyGuard;
import io.profilestream.profile.ChangeType;
import io.profilestream.profile.SegmentChange;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;
import io.profilestream.testing.TestNamespace;

/**
 * The segment catalogue over HTTP on a real broker: a definition added while events flow is backfilled, members
 * enter and exit on {@code segment-changes}, and the endpoints answer as the HTTP contract says.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class SegmentApiIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String KEY = "it-key";
    private static final String READ_KEY = "it-read-key";

    private EngineHarness harness;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start(final KafkaCluster cluster,
               final TestNamespace namespace) {
        harness = new EngineHarness(cluster, namespace, Map.of("api.key", KEY, "api.read.key", READ_KEY,
            "segments.default.catalogue", "false",
            "lifecycle.reevaluation.interval.ms", "500", "segments.snapshot.check.interval.ms", "1000"));
        harness.startApp();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void shouldManageSegmentsOverHttpAndPublishTheirChanges() throws Exception {
        for (int i = 0; i < 20; i++) {
            order("p" + i, "c" + i, 1_000L * i);
        }
        // Every purchase is applied before the definition exists, so its members can only enter by backfill.
        await().atMost(WAIT).until(() -> IntStream.range(0, 20)
            .allMatch(i -> harness.get("/api/v1/profiles/c" + i).statusCode() == 200));

        assertThat(send("PUT", "/api/v1/segments/big", "{\"name\":\"Big\",\"kind\":\"SEGMENT\","
            + "\"expression\":\"profile.transactions.revenueMinor >= 15000\"}", null).statusCode()).isEqualTo(401);
        assertThat(send("PUT", "/api/v1/segments/big", "{}", "wrong").statusCode()).isEqualTo(401);
        assertThat(send("PUT", "/api/v1/segments/big", "{\"name\":\"Big\",\"kind\":\"SEGMENT\","
            + "\"expression\":\"true\"}", READ_KEY).statusCode()).isEqualTo(403);
        final HttpResponse<String> invalid = send("PUT", "/api/v1/segments/big", "{\"name\":\"Big\","
            + "\"kind\":\"SEGMENT\",\"expression\":\"profile.transactions.ordrs > 1\"}", KEY);
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(harness.json(invalid.body()).at("/position/column").asInt()).isPositive();

        final HttpResponse<String> created = send("PUT", "/api/v1/segments/big", "{\"name\":\"Big\","
            + "\"kind\":\"SEGMENT\",\"expression\":\"profile.transactions.revenueMinor >= 15000\"}", KEY);
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(harness.json(created.body()).path("version").asLong()).isEqualTo(1);

        final HttpResponse<String> preview = send("POST", "/api/v1/segments/preview",
            "{\"expression\":\"profile.transactions.revenueMinor >= 18000\"}", READ_KEY);
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(harness.json(preview.body()).path("size").asLong()).isEqualTo(2);

        await().atMost(WAIT).untilAsserted(() -> {
            final JsonNode segment = harness.json(harness.get("/api/v1/segments").body()).at("/segments/0");
            assertThat(segment.path("id").asText()).isEqualTo("big");
            assertThat(segment.path("size").asLong()).isEqualTo(5);
            assertThat(segment.at("/backfill/state").asText()).isEqualTo("DONE");
        });
        final JsonNode firstPage = harness.json(harness.get("/api/v1/segments/big/members?limit=3").body());
        assertThat(firstPage.path("members")).hasSize(3);
        final JsonNode secondPage = harness.json(harness.get("/api/v1/segments/big/members?limit=3&cursor="
            + firstPage.path("nextCursor").asText()).body());
        assertThat(secondPage.path("members")).hasSize(2);
        assertThat(secondPage.path("nextCursor").isNull()).isTrue();

        order("late", "c1", 20_000);
        await().atMost(WAIT).until(() -> changes().stream()
            .anyMatch(change -> "late".equals(change.getCauseEventId())));

        assertThat(send("DELETE", "/api/v1/segments/big", null, KEY).statusCode()).isEqualTo(204);
        await().atMost(WAIT).untilAsserted(() -> assertThat(changes().stream()
            .filter(change -> change.getChange() == ChangeType.EXITED).count()).isEqualTo(6));
        final List<SegmentChange> entered = changes().stream()
            .filter(change -> change.getChange() == ChangeType.ENTERED).collect(Collectors.toList());
        assertThat(entered).extracting(SegmentChange::getCustomerId)
            .containsExactlyInAnyOrder("c15", "c16", "c17", "c18", "c19", "c1");
        assertThat(entered).filteredOn(change -> !"c1".equals(change.getCustomerId()))
            .allSatisfy(change -> assertThat(change.getCauseEventId()).isEqualTo("backfill"));
    }

    @Test
    void shouldManageComputedTraitsOverHttpAndComputeThemFromCustomEvents() throws Exception {
        final String body = "{\"event\":\"points_earned\",\"aggregation\":\"sum\",\"property\":\"points\","
            + "\"windowDays\":30}";
        assertThat(send("PUT", "/api/v1/traits/points_30d", body, READ_KEY).statusCode()).isEqualTo(403);
        assertThat(send("PUT", "/api/v1/traits/points_30d", "{\"event\":\"points_earned\","
            + "\"aggregation\":\"median\"}", KEY).statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/api/v1/traits/points_30d", "{\"event\":\"points_earned\","
            + "\"aggregation\":\"sum\"}", KEY).statusCode()).isEqualTo(400);
        final HttpResponse<String> created = send("PUT", "/api/v1/traits/points_30d", body, KEY);
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(harness.json(created.body()).path("version").asLong()).isEqualTo(1);
        await().atMost(WAIT).until(() -> harness.json(harness.get("/api/v1/traits").body()).path("traits").size() == 1);

        final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        custom("e1", "c1", now.minus(Duration.ofDays(40)), 100.0);
        custom("e2", "c1", now.minus(Duration.ofDays(2)), 25.5);
        custom("e3", "c1", now.minus(Duration.ofDays(1)), 4.5);
        await().atMost(WAIT).untilAsserted(() -> assertThat(harness.json(harness.get("/api/v1/profiles/c1").body())
            .at("/computedTraits/points_30d").asDouble()).isEqualTo(30.0));

        assertThat(send("DELETE", "/api/v1/traits/points_30d", null, KEY).statusCode()).isEqualTo(204);
        await().atMost(WAIT).untilAsserted(() -> assertThat(harness.json(harness.get("/api/v1/profiles/c1").body())
            .path("computedTraits").size()).isZero());
        assertThat(send("DELETE", "/api/v1/traits/points_30d", null, KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldExportEverythingHeldAboutAPersonAndListHoldoutMembersApart() throws Exception {
        assertThat(send("PUT", "/api/v1/segments/buyers", "{\"name\":\"Buyers\",\"kind\":\"SEGMENT\","
            + "\"expression\":\"profile.transactions.orders >= 1\",\"holdoutPercent\":60}", KEY).statusCode())
            .isEqualTo(400);
        assertThat(send("PUT", "/api/v1/segments/buyers", "{\"name\":\"Buyers\",\"kind\":\"SEGMENT\","
            + "\"expression\":\"profile.transactions.orders >= 1\",\"holdoutPercent\":50}", KEY).statusCode())
            .isEqualTo(200);
        final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (final String anonymousId : List.of("a1", "a2")) {
            final ClickEvent login = ClickEvent.newBuilder().setEventId("login-" + anonymousId)
                .setAnonymousId(anonymousId).setCustomerId("c1").setSessionId("s-" + anonymousId)
                .setType(ClickType.LOGIN).setTimestamp(now).setChannel("direct").setDevice(Device.DESKTOP).build();
            harness.send(harness.topics.clickstream(), anonymousId,
                harness.serdes.click().serialize(harness.topics.clickstream(), login));
        }
        for (int i = 0; i < 12; i++) {
            order("p" + i, "c" + i, 1_000);
        }
        custom("e1", "c1", now, 7.0);
        await().atMost(WAIT).untilAsserted(() -> {
            final JsonNode profile = harness.json(harness.get("/api/v1/profiles/c1").body());
            assertThat(profile.at("/identity/anonymousIds")).hasSize(2);
            assertThat(profile.path("segments").toString()).contains("buyers");
            assertThat(profile.path("customEvents")).hasSize(1);
        });

        assertThat(send("GET", "/api/v1/profiles/c1/export", null, READ_KEY).statusCode()).isEqualTo(403);
        await().atMost(WAIT).until(() -> send("GET", "/api/v1/profiles/c1/export", null, KEY).statusCode() == 200);
        final HttpResponse<String> response = send("GET", "/api/v1/profiles/c1/export", null, KEY);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/profiles/nobody/export", null, KEY).statusCode()).isEqualTo(404);
        final JsonNode export = harness.json(response.body());
        assertThat(export.at("/profile/profileId").asText()).isEqualTo("c1");
        assertThat(export.at("/identities/anonymousIds")).extracting(node -> node.path("anonymousId").asText())
            .containsExactly("a1", "a2");
        assertThat(export.at("/identities/anonymousIds/0/link/status").asText()).isEqualTo("LINKED");
        assertThat(export.at("/identities/anonymousIds/0/firstSeenWithCustomer").isTextual()).isTrue();
        assertThat(export.path("customEvents")).hasSize(1);
        final JsonNode membership = export.path("memberships").get(0);
        assertThat(membership.path("id").asText()).isEqualTo("buyers");
        assertThat(membership.path("holdout").asBoolean()).isEqualTo(Holdout.isHeldOut("buyers", "c1", 50));
        assertThat(membership.path("enteredAt").isTextual()).isTrue();

        await().atMost(WAIT).until(() -> members("/api/v1/segments/buyers/members").size() == 12);
        final List<String> held = members("/api/v1/segments/buyers/members?group=holdout");
        final List<String> treated = members("/api/v1/segments/buyers/members?group=treated");
        assertThat(held).allMatch(id -> Holdout.isHeldOut("buyers", id, 50));
        assertThat(treated).noneMatch(id -> Holdout.isHeldOut("buyers", id, 50));
        assertThat(held.size() + treated.size()).isEqualTo(12);
        assertThat(send("GET", "/api/v1/segments/buyers/members?group=some", null, READ_KEY).statusCode())
            .isEqualTo(400);

        final HttpResponse<String> summaryResponse = send("GET", "/api/v1/segments/buyers/summary", null, READ_KEY);
        assertThat(summaryResponse.statusCode()).isEqualTo(200);
        assertThat(summaryResponse.headers().firstValue("X-Instances-Answered")).contains("1");
        final JsonNode summary = harness.json(summaryResponse.body());
        assertThat(summary.path("size").asLong()).isEqualTo(12);
        assertThat(summary.at("/holdout/holdout/members").asLong()).isEqualTo(held.size());
        assertThat(summary.at("/holdout/treated/ordersPerMember").asDouble()).isZero();
        assertThat(summary.at("/topCategories/0/category").asText()).isEqualTo("books");
        assertThat(summary.at("/topCategories/0/members").asLong()).isEqualTo(12);
        assertThat(summary.at("/lifecycle/NEW").asLong()).isEqualTo(12);
        assertThat(summary.at("/clv/p50").isNumber()).isTrue();
        assertThat(summary.path("trend").size()).isPositive();
        await().atMost(WAIT).until(() -> harness.readAll(harness.topics.segmentSnapshots()).stream()
            .anyMatch(record -> record.key().startsWith("buyers@")));
        assertThat(send("GET", "/api/v1/segments/nothing/summary", null, READ_KEY).statusCode()).isEqualTo(404);
    }

    private List<String> members(final String path) throws Exception {
        final List<String> members = new ArrayList<>();
        harness.json(send("GET", path, null, READ_KEY).body()).path("members").forEach(id -> members.add(id.asText()));
        return members;
    }

    private void custom(final String eventId, final String customerId, final Instant time, final double points) {
        final CustomEvent event = CustomEvent.newBuilder().setEventId(eventId).setCustomerId(customerId)
            .setName("points_earned").setTimestamp(time).setMetrics(Map.of("points", points)).build();
        harness.send(harness.topics.customEvents(), customerId,
            harness.serdes.customEvent().serialize(harness.topics.customEvents(), event));
    }

    private List<SegmentChange> changes() {
        return harness.readAll(harness.topics.segmentChanges()).stream()
            .map(record -> harness.serdes.segmentChange().deserialize(record.value()))
            .filter(change -> "big".equals(change.getSegmentId()))
            .collect(Collectors.toList());
    }

    private HttpResponse<String> send(final String method, final String path, final String body, final String key)
        throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + harness.app.httpPort() + path))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header(ApiKeyGuard.HEADER, key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void order(final String eventId, final String customerId, final long totalMinor) {
        final PurchaseEvent order = PurchaseEvent.newBuilder()
            .setEventId(eventId).setOrderId("o-" + eventId).setCustomerId(customerId).setType(PurchaseType.ORDER)
            .setTimestamp(Instant.now().truncatedTo(ChronoUnit.SECONDS)).setCurrency("USD").setTotalMinor(totalMinor)
            .setItems(List.of(LineItem.newBuilder().setSku("s").setCategory("books").setQuantity(1)
                .setUnitPriceMinor(totalMinor).build()))
            .build();
        harness.send(harness.topics.purchases(), customerId,
            harness.serdes.purchase().serialize(harness.topics.purchases(), order));
    }
}
