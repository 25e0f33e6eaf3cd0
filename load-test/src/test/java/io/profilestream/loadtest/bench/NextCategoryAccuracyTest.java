package io.profilestream.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.profilestream.domain.CoPurchase;
import io.profilestream.loadtest.GroundTruth;
import io.profilestream.loadtest.Population;
import io.profilestream.loadtest.PurchaseModel;

/**
 * The bench's judgement of next-category recommendations against the simulator's next orders.
 */
class NextCategoryAccuracyTest {

    private static final GroundTruth TRUTH = GroundTruth.of(Population.generate(2_000, 5L, PurchaseModel.DEFAULT),
        Bench.SIMULATED_START, 273, 273);

    @Test
    void shouldScoreTheNextOrdersOwnCategoriesAsHitsAndNothingAsMisses() {
        final List<NextCategoryAccuracy.Served> perfect = new ArrayList<>();
        final List<NextCategoryAccuracy.Served> none = new ArrayList<>();
        for (final GroundTruth.Customer customer : TRUTH.customers()) {
            perfect.add(new NextCategoryAccuracy.Served(List.copyOf(customer.firstHoldoutCategories()), Map.of(), 1));
            none.add(new NextCategoryAccuracy.Served(List.of(), Map.of(), 1));
        }
        final Map<String, Double> hits = NextCategoryAccuracy.judge(TRUTH, perfect, CoPurchase.Limits.defaults());
        final Map<String, Double> misses = NextCategoryAccuracy.judge(TRUTH, none, CoPurchase.Limits.defaults());

        final long reordering = TRUTH.customers().stream().filter(c -> !c.firstHoldoutCategories().isEmpty()).count();
        assertThat(reordering).isPositive().isLessThan(TRUTH.customers().size());
        assertThat(hits.get("accuracy.next_category_customers")).isEqualTo((double) reordering);
        assertThat(hits.get("accuracy.next_category_hit_rate_top3")).isEqualTo(1.0);
        assertThat(misses.get("accuracy.next_category_hit_rate_top3")).isEqualTo(0.0);
        // Three of ten categories, the most popular ones: more than 3/10 of next orders, far from all of them.
        assertThat(misses.get("accuracy.next_category_baseline_top3")).isBetween(0.3, 0.8)
            .isEqualTo(hits.get("accuracy.next_category_baseline_top3"));
    }

    @Test
    void shouldLeaveCategoriesBoughtRegularlyOutOfTheBaseline() {
        final String mostPopular = TRUTH.calibrationCategoryOrders().entrySet().stream()
            .max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        final List<NextCategoryAccuracy.Served> regular = new ArrayList<>();
        final List<NextCategoryAccuracy.Served> occasional = new ArrayList<>();
        for (int i = 0; i < TRUTH.customers().size(); i++) {
            regular.add(new NextCategoryAccuracy.Served(List.of(), Map.of(mostPopular, 5L), 5));
            occasional.add(new NextCategoryAccuracy.Served(List.of(), Map.of(mostPopular, 1L), 5));
        }
        final double withRegular = NextCategoryAccuracy.judge(TRUTH, regular, CoPurchase.Limits.defaults())
            .get("accuracy.next_category_baseline_top3");
        final double withoutRegular = NextCategoryAccuracy.judge(TRUTH, occasional, CoPurchase.Limits.defaults())
            .get("accuracy.next_category_baseline_top3");

        assertThat(withRegular).isLessThan(withoutRegular);
    }
}
