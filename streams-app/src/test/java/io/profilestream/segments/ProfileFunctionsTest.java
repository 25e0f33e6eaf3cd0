package io.profilestream.segments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import org.apache.avro.generic.IndexedRecord;
import org.junit.jupiter.api.Test;

import io.profilestream.domain.ProfileAggregator;
import io.profilestream.profile.Behaviour;

class ProfileFunctionsTest {

    private static final Function<IndexedRecord, Object> TOP_CATEGORIES = ProfileFunctions.derivedFields().stream()
        .filter(field -> field.name().equals("topCategories"))
        .findFirst()
        .orElseThrow()
        .compute();

    @Test
    void shouldListTheHighestPositiveAffinitiesFirstWithTiesByName() {
        assertThat(top(Map.of())).isEmpty();
        assertThat(top(Map.of("books", 0.0, "toys", -1.0))).isEmpty();
        assertThat(top(Map.of("books", 2.0))).containsExactly("books");
        assertThat(top(Map.of("toys", 1.0, "books", 1.0, "garden", 3.0, "outdoor", 1.0, "kitchen", 0.5)))
            .containsExactly("garden", "books", "outdoor");
    }

    @Test
    void shouldGiveWhatSortingEveryCategoryGives() {
        final Random random = new Random(11);
        final List<String> categories = List.of("books", "garden", "kitchen", "outdoor", "sports", "toys", "tools");
        for (int round = 0; round < 2_000; round++) {
            final Map<String, Double> affinity = new HashMap<>();
            for (final String category : categories) {
                if (random.nextInt(4) > 0) {
                    // Few distinct values, so that ties are common; some zero and negative.
                    affinity.put(category, (random.nextInt(5) - 1) / 2.0);
                }
            }
            assertThat(top(affinity)).as("%s", affinity).isEqualTo(sorted(affinity));
        }
    }

    private static List<String> sorted(final Map<String, Double> affinity) {
        final List<Map.Entry<String, Double>> positive = new ArrayList<>();
        affinity.entrySet().stream().filter(entry -> entry.getValue() > 0.0).forEach(positive::add);
        positive.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()));
        return positive.stream().limit(ProfileFunctions.TOP_CATEGORIES).map(Map.Entry::getKey).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> top(final Map<String, Double> affinity) {
        final Behaviour behaviour = ProfileAggregator.newProfile("c1").getBehaviour();
        behaviour.setCategoryAffinity(affinity);
        return (List<String>) TOP_CATEGORIES.apply(behaviour);
    }
}
