package io.profilestream.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.profilestream.profile.Behaviour;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.Scores;

/**
 * Compares profiles built along different paths (one stream, merges, other arrival orders).
 */
public final class Profiles {

    private Profiles() {
    }

    /**
     * Asserts two profiles hold the same facts: capped lists compare as sets, decayed affinities up to rounding, and
     * processing time and the merge count are ignored.
     */
    public static void assertSameFacts(final CustomerProfile actual, final CustomerProfile expected) {
        final Map<String, Double> actualAffinity = actual.getBehaviour().getCategoryAffinity();
        final Map<String, Double> expectedAffinity = expected.getBehaviour().getCategoryAffinity();
        assertThat(actualAffinity.keySet()).isEqualTo(expectedAffinity.keySet());
        expectedAffinity.forEach((category, value) ->
            assertThat(actualAffinity.get(category)).as("affinity of %s", category)
                .isCloseTo(value, within(1e-9 * Math.max(1, Math.abs(value)))));
        final Behaviour a = actual.getBehaviour();
        final Behaviour e = expected.getBehaviour();
        assertThat(a.getActivity7d()).isCloseTo(e.getActivity7d(), within(1e-9 * Math.max(1, e.getActivity7d())));
        assertThat(a.getActivity30d()).isCloseTo(e.getActivity30d(), within(1e-9 * Math.max(1, e.getActivity30d())));
        assertThat(a.getEngagementPoints())
            .isCloseTo(e.getEngagementPoints(), within(1e-9 * Math.max(1, e.getEngagementPoints())));
        assertThat(comparable(actual)).isEqualTo(comparable(expected));
    }

    private static CustomerProfile comparable(final CustomerProfile profile) {
        final CustomerProfile copy = CustomerProfile.newBuilder(profile).build();
        copy.getIdentity().setUpdatedAt(null);
        copy.getIdentity().setMerges(0);
        copy.getIdentity().setAnonymousIds(sorted(copy.getIdentity().getAnonymousIds()));
        copy.getBehaviour().setRecentSessionIds(sorted(copy.getBehaviour().getRecentSessionIds()));
        copy.getBehaviour().setCategoryAffinity(Map.of());
        copy.getBehaviour().setActivity7d(0);
        copy.getBehaviour().setActivity30d(0);
        copy.getBehaviour().setEngagementPoints(0);
        // Scores, stage, persona and segments are derived from the facts at evaluation time (and when a stage was
        // entered depends on arrival order); the lifecycle and segment tests check them.
        copy.setScores(Scores.newBuilder().build());
        copy.setLifecycleStage(null);
        copy.setLifecycleSince(null);
        copy.setPersona(null);
        copy.setSegments(List.of());
        copy.setReevaluateAt(null);
        // Recommendations come from the whole population's co-purchase counts as they were when the profile was
        // written, which depends on timing across tasks; NextCategoryIT and CoPurchaseTopologyTest check them.
        copy.setRecommendations(null);
        return copy;
    }

    private static List<String> sorted(final List<String> values) {
        final List<String> copy = new ArrayList<>(values);
        Collections.sort(copy);
        return copy;
    }
}
