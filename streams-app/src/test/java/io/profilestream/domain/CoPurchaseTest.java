package io.profilestream.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.profilestream.internal.CategoryPairs;
import io.profilestream.profile.CategoryScore;

/**
 * The co-purchase model's arithmetic: counting orders into rows, summing task rows, and ranking next categories.
 */
class CoPurchaseTest {

    private static final CoPurchase.Limits LIMITS = new CoPurchase.Limits(500, 100, 3, 10, 2, 0.3, 1000);

    /** Counts one customer's orders, in order, into rows as the tasks do. */
    private static void customer(final Map<String, CategoryPairs> rows, final List<Set<String>> orders) {
        final Set<String> earlier = new LinkedHashSet<>();
        for (final Set<String> order : orders) {
            CoPurchase.count(rows.computeIfAbsent(CoPurchase.ALL_ORDERS, CoPurchase::emptyRow), true, order, 100);
            final Set<String> sources = new LinkedHashSet<>(earlier);
            sources.addAll(order);
            for (final String source : sources) {
                CoPurchase.count(rows.computeIfAbsent(source, CoPurchase::emptyRow), earlier.contains(source), order,
                    100);
            }
            earlier.addAll(order);
        }
    }

    @Test
    void shouldCountLaterAndSameOrderCategoriesButNotTheFirstOrderOfTheSourceItself() {
        final Map<String, CategoryPairs> rows = new HashMap<>();
        customer(rows, List.of(Set.of("A", "C"), Set.of("B"), Set.of("A")));

        assertThat(rows.get("A").getOrders()).isEqualTo(3);
        assertThat(rows.get("A").getNext()).containsExactlyInAnyOrderEntriesOf(Map.of("C", 1L, "B", 1L, "A", 1L));
        assertThat(rows.get("B").getOrders()).isEqualTo(2);
        assertThat(rows.get("B").getNext()).containsExactlyInAnyOrderEntriesOf(Map.of("A", 1L));
        assertThat(rows.get(CoPurchase.ALL_ORDERS).getOrders()).isEqualTo(3);
        assertThat(rows.get(CoPurchase.ALL_ORDERS).getNext())
            .containsExactlyInAnyOrderEntriesOf(Map.of("A", 2L, "B", 1L, "C", 1L));
    }

    @Test
    void shouldEvictTheLeastCountedTargetWhenARowIsFull() {
        final CategoryPairs row = CoPurchase.emptyRow("A");
        CoPurchase.count(row, true, Set.of("B", "C"), 2);
        CoPurchase.count(row, true, Set.of("B"), 2);
        CoPurchase.count(row, true, Set.of("D"), 2);

        assertThat(row.getNext()).containsExactlyInAnyOrderEntriesOf(Map.of("B", 2L, "D", 1L));
        assertThat(row.getOrders()).isEqualTo(3);
    }

    @Test
    void shouldRankTheCategoryThatFollowsWhatTheCustomerBought() {
        final Map<String, CategoryPairs> rows = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            customer(rows, List.of(Set.of("A"), Set.of("B")));
            customer(rows, List.of(Set.of("C"), Set.of("D")));
        }
        // D is as popular as B, but only B follows A.
        final List<CategoryScore> next = CoPurchase.rank(Map.of("A", 1L), 1, rows::get, LIMITS);

        assertThat(next).extracting(CategoryScore::getCategory).startsWith("B");
        // P(B | A) = (20 + 10 * 20/80) / (40 + 10) = 0.45; P(D | A) = (0 + 10 * 20/80) / 50 = 0.05.
        assertThat(next.get(0).getScore()).isCloseTo(0.45, within(1e-9));
        // A was bought once, not regularly, so a repeat is a candidate too: nobody bought A twice, so it has popularity.
        assertThat(next).hasSize(3);
        assertThat(next.get(1).getScore()).isCloseTo(0.05, within(1e-9));
    }

    @Test
    void shouldLeaveOutCategoriesTheCustomerBuysRegularly() {
        final Map<String, CategoryPairs> rows = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            customer(rows, List.of(Set.of("A"), Set.of("B"), Set.of("C")));
        }
        // The customer has 4 orders: B in 2 of them (regular), A in 1 (not regular: one order).
        final List<CategoryScore> next = CoPurchase.rank(Map.of("A", 1L, "B", 2L), 4, rows::get, LIMITS);

        assertThat(next).extracting(CategoryScore::getCategory).doesNotContain("B").startsWith("C");
        assertThat(CoPurchase.buysRegularly(2, 4, LIMITS)).isTrue();
        assertThat(CoPurchase.buysRegularly(2, 10, LIMITS)).as("2 of 10 orders is under the 30% share").isFalse();
        assertThat(CoPurchase.buysRegularly(1, 1, LIMITS)).as("one order is not a habit").isFalse();
    }

    @Test
    void shouldFallBackToPopularityForACategoryWithoutARowAndRecommendNothingWithoutOrders() {
        final Map<String, CategoryPairs> rows = new HashMap<>();
        customer(rows, List.of(Set.of("A")));
        customer(rows, List.of(Set.of("A")));
        customer(rows, List.of(Set.of("B")));

        final List<CategoryScore> next = CoPurchase.rank(Map.of("Z", 1L), 1, rows::get, LIMITS);
        assertThat(next).extracting(CategoryScore::getCategory).containsExactly("A", "B");
        assertThat(next.get(0).getScore()).isCloseTo(2.0 / 3, within(1e-9));

        assertThat(CoPurchase.rank(Map.of(), 0, rows::get, LIMITS)).isEmpty();
        assertThat(CoPurchase.rank(Map.of("A", 1L), 1, source -> null, LIMITS)).isEmpty();
    }

    @Test
    void shouldSumTaskRowsAndReplaceATasksRowWhenItIsPublishedAgain() {
        final CoPurchaseModel model = new CoPurchaseModel(LIMITS);
        final CategoryPairs task0 = row("A", 4, Map.of("B", 3L));
        final CategoryPairs task1 = row("A", 6, Map.of("B", 1L, "C", 2L));
        model.rebuild(List.of(task0, task1));
        assertThat(model.row("A").getOrders()).isEqualTo(10);
        assertThat(model.row("A").getNext()).containsExactlyInAnyOrderEntriesOf(Map.of("B", 4L, "C", 2L));

        model.replace(task1, row("A", 7, Map.of("C", 3L)));
        assertThat(model.row("A").getOrders()).isEqualTo(11);
        assertThat(model.row("A").getNext()).containsExactlyInAnyOrderEntriesOf(Map.of("B", 3L, "C", 3L));

        model.replace(task0, null);
        model.replace(row("A", 7, Map.of("C", 3L)), null);
        assertThat(model.row("A")).isNull();
        assertThat(model.categories()).isZero();
    }

    @Test
    void shouldRejectLimitsThatMakeNoSense() {
        assertThatThrownBy(() -> new CoPurchase.Limits(0, 100, 5, 10, 2, 0.3, 1000))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recommendations.max.categories");
        assertThatThrownBy(() -> new CoPurchase.Limits(500, 100, 5, -1, 2, 0.3, 1000))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recommendations.smoothing");
        assertThatThrownBy(() -> new CoPurchase.Limits(500, 100, 5, 10, 2, 1.5, 1000))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("regular.min.share");
    }

    private static CategoryPairs row(final String source, final long orders, final Map<String, Long> next) {
        return CategoryPairs.newBuilder().setSource(source).setOrders(orders).setNext(new HashMap<>(next)).build();
    }
}
