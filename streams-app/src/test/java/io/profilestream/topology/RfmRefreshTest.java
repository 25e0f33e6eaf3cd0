package io.profilestream.topology;

import static io.profilestream.topology.TestEvents.order;
import static io.profilestream.topology.TopologyFixture.WALL_CLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * RFM scores come from quintiles of the task's own buyers once the breakpoints have been recomputed.
 */
class RfmRefreshTest {

    @Test
    void shouldScoreMonetaryValueAgainstThePopulationAfterARefresh() {
        try (TopologyFixture fixture = new TopologyFixture(Map.of(
            "model.rfm.refresh.interval.ms", "60000", "model.rfm.min.population", "10"), null)) {
            for (int i = 1; i <= 50; i++) {
                fixture.purchases.pipeInput("c" + i, order("p" + i, "c" + i, WALL_CLOCK.minus(Duration.ofDays(1)),
                    100L * i));
            }
            // The fixed breakpoints start at 5,000 minor units: nobody here reaches the second quintile.
            assertThat(fixture.profile("c50").getScores().getRfm().getMonetary()).isEqualTo(1);

            fixture.driver.advanceWallClockTime(Duration.ofSeconds(61));
            fixture.purchases.pipeInput("c50", order("again50", "c50", WALL_CLOCK, 100));
            fixture.purchases.pipeInput("c1", order("again1", "c1", WALL_CLOCK, 1));

            assertThat(fixture.profile("c50").getScores().getRfm().getMonetary()).isEqualTo(5);
            assertThat(fixture.profile("c1").getScores().getRfm().getMonetary()).isEqualTo(1);
        }
    }
}
