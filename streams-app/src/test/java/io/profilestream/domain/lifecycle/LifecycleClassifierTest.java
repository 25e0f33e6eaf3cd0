package io.profilestream.domain.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.profilestream.domain.ProfileAggregator;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.LifecycleStage;

class LifecycleClassifierTest {

    private static final Instant FIRST = Instant.parse("2026-01-01T00:00:00Z");
    private static final LifecycleRules RULES = new LifecycleRules(Duration.ofDays(30), 5, 0.6, 0.5, 0.9, 0.8,
        Duration.ofDays(30), Duration.ofDays(3650));

    private final AtomicReference<Double> risk = new AtomicReference<>(0.1);
    private final LifecycleClassifier classifier = new LifecycleClassifier(RULES, (profile, at) -> risk.get());

    private static CustomerProfile buyer(final int purchaseDays) {
        final CustomerProfile profile = ProfileAggregator.newProfile("c1");
        profile.getTransactions().setOrders(purchaseDays);
        profile.getTransactions().setDistinctPurchaseDays(purchaseDays);
        profile.getTransactions().setFirstPurchaseAt(FIRST);
        profile.getTransactions().setLastPurchaseAt(FIRST);
        return profile;
    }

    private LifecycleStage at(final CustomerProfile profile, final double churnRisk, final long day) {
        risk.set(churnRisk);
        final LifecycleStage stage = classifier.classify(profile, FIRST.plus(Duration.ofDays(day)));
        profile.setLifecycleStage(stage);
        return stage;
    }

    @Test
    void shouldTellVisitorsFromLeads() {
        assertThat(classifier.classify(ProfileAggregator.newProfile("anon:a1"), FIRST))
            .isEqualTo(LifecycleStage.VISITOR);
        assertThat(classifier.classify(ProfileAggregator.newProfile("c1"), FIRST)).isEqualTo(LifecycleStage.LEAD);
    }

    @Test
    void shouldKeepANewCustomerNewWhateverTheChurnRisk() {
        assertThat(at(buyer(1), 0.95, 29)).isEqualTo(LifecycleStage.NEW);
        assertThat(at(buyer(1), 0.1, 31)).isEqualTo(LifecycleStage.ACTIVE);
        assertThat(at(buyer(5), 0.1, 31)).isEqualTo(LifecycleStage.LOYAL);
    }

    @Test
    void shouldNotFlapAroundTheAtRiskThreshold() {
        final CustomerProfile profile = buyer(2);
        assertThat(at(profile, 0.59, 40)).isEqualTo(LifecycleStage.ACTIVE);
        assertThat(at(profile, 0.61, 41)).isEqualTo(LifecycleStage.AT_RISK);
        assertThat(at(profile, 0.55, 42)).isEqualTo(LifecycleStage.AT_RISK);
        assertThat(at(profile, 0.61, 43)).isEqualTo(LifecycleStage.AT_RISK);
        assertThat(at(profile, 0.49, 44)).isEqualTo(LifecycleStage.ACTIVE);
    }

    @Test
    void shouldHoldChurnedUntilAPurchaseBringsTheRiskDownAndThenReactivate() {
        final CustomerProfile profile = buyer(2);
        assertThat(at(profile, 0.91, 200)).isEqualTo(LifecycleStage.CHURNED);
        assertThat(at(profile, 0.85, 201)).isEqualTo(LifecycleStage.CHURNED);
        assertThat(at(profile, 0.2, 202)).isEqualTo(LifecycleStage.REACTIVATED);
        profile.setLifecycleSince(FIRST.plus(Duration.ofDays(202)));
        assertThat(at(profile, 0.2, 220)).isEqualTo(LifecycleStage.REACTIVATED);
        assertThat(at(profile, 0.2, 233)).isEqualTo(LifecycleStage.ACTIVE);
    }

    @Test
    void shouldFindWhenARisingChurnRiskCrossesTheNextThreshold() {
        final LifecycleClassifier linear = new LifecycleClassifier(RULES, (profile, at) ->
            Duration.between(FIRST, at).toDays() / 100.0);
        final CustomerProfile profile = buyer(2);
        profile.setLifecycleStage(LifecycleStage.ACTIVE);
        final Instant next = linear.nextChange(profile, FIRST.plus(Duration.ofDays(40)));
        assertThat(Duration.between(FIRST.plus(Duration.ofDays(60)), next).abs())
            .isLessThanOrEqualTo(Duration.ofDays(1));
        profile.setLifecycleStage(LifecycleStage.NEW);
        assertThat(linear.nextChange(profile, FIRST)).isEqualTo(FIRST.plus(Duration.ofDays(30)));
        // A churned customer stays churned until a purchase, but is scored again every week.
        profile.setLifecycleStage(LifecycleStage.CHURNED);
        assertThat(linear.nextChange(profile, FIRST)).isEqualTo(FIRST.plus(LifecycleClassifier.CHURNED_RESCORE));
    }

    @Test
    void shouldRefuseThresholdsThatContradictEachOther() {
        assertThatThrownBy(() -> new LifecycleRules(Duration.ofDays(30), 5, 0.6, 0.7, 0.9, 0.8, Duration.ofDays(30),
            Duration.ofDays(10))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("at-risk.exit <= at-risk.enter");
    }
}
