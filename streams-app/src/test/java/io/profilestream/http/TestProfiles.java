package io.profilestream.http;

import io.profilestream.profile.Behaviour;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.EmailEngagement;
import io.profilestream.profile.Identity;
import io.profilestream.profile.LifecycleStage;
import io.profilestream.profile.Scores;
import io.profilestream.profile.Transactions;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Profiles for tests: a few fields set, the rest left at their defaults (zeros, empty collections, nulls).
 */
final class TestProfiles {

    static final Instant FIRST_SEEN = Instant.parse("2024-03-01T12:30:00Z");
    static final Instant LAST_SEEN = Instant.parse("2024-03-05T08:15:30.123Z");

    private TestProfiles() {
    }

    static CustomerProfile sample(final String profileId) {
        return CustomerProfile.newBuilder()
            .setProfileId(profileId)
            .setIdentity(Identity.newBuilder()
                .setCustomerId(profileId)
                .setAnonymousIds(List.of("anon-1", "anon-2"))
                .setFirstSeen(FIRST_SEEN)
                .setLastSeen(LAST_SEEN)
                .setVersion(7L)
                .build())
            .setBehaviour(Behaviour.newBuilder()
                .setPageViews(12L)
                .setDeviceCounts(Map.of("MOBILE", 9L, "DESKTOP", 3L))
                .setCategoryAffinity(Map.of("shoes", 0.75, "bags", 0.25))
                .build())
            .setTransactions(Transactions.newBuilder()
                .setOrders(2L)
                .setRevenueMinor(12_345L)
                .setPurchaseDays(List.of(19_783, 19_787))
                .setAverageOrderValueMinor(6_172.5)
                .build())
            .setEmail(EmailEngagement.newBuilder().build())
            .setScores(Scores.newBuilder().setChurnRisk(0.25).build())
            .setLifecycleStage(LifecycleStage.ACTIVE)
            .setSegments(List.of("vip"))
            .build();
    }
}
