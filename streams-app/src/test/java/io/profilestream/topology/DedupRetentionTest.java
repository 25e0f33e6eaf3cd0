package io.profilestream.topology;

import static io.profilestream.topology.TestEvents.order;
import static io.profilestream.topology.TopologyFixture.WALL_CLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.profilestream.events.PurchaseEvent;

/**
 * Event ids are remembered for the dedup retention of processing time, whatever the order of the events' own times:
 * a backlog that holds today's events before last month's still drops last month's duplicates.
 */
class DedupRetentionTest {

    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void shouldDropTheDuplicateOfAnOldEventSeenAfterARecentOne() {
        // Event times are judged against the system clock, which may be behind the driver's.
        final Instant now = Instant.now();
        fixture.purchases.pipeInput("recent", order("r1", "recent", now.minus(Duration.ofMinutes(5)), 100));
        final PurchaseEvent old = order("o1", "old", now.minus(Duration.ofDays(30)), 100);
        fixture.purchases.pipeInput("old", old);
        fixture.purchases.pipeInput("old", old);
        fixture.driver.advanceWallClockTime(Duration.ofHours(1));
        fixture.purchases.pipeInput("old", old);

        assertThat(fixture.profile("recent")).isNotNull();
        assertThat(fixture.profile("old").getTransactions().getOrders()).isEqualTo(1);
        assertThat(fixture.counter("profilestream.events", "topic", "purchase-events", "outcome", "duplicate"))
            .isEqualTo(2.0);
    }

    @Test
    void shouldForgetAnIdOnceTheRetentionOfProcessingTimeHasPassed() {
        final PurchaseEvent event = order("o1", "c1", WALL_CLOCK.minus(Duration.ofDays(1)), 100);
        fixture.purchases.pipeInput("c1", event);
        fixture.driver.advanceWallClockTime(Duration.ofDays(6));
        fixture.purchases.pipeInput("c1", event);
        assertThat(fixture.profile("c1").getTransactions().getOrders()).isEqualTo(1);

        fixture.driver.advanceWallClockTime(Duration.ofDays(2));
        fixture.purchases.pipeInput("c1", event);
        assertThat(fixture.profile("c1").getTransactions().getOrders()).as("7 days after it was seen").isEqualTo(2);
    }
}
