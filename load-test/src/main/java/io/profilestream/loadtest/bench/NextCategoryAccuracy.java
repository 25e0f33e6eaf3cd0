package io.profilestream.loadtest.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.profilestream.domain.CoPurchase;
import io.profilestream.loadtest.GroundTruth;

/**
 * How well {@code recommendations.nextCategories} predicts a customer's next order: the share of customers whose first
 * order after the end of calibration has a line in one of the top three categories the engine served at the end of
 * calibration, next to a baseline judged on the same customers: the three categories most ordered by the whole
 * population during calibration, leaving out (as the engine does) those the customer buys regularly.
 * Only customers who order again in the holdout period are judged.
 */
final class NextCategoryAccuracy {

    private static final int TOP = 3;

    private NextCategoryAccuracy() {
    }

    /**
     * What the engine served for one customer.
     *
     * @param nextCategories {@code recommendations.nextCategories}, best first
     * @param categoryOrders {@code transactions.categoryOrders}
     * @param orders {@code transactions.orders}
     */
    record Served(List<String> nextCategories, Map<String, Long> categoryOrders, long orders) {
    }

    /**
     * Judges the served recommendations, one per customer of the truth, in its order.
     *
     * @return {@code accuracy.next_category_hit_rate_top3}, {@code accuracy.next_category_baseline_top3} (most
     *     popular) and {@code accuracy.next_category_customers} (customers judged)
     */
    static Map<String, Double> judge(final GroundTruth truth,
                                     final List<Served> served,
                                     final CoPurchase.Limits limits) {
        final List<String> popular = new ArrayList<>(truth.calibrationCategoryOrders().keySet());
        popular.sort(Comparator.comparing((String c) -> truth.calibrationCategoryOrders().get(c)).reversed()
            .thenComparing(Comparator.naturalOrder()));
        long judged = 0;
        long hits = 0;
        long baselineHits = 0;
        for (int i = 0; i < served.size(); i++) {
            final Set<String> next = truth.customers().get(i).firstHoldoutCategories();
            if (next.isEmpty()) {
                continue;
            }
            final Served s = served.get(i);
            judged++;
            if (s.nextCategories().stream().limit(TOP).anyMatch(next::contains)) {
                hits++;
            }
            if (popular.stream()
                .filter(c -> !CoPurchase.buysRegularly(s.categoryOrders().getOrDefault(c, 0L), s.orders(), limits))
                .limit(TOP)
                .anyMatch(next::contains)) {
                baselineHits++;
            }
        }
        final Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy.next_category_hit_rate_top3", judged == 0 ? Double.NaN : (double) hits / judged);
        metrics.put("accuracy.next_category_baseline_top3", judged == 0 ? Double.NaN : (double) baselineHits / judged);
        metrics.put("accuracy.next_category_customers", (double) judged);
        return metrics;
    }
}
