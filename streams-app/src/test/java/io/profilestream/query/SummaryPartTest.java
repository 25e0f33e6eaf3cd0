package io.profilestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.profilestream.domain.ProfileAggregator;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.LifecycleStage;
import io.profilestream.topology.SegmentMembers;

class SummaryPartTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    private static CustomerProfile profile(final int i, final double clv, final long orders, final long revenue) {
        final CustomerProfile profile = ProfileAggregator.newProfile("c" + i);
        profile.getScores().setClv(clv);
        profile.getScores().setChurnRisk(i % 2 == 0 ? 0.2 : 0.6);
        profile.setLifecycleStage(i % 3 == 0 ? LifecycleStage.LOYAL : LifecycleStage.ACTIVE);
        profile.getDemographics().setCountry(i % 4 == 0 ? "NL" : null);
        profile.getTransactions().setOrders(orders);
        profile.getTransactions().setRevenueMinor(revenue);
        profile.getTransactions().getCategorySpendMinor().put(i % 2 == 0 ? "books" : "garden", 100L);
        if (i % 5 == 0) {
            profile.getTransactions().getCategorySpendMinor().put("toys", 1_000L);
        }
        return profile;
    }

    @Test
    void shouldMergeInstancePartsIntoTheFiguresOfAllMembers() {
        final Random random = new Random(7);
        final SummaryPart one = new SummaryPart();
        final SummaryPart two = new SummaryPart();
        final List<Double> clvs = new ArrayList<>();
        final List<Double> treatedOrders = new ArrayList<>();
        final List<Double> heldOrders = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            final double clv = Math.round(random.nextDouble() * 100_000) / 10.0;
            clvs.add(clv);
            final boolean held = i % 4 == 0;
            final long since = held ? random.nextInt(2) : 1 + random.nextInt(3);
            (held ? heldOrders : treatedOrders).add((double) since);
            final SegmentMembers.Entry entry = new SegmentMembers.Entry(NOW.minus(Duration.ofDays(10))
                .toEpochMilli(), 2, 1_000);
            (i % 2 == 0 ? one : two).add(profile(i, clv, 2 + since, 1_000 + 500 * since), entry, held, NOW);
        }
        final JsonNode answer = new SummaryPart().merge(SummaryPart.fromJson(one.toJson()))
            .merge(SummaryPart.fromJson(two.toJson())).answer(25);

        final double[] sorted = clvs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        assertThat(answer.path("size").asLong()).isEqualTo(101);
        assertThat(answer.at("/clv/mean").asDouble()).isCloseTo(Arrays.stream(sorted).average().orElseThrow(),
            within(1e-6));
        assertThat(answer.at("/clv/p50").asDouble()).isEqualTo(sorted[50]);
        assertThat(answer.at("/clv/p90").asDouble()).isEqualTo(sorted[90]);
        assertThat(answer.at("/churnRisk/mean").asDouble()).isCloseTo((51 * 0.2 + 50 * 0.6) / 101, within(1e-9));
        assertThat(answer.at("/lifecycle/LOYAL").asLong()).isEqualTo(34);
        assertThat(answer.at("/lifecycle/ACTIVE").asLong()).isEqualTo(67);
        assertThat(answer.at("/countries/NL").asLong()).isEqualTo(26);
        assertThat(answer.at("/countries/unknown").asLong()).isEqualTo(75);
        assertThat(answer.at("/topCategories/0/category").asText()).isEqualTo("books");
        assertThat(answer.at("/topCategories/0/members").asLong()).isEqualTo(51);
        assertThat(answer.at("/topCategories/2/category").asText()).isEqualTo("toys");

        final double treatedMean = treatedOrders.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        final double heldMean = heldOrders.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(answer.at("/holdout/treated/members").asLong()).isEqualTo(treatedOrders.size());
        assertThat(answer.at("/holdout/holdout/ordersPerMember").asDouble()).isCloseTo(heldMean, within(1e-9));
        assertThat(answer.at("/holdout/treated/revenueMinorPerMember").asDouble())
            .isCloseTo(500 * treatedMean, within(1e-6));
        assertThat(answer.at("/holdout/treated/meanDaysSinceEntry").asDouble()).isCloseTo(10, within(1e-9));
        final JsonNode difference = answer.at("/holdout/difference/ordersPerMember");
        final double error = 1.959964 * Math.sqrt(variance(treatedOrders) / treatedOrders.size()
            + variance(heldOrders) / heldOrders.size());
        assertThat(difference.path("estimate").asDouble()).isCloseTo(treatedMean - heldMean, within(1e-9));
        assertThat(difference.path("low").asDouble()).isCloseTo(treatedMean - heldMean - error, within(1e-9));
        assertThat(difference.path("high").asDouble()).isCloseTo(treatedMean - heldMean + error, within(1e-9));
        assertThat(difference.path("low").asDouble()).isPositive();
    }

    private static double variance(final List<Double> values) {
        final double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        return values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / (values.size() - 1);
    }
}
