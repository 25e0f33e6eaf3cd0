package io.profilestream.topology;

import static io.profilestream.topology.TestEvents.click;
import static io.profilestream.topology.TestEvents.email;
import static io.profilestream.topology.TestEvents.order;
import static io.profilestream.topology.TopologyFixture.START;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.profilestream.events.ClickType;
import io.profilestream.events.EmailEventType;
import io.profilestream.profile.CustomerProfile;

/**
 * Records on a partition other than their key's murmur2 partition: the driver delivers everything on partition 0 of
 * a topology built for four partitions, so a key of another partition arrives misrouted and must take the detour
 * through the engine's own topics, be counted, and still be applied once.
 */
class MisroutedRecordsTest {

    private static final int PARTITIONS = 4;

    private final TopologyFixture fixture = new TopologyFixture(Map.of(), null, PARTITIONS);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void shouldMoveMisroutedPurchasesEmailsAndClicksToTheirKeysTaskAndCountThem() {
        final String customer = keyOnPartition("c-", 2);
        final String anonymous = keyOnPartition("a-", 3);

        fixture.clicks.pipeInput(anonymous, click("k1", anonymous, ClickType.LOGIN, START).setCustomerId(customer)
            .build());
        fixture.clicks.pipeInput(anonymous, click("k2", anonymous, ClickType.PAGE_VIEW, START.plusSeconds(1)).build());
        fixture.purchases.pipeInput(customer, order("p1", customer, START.plusSeconds(2), 2_500));
        fixture.emails.pipeInput(customer, email("e1", customer, EmailEventType.OPENED, START.plusSeconds(3)));
        // A redelivery of the same purchase takes the same detour and is still applied once.
        fixture.purchases.pipeInput(customer, order("p1", customer, START.plusSeconds(2), 2_500));

        final CustomerProfile profile = fixture.profile(customer);
        assertThat(profile.getBehaviour().getPageViews()).isEqualTo(1);
        assertThat(profile.getBehaviour().getLogins()).isEqualTo(1);
        assertThat(profile.getTransactions().getOrders()).isEqualTo(1);
        assertThat(profile.getTransactions().getRevenueMinor()).isEqualTo(2_500);
        assertThat(profile.getEmail().getOpens()).isEqualTo(1);
        assertThat(fixture.counter("profilestream.misrouted.records", "topic", fixture.topics.clickstream()))
            .isEqualTo(2.0);
        assertThat(fixture.counter("profilestream.misrouted.records", "topic", fixture.topics.purchases()))
            .isEqualTo(2.0);
        assertThat(fixture.counter("profilestream.misrouted.records", "topic", fixture.topics.email()))
            .isEqualTo(1.0);
        assertThat(fixture.counter("profilestream.events", "topic", fixture.topics.purchases(), "outcome",
            "duplicate")).isEqualTo(1.0);
        assertThat(fixture.link(anonymous).getCustomerId()).isEqualTo(customer);
    }

    @Test
    void shouldLeaveRecordsOnTheirKeysPartitionWhereTheyAre() {
        final String customer = keyOnPartition("c-", 0);
        fixture.purchases.pipeInput(customer, order("p1", customer, START, 1_000));
        fixture.emails.pipeInput(customer, email("e1", customer, EmailEventType.SENT, START.plusSeconds(1)));

        assertThat(fixture.profile(customer).getTransactions().getOrders()).isEqualTo(1);
        assertThat(fixture.profile(customer).getEmail().getSent()).isEqualTo(1);
        assertThat(fixture.meters.find("profilestream.misrouted.records").counters()).isEmpty();
    }

    @Test
    void shouldAgreeWithTheJavaProducersDefaultPartitioner() {
        IntStream.range(0, 500).mapToObj(i -> "c-" + i).forEach(key -> assertThat(InputRouting.partitionOf(key, 6))
            .as(key).isEqualTo(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), 6)));
    }

    private static String keyOnPartition(final String prefix, final int partition) {
        return IntStream.range(0, 1_000).mapToObj(i -> prefix + i)
            .filter(key -> InputRouting.partitionOf(key, PARTITIONS) == partition)
            .findFirst().orElseThrow();
    }
}
