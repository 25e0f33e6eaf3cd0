package io.profilestream.topology;

import static io.profilestream.topology.TestEvents.item;
import static io.profilestream.topology.TestEvents.order;
import static io.profilestream.topology.TopologyFixture.START;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.profilestream.internal.CategoryPairs;
import io.profilestream.profile.CategoryScore;
import io.profilestream.profile.CustomerProfile;

/**
 * The co-purchase model through the real topology: orders counted by the profile processor, rows published to the
 * co-purchase topic, read back through the global store, and a later customer's next categories ranked from them.
 */
class CoPurchaseTopologyTest {

    private final TopologyFixture fixture = new TopologyFixture(Map.of("recommendations.publish.interval.ms", "1000"),
        null);

    @AfterEach
    void close() {
        fixture.close();
    }

    private void buy(final String customer, final int n, final String category) {
        fixture.purchases.pipeInput(customer, order(customer + "-" + n, customer, START.plus(Duration.ofDays(n)),
            1_000, item(category, 1, 1_000)));
    }

    @Test
    void shouldRecommendWhatThePopulationBuysAfterTheCustomersCategoriesAndLeaveOutRegularOnes() {
        for (int i = 0; i < 30; i++) {
            buy("c" + i, 1, "tents");
            buy("c" + i, 2, "sleeping-bags");
            buy("d" + i, 1, "books");
        }
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(2));
        final KeyValueStore<String, CategoryPairs> matrix = fixture.driver.getKeyValueStore(Stores.CO_PURCHASE);
        assertThat(matrix.get("0/tents").getNext()).containsEntry("sleeping-bags", 30L);

        buy("probe", 1, "tents");
        final CustomerProfile probe = fixture.profile("probe");
        assertThat(probe.getTransactions().getCategoryOrders()).containsExactlyEntriesOf(Map.of("tents", 1L));
        assertThat(probe.getRecommendations().getNextCategories()).extracting(CategoryScore::getCategory)
            .startsWith("sleeping-bags");

        buy("regular", 1, "sleeping-bags");
        buy("regular", 2, "tents");
        buy("regular", 3, "sleeping-bags");
        assertThat(fixture.profile("regular").getRecommendations().getNextCategories())
            .extracting(CategoryScore::getCategory)
            .doesNotContain("sleeping-bags")
            .isNotEmpty();
    }
}
