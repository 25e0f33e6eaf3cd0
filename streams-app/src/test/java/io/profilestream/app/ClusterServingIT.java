package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;
import io.profilestream.testing.TestNamespace;

/**
 * Several engine instances of one application on one broker answer as one: every instance lists the others, serves
 * every profile, and gives the same segment sizes, members and previews, equal to the profiles that hold the segment.
 * One instance runs in a JVM of its own and is killed with SIGKILL; the survivor takes its partitions and serves every
 * profile. Three instances with standby replicas go through a rolling restart while events keep coming, and nothing
 * is lost.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class ClusterServingIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String KEY = "cluster-key";
    private static final int CUSTOMERS = 30;
    private static final String SEGMENT = "{\"name\":\"Big\",\"kind\":\"SEGMENT\","
        + "\"expression\":\"profile.transactions.revenueMinor >= 5000\"}";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private final Map<String, Long> revenue = new HashMap<>();
    private final Map<String, Integer> orders = new HashMap<>();
    private EngineNodes nodes;
    private EngineHarness producer;
    private int sent;

    @AfterEach
    void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void shouldAnswerAsOneFromTwoInstancesAndServeEveryProfileAfterOneIsKilled(final KafkaCluster cluster,
                                                                                 final TestNamespace namespace)
        throws Exception {
        nodes = new EngineNodes(cluster, namespace, settings("0"));
        producer = nodes.inProcess("a");
        final int a = producer.startApp().httpPort();
        final int b = nodes.startProcess("b");
        nodes.awaitInstances(List.of(a, b), WAIT);

        assertThat(nodes.put(a, "/api/v1/segments/big", SEGMENT, KEY).statusCode()).isEqualTo(200);
        IntStream.range(0, CUSTOMERS).forEach(i -> order(customer(i), 100 + 1_000L * (i % 10)));
        awaitEveryProfileThrough(List.of(a, b));
        awaitSegmentAgreement(List.of(a, b), 2);

        nodes.kill("b");
        final HttpResponse<String> meanwhile = nodes.get(a, "/api/v1/segments");
        if (meanwhile.statusCode() == 200) {
            assertThat(size(EngineNodes.parse(meanwhile.body()))).as("never silently smaller").isEqualTo(expected());
        } else {
            assertThat(meanwhile.statusCode()).isEqualTo(503);
            assertThat(meanwhile.headers().firstValue("Retry-After")).isPresent();
            assertThat(meanwhile.body()).contains("127.0.0.1:" + b).contains("incomplete");
        }
        nodes.awaitInstances(List.of(a), WAIT);
        awaitEveryProfileThrough(List.of(a));
        awaitSegmentAgreement(List.of(a), 1);
    }

    @Test
    void shouldLoseNothingThroughARollingRestartOfThreeInstancesWithStandbys(final KafkaCluster cluster,
                                                                              final TestNamespace namespace) {
        nodes = new EngineNodes(cluster, namespace, settings("1"));
        final List<EngineHarness> engines = List.of(nodes.inProcess("a"), nodes.inProcess("b"), nodes.inProcess("c"));
        producer = engines.get(0);
        engines.forEach(EngineHarness::startApp);
        nodes.awaitInstances(ports(engines), WAIT);

        assertThat(nodes.put(ports(engines).get(0), "/api/v1/segments/big", SEGMENT, KEY).statusCode())
            .isEqualTo(200);
        IntStream.range(0, CUSTOMERS).forEach(i -> order(customer(i), 100 + 1_000L * (i % 10)));
        awaitEveryProfileThrough(ports(engines));
        awaitSegmentAgreement(ports(engines), 3);

        for (int round = 0; round < engines.size(); round++) {
            final EngineHarness engine = engines.get(round);
            final int third = round;
            engine.stopApp();
            IntStream.range(0, CUSTOMERS).filter(i -> i % 3 == third).forEach(i -> order(customer(i), 700));
            engine.startApp();
            nodes.awaitInstances(ports(engines), WAIT);
        }
        awaitEveryProfileThrough(ports(engines));
        awaitSegmentAgreement(ports(engines), 3);
    }

    private Map<String, String> settings(final String standbys) {
        return Map.of("topics.partitions", "4", "api.key", KEY, "segments.default.catalogue", "false",
            "lifecycle.reevaluation.interval.ms", "500", "commit.interval.ms", "200",
            "session.timeout.ms", "6000", "heartbeat.interval.ms", "1500", "num.standby.replicas", standbys);
    }

    private static List<Integer> ports(final List<EngineHarness> engines) {
        return engines.stream().map(engine -> engine.app.httpPort()).toList();
    }

    /** Every profile, with every order sent so far, through every instance. */
    private void awaitEveryProfileThrough(final List<Integer> ports) {
        await().atMost(WAIT).untilAsserted(() -> {
            for (final int port : ports) {
                for (int i = 0; i < CUSTOMERS; i++) {
                    final JsonNode profile = nodes.json(port, "/api/v1/profiles/" + customer(i));
                    assertThat(profile).as("%s through %s", customer(i), port).isNotNull();
                    assertThat(profile.at("/transactions/orders").asInt()).isEqualTo(orders.get(customer(i)));
                }
            }
        });
    }

    /**
     * Size, members (paged, each page from the next instance) and preview of the segment, equal from every instance,
     * equal to the profiles that hold it and to what the orders sent make of it.
     */
    private void awaitSegmentAgreement(final List<Integer> ports, final int instances) {
        await().atMost(WAIT).untilAsserted(() -> {
            final Set<String> holders = new TreeSet<>();
            for (int i = 0; i < CUSTOMERS; i++) {
                final String customer = customer(i);
                final JsonNode profile = nodes.json(ports.get(0), "/api/v1/profiles/" + customer);
                assertThat(profile).isNotNull();
                profile.path("segments").forEach(segment -> {
                    if ("big".equals(segment.asText())) {
                        holders.add(customer);
                    }
                });
            }
            assertThat(holders).isEqualTo(expected());
            for (final int port : ports) {
                final HttpResponse<String> list = nodes.get(port, "/api/v1/segments");
                assertThat(list.statusCode()).isEqualTo(200);
                assertThat(list.headers().firstValue("X-Instances-Answered")).hasValue(Integer.toString(instances));
                assertThat(size(EngineNodes.parse(list.body()))).as("size from %s", port).isEqualTo(holders.size());
                final HttpResponse<String> preview = nodes.post(port, "/api/v1/segments/preview",
                    "{\"expression\":\"profile.transactions.revenueMinor >= 5000\"}");
                final JsonNode previewed = EngineNodes.parse(preview.body());
                assertThat(previewed.path("size").asInt()).as("preview from %s: %s %s", port, preview.statusCode(),
                    preview.body()).isEqualTo(holders.size());
                assertThat(previewed.path("sample").get(0).asText()).isEqualTo(holders.iterator().next());
            }
            assertThat(pagedMembers(ports)).isEqualTo(new ArrayList<>(holders));
        });
    }

    private List<String> pagedMembers(final List<Integer> ports) {
        final List<String> members = new ArrayList<>();
        String cursor = "";
        for (int page = 0; cursor != null; page++) {
            final JsonNode answer = nodes.json(ports.get(page % ports.size()),
                "/api/v1/segments/big/members?limit=4" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            assertThat(answer).isNotNull();
            answer.path("members").forEach(id -> members.add(id.asText()));
            cursor = answer.path("nextCursor").isNull() ? null : answer.path("nextCursor").asText();
        }
        return members;
    }

    private static long size(final JsonNode list) {
        for (final JsonNode segment : list.path("segments")) {
            if ("big".equals(segment.path("id").asText())) {
                return segment.path("size").asLong();
            }
        }
        throw new AssertionError("No segment big in " + list);
    }

    private Set<String> expected() {
        final Set<String> members = new TreeSet<>();
        revenue.forEach((customer, total) -> {
            if (total >= 5_000) {
                members.add(customer);
            }
        });
        return members;
    }

    private static String customer(final int i) {
        return String.format("c-%03d", i);
    }

    private void order(final String customer, final long amountMinor) {
        final String eventId = "p-" + sent++;
        revenue.merge(customer, amountMinor, Long::sum);
        orders.merge(customer, 1, Integer::sum);
        final PurchaseEvent order = PurchaseEvent.newBuilder().setEventId(eventId).setOrderId("o-" + eventId)
            .setCustomerId(customer).setType(PurchaseType.ORDER).setTimestamp(NOW).setCurrency("USD")
            .setTotalMinor(amountMinor).setItems(List.of(LineItem.newBuilder().setSku("s").setCategory("books")
                .setQuantity(1).setUnitPriceMinor(amountMinor).build())).build();
        producer.send(producer.topics.purchases(), customer,
            producer.serdes.purchase().serialize(producer.topics.purchases(), order));
    }
}
