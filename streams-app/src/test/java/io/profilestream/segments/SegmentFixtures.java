package io.profilestream.segments;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

import io.profilestream.domain.ProfileAggregator;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.DefinitionKind;
import io.profilestream.profile.LifecycleStage;
import io.profilestream.profile.SegmentDefinition;

/**
 * Profiles and definitions for segment tests.
 */
final class SegmentFixtures {

    static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");

    private SegmentFixtures() {
    }

    /**
     * A profile as the engine creates it: counters at zero, collections empty, scores and times null.
     */
    static CustomerProfile emptyProfile(final String id) {
        return ProfileAggregator.newProfile(id);
    }

    /**
     * A profile with every group filled in, scores included.
     */
    static CustomerProfile richProfile(final String id) {
        final CustomerProfile profile = ProfileAggregator.newProfile(id);
        profile.getIdentity().setFirstSeen(NOW.minus(Duration.ofDays(400)));
        profile.getIdentity().setLastSeen(NOW.minus(Duration.ofDays(2)));
        profile.getIdentity().setVersion(120L);
        profile.getBehaviour().setSessions(14);
        profile.getBehaviour().setPageViews(90);
        profile.getBehaviour().setProductViews(40);
        profile.getBehaviour().setAddToCarts(9);
        profile.getBehaviour().setCheckoutsStarted(7);
        final Map<String, Double> affinity = new HashMap<>();
        affinity.put("outdoor", 4.5);
        affinity.put("books", 2.0);
        affinity.put("kitchen", 2.0);
        affinity.put("toys", 0.5);
        profile.getBehaviour().setCategoryAffinity(affinity);
        profile.getBehaviour().setAffinityAsOf(NOW.minus(Duration.ofDays(2)));
        profile.getBehaviour().setDeviceCounts(new HashMap<>(Map.of("MOBILE", 60L, "DESKTOP", 30L)));
        profile.getBehaviour().setChannelCounts(new HashMap<>(Map.of("email", 12L, "organic", 78L)));
        profile.getTransactions().setOrders(6);
        profile.getTransactions().setRefunds(1);
        profile.getTransactions().setRevenueMinor(125_000);
        profile.getTransactions().setDiscountMinor(5_000);
        profile.getTransactions().setItemsPurchased(8);
        profile.getTransactions().setFirstPurchaseAt(NOW.minus(Duration.ofDays(300)));
        profile.getTransactions().setLastPurchaseAt(NOW.minus(Duration.ofDays(100)));
        profile.getTransactions().setDistinctPurchaseDays(6);
        profile.getTransactions().setPurchaseDays(
            new ArrayList<>(List.of(19_800, 19_850, 19_900, 19_950, 20_000, 20_040)));
        profile.getTransactions().setAverageOrderValueMinor(20_833.0);
        profile.getTransactions().setCategorySpendMinor(new HashMap<>(Map.of("outdoor", 100_000L, "books", 25_000L)));
        profile.getEmail().setSent(20);
        profile.getEmail().setDelivered(19);
        profile.getEmail().setOpens(9);
        profile.getEmail().setClicks(3);
        profile.getEmail().setBounces(1);
        profile.getEmail().setLastOpenAt(NOW.minus(Duration.ofDays(5)));
        profile.getEmail().setLastClickAt(NOW.minus(Duration.ofDays(40)));
        // Scores by name, so that the fixture survives changes to the scores group (the models own it).
        setIfPresent(profile.getScores(), "pAlive", 0.35);
        setIfPresent(profile.getScores(), "churnRisk", 0.72);
        setIfPresent(profile.getScores(), "expectedPurchases", 0.4);
        setIfPresent(profile.getScores(), "engagementScore", 0.6);
        setIfPresent(profile.getScores(), "clvMinor", 40_000.0);
        setIfPresent(profile.getScores(), "rfmRecency", 2);
        profile.setLifecycleStage(LifecycleStage.AT_RISK);
        profile.setLifecycleSince(NOW.minus(Duration.ofDays(10)));
        return profile;
    }

    private static void setIfPresent(final IndexedRecord record, final String field, final Object value) {
        final Schema.Field schemaField = record.getSchema().getField(field);
        if (schemaField != null) {
            record.put(schemaField.pos(), value);
        }
    }

    static SegmentDefinition segment(final String id, final String expression) {
        return definition(id, DefinitionKind.SEGMENT, expression, 0, 1L);
    }

    static SegmentDefinition persona(final String id, final int priority, final String expression) {
        return definition(id, DefinitionKind.PERSONA, expression, priority, 1L);
    }

    static SegmentDefinition definition(final String id,
                                        final DefinitionKind kind,
                                        final String expression,
                                        final int priority,
                                        final long version) {
        return SegmentDefinition.newBuilder()
            .setId(id)
            .setName(id)
            .setKind(kind)
            .setExpression(expression)
            .setPriority(priority)
            .setVersion(version)
            .setUpdatedAt(NOW)
            .build();
    }
}
