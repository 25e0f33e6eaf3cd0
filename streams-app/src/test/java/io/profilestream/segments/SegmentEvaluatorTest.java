package io.profilestream.segments;

import static io.profilestream.segments.SegmentFixtures.NOW;
import static io.profilestream.segments.SegmentFixtures.definition;
import static io.profilestream.segments.SegmentFixtures.emptyProfile;
import static io.profilestream.segments.SegmentFixtures.persona;
import static io.profilestream.segments.SegmentFixtures.richProfile;
import static io.profilestream.segments.SegmentFixtures.segment;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.profilestream.domain.MembershipChange;
import io.profilestream.profile.ChangeKind;
import io.profilestream.profile.ChangeType;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.DefinitionKind;
import io.profilestream.profile.SegmentDefinition;

class SegmentEvaluatorTest {

    private static final SegmentCompiler COMPILER = SegmentCompiler.withDefaultLimits();

    private final List<String> reported = new ArrayList<>();
    private final SegmentEvaluator evaluator = new SegmentEvaluator(
        (id, version, profileId, error) -> reported.add(id + "@" + version + " " + profileId));

    private static SegmentCatalogue catalogue(final SegmentDefinition... definitions) {
        return SegmentCatalogue.of(COMPILER, List.of(definitions));
    }

    private static SegmentDefinition disabled(final SegmentDefinition definition) {
        return SegmentDefinition.newBuilder(definition).setEnabled(false).setVersion(definition.getVersion() + 1)
            .build();
    }

    private static MembershipChange segmentChange(final String id,
                                                  final long version,
                                                  final ChangeType change,
                                                  final ChangeReason reason) {
        return new MembershipChange(ChangeKind.SEGMENT, id, version, change, reason.text());
    }

    private static MembershipChange personaChange(final String id,
                                                  final long version,
                                                  final ChangeType change,
                                                  final ChangeReason reason) {
        return new MembershipChange(ChangeKind.PERSONA, id, version, change, reason.text());
    }

    private static CustomerProfile buyer(final long orders) {
        final CustomerProfile profile = emptyProfile("c-1");
        profile.getTransactions().setOrders(orders);
        return profile;
    }

    @Test
    void shouldEnterASegmentWhenItsRuleStartsToMatch() {
        final SegmentCatalogue catalogue = catalogue(
            segment("buyers", "profile.transactions.orders >= 1"),
            segment("repeat-buyers", "profile.transactions.orders >= 2"));

        final SegmentEvaluation evaluation = evaluator.evaluate(catalogue, buyer(1), NOW);

        assertThat(evaluation.segments()).containsExactly("buyers");
        assertThat(evaluation.changes())
            .containsExactly(segmentChange("buyers", 1L, ChangeType.ENTERED, ChangeReason.MATCHED));
    }

    @Test
    void shouldExitASegmentWhenItsRuleStopsMatching() {
        final SegmentCatalogue catalogue = catalogue(segment("no-orders", "profile.transactions.orders == 0"));
        final CustomerProfile profile = emptyProfile("c-1");
        evaluator.evaluate(catalogue, profile, NOW).applyTo(profile);
        assertThat(profile.getSegments()).containsExactly("no-orders");

        profile.getTransactions().setOrders(1);
        final SegmentEvaluation evaluation = evaluator.evaluate(catalogue, profile, NOW);

        assertThat(evaluation.segments()).isEmpty();
        assertThat(evaluation.changes())
            .containsExactly(segmentChange("no-orders", 1L, ChangeType.EXITED, ChangeReason.NO_LONGER_MATCHES));
    }

    @Test
    void shouldReportNoChangeWhenMembershipIsUnchanged() {
        final SegmentCatalogue catalogue = catalogue(
            segment("a-buyers", "profile.transactions.orders >= 1"),
            segment("b-browsers", "profile.behaviour.sessions >= 1"),
            persona("regular", 1, "profile.transactions.orders >= 1"));
        final CustomerProfile profile = buyer(3);
        final SegmentEvaluation first = evaluator.evaluate(catalogue, profile, NOW);
        first.applyTo(profile);

        final List<String> before = profile.getSegments();
        final SegmentEvaluation second = evaluator.evaluate(catalogue, profile, NOW);

        assertThat(first.changes()).hasSize(2);
        assertThat(second.changed()).isFalse();
        assertThat(second.changes()).isEmpty();
        assertThat(second.segments()).containsExactly("a-buyers");
        assertThat(second.persona()).contains("regular");
        second.applyTo(profile);
        assertThat(profile.getSegments()).isSameAs(before);
    }

    @Test
    void shouldKeepMembershipsInIdOrderAndDiffInAnyOrder() {
        final SegmentCatalogue catalogue = catalogue(
            segment("c", "true"), segment("a", "true"), segment("b", "false"), segment("d", "true"));

        final SegmentEvaluation evaluation = evaluator.evaluate(catalogue, evaluatorContext(emptyProfile("c-1")),
            List.of("d", "b", "a", "a", "gone"), null);

        assertThat(evaluation.segments()).containsExactly("a", "c", "d");
        assertThat(evaluation.changes()).containsExactly(
            segmentChange("b", 1L, ChangeType.EXITED, ChangeReason.NO_LONGER_MATCHES),
            segmentChange("c", 1L, ChangeType.ENTERED, ChangeReason.MATCHED),
            segmentChange("gone", 0L, ChangeType.EXITED, ChangeReason.DELETED));
    }

    @Test
    void shouldCountARuntimeErrorAsNotAMemberAndReportIt() {
        final SegmentCatalogue catalogue = catalogue(
            segment("lapsed", "daysSince(profile.transactions.lastPurchaseAt) > 30"),
            segment("buyers", "profile.transactions.orders >= 0"));
        final CustomerProfile neverBought = emptyProfile("c-1");
        neverBought.setSegments(new ArrayList<>(List.of("lapsed")));

        final SegmentEvaluation evaluation = evaluator.evaluate(catalogue, neverBought, NOW);

        assertThat(evaluation.segments()).containsExactly("buyers");
        assertThat(evaluation.errors()).isEqualTo(1);
        assertThat(evaluation.changes()).containsExactly(
            segmentChange("buyers", 1L, ChangeType.ENTERED, ChangeReason.MATCHED),
            segmentChange("lapsed", 1L, ChangeType.EXITED, ChangeReason.EVALUATION_ERROR));
        assertThat(reported).containsExactly("lapsed@1 c-1");
    }

    @Test
    void shouldSurviveAnErrorListenerThatThrows() {
        final SegmentEvaluator failing = new SegmentEvaluator((id, version, profileId, error) -> {
            throw new IllegalStateException("metrics are down");
        });
        final SegmentCatalogue catalogue = catalogue(segment("risky", "profile.scores.churnRisk > 0.5"));

        final SegmentEvaluation evaluation = failing.evaluate(catalogue, emptyProfile("c-1"), NOW);

        assertThat(evaluation.segments()).isEmpty();
        assertThat(evaluation.errors()).isEqualTo(1);
    }

    @Test
    void shouldNotCrashOnNullScores() {
        final SegmentCatalogue catalogue = catalogue(
            segment("guarded", "has(profile.scores.churnRisk) && profile.scores.churnRisk > 0.6"),
            segment("defaulted", "coalesce(profile.scores.pAlive, 1.0) < 0.5"),
            segment("unguarded", "profile.scores.churnRisk > 0.6"));

        final SegmentEvaluation empty = evaluator.evaluate(catalogue, emptyProfile("c-1"), NOW);
        final SegmentEvaluation rich = evaluator.evaluate(catalogue, richProfile("c-2"), NOW);

        assertThat(empty.segments()).isEmpty();
        assertThat(empty.errors()).isEqualTo(1);
        assertThat(rich.segments()).containsExactly("defaulted", "guarded", "unguarded");
        assertThat(rich.errors()).isZero();
    }

    @Test
    void shouldExitMembersOfADisabledDefinitionWithoutEvaluatingIt() {
        final SegmentDefinition buyers = segment("buyers", "profile.transactions.orders >= 1");
        final CustomerProfile profile = buyer(2);
        evaluator.evaluate(catalogue(buyers), profile, NOW).applyTo(profile);

        final SegmentEvaluation evaluation = evaluator.evaluate(catalogue(disabled(buyers)), profile, NOW);

        assertThat(evaluation.segments()).isEmpty();
        assertThat(evaluation.changes())
            .containsExactly(segmentChange("buyers", 2L, ChangeType.EXITED, ChangeReason.DISABLED));
        assertThat(evaluator.evaluate(catalogue(disabled(buyers)), buyer(2), NOW).changed()).isFalse();
    }

    @Test
    void shouldExitMembersOfADeletedOrInvalidDefinition() {
        final CustomerProfile profile = buyer(2);
        profile.setSegments(new ArrayList<>(List.of("broken", "deleted")));
        final SegmentCatalogue catalogue = catalogue(segment("broken", "profile.transactions.ordrs >= 1"));

        final SegmentEvaluation evaluation = evaluator.evaluate(catalogue, profile, NOW);

        assertThat(catalogue.invalid()).containsOnlyKeys("broken");
        assertThat(evaluation.segments()).isEmpty();
        assertThat(evaluation.changes()).containsExactly(
            segmentChange("broken", 1L, ChangeType.EXITED, ChangeReason.INVALID),
            segmentChange("deleted", 0L, ChangeType.EXITED, ChangeReason.DELETED));
    }

    @Test
    void shouldGiveAtMostOnePersonaTheFirstInPriorityOrder() {
        final SegmentCatalogue catalogue = catalogue(
            persona("anyone", 90, "true"),
            persona("buyer", 20, "profile.transactions.orders >= 1"),
            persona("big-buyer", 10, "profile.transactions.orders >= 5"),
            persona("also-big-buyer", 10, "profile.transactions.orders >= 5"));

        assertThat(catalogue.personas()).extracting(CompiledDefinition::id)
            .containsExactly("also-big-buyer", "big-buyer", "buyer", "anyone");
        assertThat(evaluator.evaluate(catalogue, buyer(0), NOW).persona()).contains("anyone");
        assertThat(evaluator.evaluate(catalogue, buyer(1), NOW).persona()).contains("buyer");
        final SegmentEvaluation big = evaluator.evaluate(catalogue, buyer(7), NOW);
        assertThat(big.persona()).contains("also-big-buyer");
        assertThat(big.changes())
            .containsExactly(personaChange("also-big-buyer", 1L, ChangeType.ENTERED, ChangeReason.MATCHED));
        assertThat(big.segments()).isEmpty();
    }

    @Test
    void shouldChangePersonaAsExitOfTheOldThenEntryOfTheNew() {
        final SegmentCatalogue catalogue = catalogue(
            persona("vip", 10, "profile.transactions.orders >= 5"),
            persona("buyer", 20, "profile.transactions.orders >= 1"),
            persona("visitor", 30, "profile.transactions.orders == 0"));
        final CustomerProfile profile = buyer(1);
        evaluator.evaluate(catalogue, profile, NOW).applyTo(profile);
        assertThat(profile.getPersona()).isEqualTo("buyer");

        profile.getTransactions().setOrders(6);
        final SegmentEvaluation promoted = evaluator.evaluate(catalogue, profile, NOW);
        promoted.applyTo(profile);

        assertThat(promoted.changes()).containsExactly(
            personaChange("buyer", 1L, ChangeType.EXITED, ChangeReason.OUTRANKED),
            personaChange("vip", 1L, ChangeType.ENTERED, ChangeReason.MATCHED));
        assertThat(profile.getPersona()).isEqualTo("vip");

        profile.getTransactions().setOrders(0);
        assertThat(evaluator.evaluate(catalogue, profile, NOW).changes()).containsExactly(
            personaChange("vip", 1L, ChangeType.EXITED, ChangeReason.NO_LONGER_MATCHES),
            personaChange("visitor", 1L, ChangeType.ENTERED, ChangeReason.MATCHED));
    }

    @Test
    void shouldLeaveAPersonaWhenNoneMatchesOrItIsDisabled() {
        final SegmentDefinition buyer = persona("buyer", 10, "profile.transactions.orders >= 1");
        final CustomerProfile profile = buyer(1);
        evaluator.evaluate(catalogue(buyer), profile, NOW).applyTo(profile);

        assertThat(evaluator.evaluate(catalogue(disabled(buyer)), profile, NOW).changes())
            .containsExactly(personaChange("buyer", 2L, ChangeType.EXITED, ChangeReason.DISABLED));
        assertThat(evaluator.evaluate(catalogue(), profile, NOW).changes())
            .containsExactly(personaChange("buyer", 0L, ChangeType.EXITED, ChangeReason.DELETED));
        profile.getTransactions().setOrders(0);
        final SegmentEvaluation none = evaluator.evaluate(catalogue(buyer), profile, NOW);
        assertThat(none.persona()).isEmpty();
        assertThat(none.changes())
            .containsExactly(personaChange("buyer", 1L, ChangeType.EXITED, ChangeReason.NO_LONGER_MATCHES));
    }

    @Test
    void shouldSkipAPersonaWhoseRuleFailsAndReportIt() {
        final SegmentCatalogue catalogue = catalogue(
            persona("lapsed", 10, "daysSince(profile.transactions.lastPurchaseAt) > 90"),
            persona("anyone", 20, "true"));

        final SegmentEvaluation evaluation = evaluator.evaluate(catalogue, emptyProfile("c-1"), NOW);

        assertThat(evaluation.persona()).contains("anyone");
        assertThat(reported).containsExactly("lapsed@1 c-1");
    }

    @Test
    void shouldKeepSegmentsAndPersonasWithTheSameRulesApart() {
        final SegmentCatalogue catalogue = catalogue(
            segment("buyers", "profile.transactions.orders >= 1"),
            persona("buyer", 1, "profile.transactions.orders >= 1"));

        final SegmentEvaluation evaluation = evaluator.evaluate(catalogue, buyer(1), NOW);

        assertThat(evaluation.segments()).containsExactly("buyers");
        assertThat(evaluation.persona()).contains("buyer");
        assertThat(evaluation.changes()).extracting(MembershipChange::kind)
            .containsExactly(ChangeKind.SEGMENT, ChangeKind.PERSONA);
    }

    @Test
    void shouldExitASegmentThatBecameAPersona() {
        final CustomerProfile profile = buyer(1);
        profile.setSegments(new ArrayList<>(List.of("buyers")));
        final SegmentCatalogue catalogue = catalogue(
            definition("buyers", DefinitionKind.PERSONA, "profile.transactions.orders >= 1", 0, 2L));

        final SegmentEvaluation evaluation = evaluator.evaluate(catalogue, profile, NOW);

        assertThat(evaluation.changes()).containsExactly(
            segmentChange("buyers", 0L, ChangeType.EXITED, ChangeReason.DELETED),
            personaChange("buyers", 2L, ChangeType.ENTERED, ChangeReason.MATCHED));
    }

    @Test
    void shouldEvaluateOnlyTheGivenDefinitionForBackfill() {
        final SegmentCatalogue catalogue = catalogue(
            segment("buyers", "profile.transactions.orders >= 1"),
            segment("new-rule", "profile.transactions.orders >= 2"),
            persona("anyone", 1, "true"));
        final CustomerProfile profile = buyer(3);
        profile.setSegments(new ArrayList<>(List.of("stale-but-not-in-scope")));

        final SegmentEvaluation backfill = evaluator.evaluateDefinition(catalogue, "new-rule", profile, NOW);

        assertThat(backfill.changes())
            .containsExactly(segmentChange("new-rule", 1L, ChangeType.ENTERED, ChangeReason.MATCHED));
        assertThat(backfill.segments()).containsExactly("new-rule", "stale-but-not-in-scope");
        assertThat(backfill.persona()).isEmpty();
        assertThat(evaluator.evaluateDefinition(catalogue, "anyone", profile, NOW).changes())
            .containsExactly(personaChange("anyone", 1L, ChangeType.ENTERED, ChangeReason.MATCHED));
        assertThat(evaluator.evaluateDefinition(catalogue, "stale-but-not-in-scope", profile, NOW).changes())
            .containsExactly(segmentChange("stale-but-not-in-scope", 0L, ChangeType.EXITED, ChangeReason.DELETED));
    }

    @Test
    void shouldTestOneDefinitionOrADraftForPreview() {
        final SegmentCatalogue catalogue = catalogue(segment("buyers", "profile.transactions.orders >= 1"));
        final EvaluationContext context = evaluatorContext(buyer(1));

        assertThat(evaluator.test(catalogue.definition("buyers").orElseThrow(), context)).isEqualTo(Match.MATCH);
        assertThat(evaluator.test(COMPILER.compile("profile.transactions.orders > 1"), context))
            .isEqualTo(Match.NO_MATCH);
        assertThat(evaluator.test(COMPILER.compile("profile.scores.churnRisk > 0.1"), context))
            .isEqualTo(Match.ERROR);
        assertThat(reported).containsExactly("null@0 c-1");
    }

    @Test
    void shouldReEvaluateTimeDependentRulesAgainstNow() {
        final SegmentCatalogue catalogue = catalogue(
            segment("recent", "has(profile.identity.lastSeen) && daysSince(profile.identity.lastSeen) <= 7"));
        final CustomerProfile profile = richProfile("c-1");
        evaluator.evaluate(catalogue, profile, NOW).applyTo(profile);
        assertThat(profile.getSegments()).containsExactly("recent");

        final SegmentEvaluation later = evaluator.evaluate(catalogue, profile, NOW.plusSeconds(6 * 86_400));

        assertThat(catalogue.isTimeDependent()).isTrue();
        assertThat(later.changes())
            .containsExactly(segmentChange("recent", 1L, ChangeType.EXITED, ChangeReason.NO_LONGER_MATCHES));
    }

    private static EvaluationContext evaluatorContext(final CustomerProfile profile) {
        return COMPILER.context(profile.getProfileId(), profile, NOW);
    }
}
