package io.profilestream.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.CustomerTraits;
import io.profilestream.events.Device;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.ClvSettings;
import io.profilestream.models.ModelTimeUnit;
import io.profilestream.models.RfmBreakpoints;
import io.profilestream.profile.CustomerProfile;

/**
 * {@code scores.purchaseProbability30d} and {@code scores.completeness}.
 */
class ProfileScoresTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final BgNbdParameters BGNBD = new BgNbdParameters(0.243, 30.898, 0.793, 2.426);
    private final ProfileAggregator aggregator = new ProfileAggregator(20, 20, 3660, 30,
        new Money("USD", Map.of()));
    private final ModelScorer scorer = new ModelScorer(BGNBD, null, ModelTimeUnit.DAYS, 365, 90,
        ClvSettings.defaults(ModelTimeUnit.DAYS), RfmBreakpoints.DEFAULT_FIXED);

    private void order(final CustomerProfile profile, final String id, final long daysAgo) {
        aggregator.apply(profile, PurchaseEvent.newBuilder().setEventId(id).setOrderId(id).setCustomerId("c1")
            .setType(PurchaseType.ORDER).setTimestamp(NOW.minus(Duration.ofDays(daysAgo))).setCurrency("USD")
            .setTotalMinor(5_000).setItems(List.of(LineItem.newBuilder().setSku("s").setCategory("books")
                .setQuantity(1).setUnitPriceMinor(5_000).build())).build(), NOW);
    }

    @Test
    void shouldGiveTheBgNbdProbabilityOfAPurchaseWithinThirtyDays() {
        final CustomerProfile profile = ProfileAggregator.newProfile("c1");
        scorer.score(profile, NOW);
        assertThat(profile.getScores().getPurchaseProbability30d()).isNull();

        order(profile, "o1", 60);
        order(profile, "o2", 40);
        order(profile, "o3", 20);
        scorer.score(profile, NOW);
        // x = 2 repeat days, T = 60 days: P(alive) from the scorer, the rest by the closed form of docs/models.md.
        final double alive = profile.getScores().getPAlive();
        final double noPurchase = (1 - alive) + alive * Math.pow((BGNBD.alpha() + 60) / (BGNBD.alpha() + 60 + 30),
            BGNBD.r() + 2);
        assertThat(profile.getScores().getPurchaseProbability30d()).isCloseTo(1 - noPurchase, within(1e-9));

        final double now = profile.getScores().getPurchaseProbability30d();
        scorer.score(profile, NOW.plus(Duration.ofDays(120)));
        assertThat(profile.getScores().getPurchaseProbability30d()).isLessThan(now).isPositive();
    }

    @Test
    void shouldCountTheShareOfTenChecksAProfilePasses() {
        final CustomerProfile visitor = ProfileAggregator.newProfile("anon:a1");
        aggregator.apply(visitor, ClickEvent.newBuilder().setEventId("e1").setAnonymousId("a1").setSessionId("s1")
            .setType(ClickType.PAGE_VIEW).setTimestamp(NOW).setChannel("direct").setDevice(Device.MOBILE).build(), NOW);
        assertThat(ProfileCompleteness.of(visitor)).isEqualTo(0.1);

        final CustomerProfile customer = ProfileAggregator.newProfile("c1");
        assertThat(ProfileCompleteness.of(customer)).isEqualTo(0.1);
        aggregator.apply(customer, CustomerTraits.newBuilder().setCustomerId("c1").setUpdatedAt(NOW)
            .setBirthYear(1980).setGender("f").setCountry("NL").setCity("Utrecht").setEmailConsent(false).build(),
            NOW);
        order(customer, "o1", 3);
        assertThat(ProfileCompleteness.of(customer)).isCloseTo(0.7, within(1e-12));
    }
}
