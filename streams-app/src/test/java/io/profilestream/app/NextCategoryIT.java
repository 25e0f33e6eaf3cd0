package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
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
 * The co-purchase model across a cluster, through the real topics and {@code GET /api/v1/profiles/{id}}: a pattern
 * planted only in customers whose partitions one instance owns (everyone who buys tents then buys sleeping bags)
 * reaches the profile of a customer the other instance owns, and a category the customer buys regularly is left out.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class NextCategoryIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int PARTITIONS = 4;
    private static final Instant START = Instant.now().minus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);

    private EngineNodes nodes;
    private EngineHarness a;
    private int sent;

    @AfterEach
    void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void shouldRecommendWhatCustomersOfAnotherInstanceBuyNext(final KafkaCluster cluster,
                                                              final TestNamespace namespace) {
        nodes = new EngineNodes(cluster, namespace, Map.of("topics.partitions", Integer.toString(PARTITIONS),
            "segments.default.catalogue", "false", "commit.interval.ms", "200",
            "recommendations.publish.interval.ms", "500"));
        a = nodes.inProcess("a");
        final EngineHarness b = nodes.inProcess("b");
        a.startApp();
        b.startApp();
        final Set<Integer> partitionsOfA = awaitSplitAssignment(a, b);

        final List<String> planted = customers("planted", 40, partitionsOfA, true);
        planted.subList(0, 20).forEach(customer -> {
            order(customer, 1, "tents");
            order(customer, 2, "sleeping-bags");
        });
        planted.subList(20, 40).forEach(customer -> order(customer, 1, "books"));
        final String probe = customers("probe", 1, partitionsOfA, false).get(0);
        order(probe, 3, "tents");
        final String regular = customers("regular", 1, partitionsOfA, false).get(0);
        order(regular, 3, "sleeping-bags");
        order(regular, 4, "tents");
        order(regular, 5, "sleeping-bags");

        final int portOfA = a.app.httpPort();
        final int portOfB = b.app.httpPort();
        await().atMost(WAIT).untilAsserted(() -> {
            for (final int port : List.of(portOfA, portOfB)) {
                final JsonNode profile = nodes.json(port, "/api/v1/profiles/" + probe);
                assertThat(profile).as("%s through %s", probe, port).isNotNull();
                assertThat(categories(profile)).as("through %s", port).startsWith("sleeping-bags");
                // 20 of the 41 orders placed by tents buyers from their first tents order on had sleeping bags.
                assertThat(profile.at("/recommendations/nextCategories/0/score").asDouble()).isGreaterThan(0.4);
            }
            final JsonNode profile = nodes.json(portOfA, "/api/v1/profiles/" + regular);
            assertThat(profile).isNotNull();
            assertThat(profile.at("/transactions/categoryOrders/sleeping-bags").asInt()).isEqualTo(2);
            assertThat(categories(profile)).isNotEmpty().doesNotContain("sleeping-bags");
        });
        assertThat(partitions(a)).as("the pattern was learned on the other instance's partitions")
            .isEqualTo(partitionsOfA);
    }

    /** Waits until each instance owns some of the purchase partitions and returns the first instance's. */
    private static Set<Integer> awaitSplitAssignment(final EngineHarness a, final EngineHarness b) {
        await().atMost(WAIT).untilAsserted(() -> {
            final Set<Integer> ofA = partitions(a);
            final Set<Integer> ofB = partitions(b);
            assertThat(ofB).isNotEmpty();
            assertThat(ofA).isNotEmpty().doesNotContainAnyElementsOf(ofB);
            assertThat(ofA.size() + ofB.size()).isEqualTo(PARTITIONS);
        });
        return partitions(a);
    }

    private static Set<Integer> partitions(final EngineHarness engine) {
        final Set<Integer> partitions = new HashSet<>();
        for (final ThreadMetadata thread : engine.app.streams().metadataForLocalThreads()) {
            for (final TaskMetadata task : thread.activeTasks()) {
                for (final TopicPartition partition : task.topicPartitions()) {
                    if (partition.topic().equals(engine.topics.purchases())) {
                        partitions.add(partition.partition());
                    }
                }
            }
        }
        return partitions;
    }

    /** Customer ids whose partition is (or is not) one of the given partitions. */
    private static List<String> customers(final String prefix,
                                          final int count,
                                          final Set<Integer> partitions,
                                          final boolean inside) {
        final List<String> customers = new ArrayList<>();
        for (int i = 0; customers.size() < count; i++) {
            final String id = prefix + "-" + i;
            final int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            if (partitions.contains(partition) == inside) {
                customers.add(id);
            }
        }
        return customers;
    }

    private static List<String> categories(final JsonNode profile) {
        final List<String> categories = new ArrayList<>();
        profile.at("/recommendations/nextCategories").forEach(c -> categories.add(c.path("category").asText()));
        return categories;
    }

    private void order(final String customer, final int day, final String category) {
        final String eventId = "p-" + sent++;
        final PurchaseEvent order = PurchaseEvent.newBuilder().setEventId(eventId).setOrderId("o-" + eventId)
            .setCustomerId(customer).setType(PurchaseType.ORDER).setTimestamp(START.plus(Duration.ofDays(day)))
            .setCurrency("USD").setTotalMinor(2_000).setItems(List.of(LineItem.newBuilder().setSku("s-" + category)
                .setCategory(category).setQuantity(1).setUnitPriceMinor(2_000).build())).build();
        a.send(a.topics.purchases(), customer, a.serdes.purchase().serialize(a.topics.purchases(), order));
    }
}
