package io.profilestream.topology;

import static io.profilestream.topology.TestEvents.click;
import static io.profilestream.topology.TopologyFixture.START;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.profilestream.events.ClickType;
import io.profilestream.internal.LinkStatus;

/**
 * Links of anonymous ids that sent no click for {@code identity.link.retention.ms} are deleted by a sweep; the others
 * stay, and an expired id that comes back starts afresh.
 */
class IdentityLinkExpiryTest {

    private final TopologyFixture fixture = new TopologyFixture(Map.of("identity.link.retention.ms",
        Long.toString(Duration.ofDays(200).toMillis()), "lifecycle.reevaluation.batch.size", "2"), null);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void shouldDeleteLinksNotUsedWithinTheRetention() {
        // The driver's wall clock is 400 days after START.
        fixture.clicks.pipeInput("old", click("e1", "old", ClickType.PAGE_VIEW, START).build());
        fixture.clicks.pipeInput("old-customer", click("e2", "old-customer", ClickType.LOGIN, START)
            .setCustomerId("c1").build());
        fixture.clicks.pipeInput("recent", click("e3", "recent", ClickType.PAGE_VIEW,
            START.plus(Duration.ofDays(250))).build());
        assertThat(fixture.link("old")).isNotNull();

        // Batches of two: the sweep needs two rounds over three links.
        for (int i = 0; i < 3; i++) {
            fixture.driver.advanceWallClockTime(IdentityResolver.EXPIRY_INTERVAL);
        }

        assertThat(fixture.link("old")).isNull();
        assertThat(fixture.link("old-customer")).isNull();
        assertThat(fixture.link("recent")).isNotNull();
        fixture.clicks.pipeInput("old-customer", click("e4", "old-customer", ClickType.PAGE_VIEW,
            START.plus(Duration.ofDays(260))).build());
        assertThat(fixture.link("old-customer").getStatus()).isEqualTo(LinkStatus.ANONYMOUS);
    }
}
