package io.profilestream.segments;

import static io.profilestream.segments.SegmentFixtures.NOW;
import static io.profilestream.segments.SegmentFixtures.emptyProfile;
import static io.profilestream.segments.SegmentFixtures.richProfile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.DefinitionKind;
import io.profilestream.profile.SegmentDefinition;

class CatalogueYamlTest {

    private static final SegmentCompiler COMPILER = SegmentCompiler.withDefaultLimits();

    private static InputStream yaml(final String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<SegmentDefinition> defaults() {
        return CatalogueYaml.loadDefault(COMPILER, NOW);
    }

    @Test
    void shouldShipTheIssueExamplesAndSomePersonas() {
        final List<SegmentDefinition> definitions = defaults();

        assertThat(definitions).extracting(SegmentDefinition::getId).contains(
            "browsers-not-buyers", "high-value-at-risk", "cart-abandoners", "email-engaged", "email-suppressed",
            "new-customers", "one-time-buyers", "lapsed-loyalists", "outdoor-enthusiasts", "serial-refunders",
            "discount-only-buyers", "margin-risk");
        assertThat(definitions).filteredOn(d -> d.getKind() == DefinitionKind.PERSONA).hasSizeGreaterThanOrEqualTo(4);
        assertThat(definitions).allSatisfy(definition -> {
            assertThat(definition.getVersion()).isEqualTo(1L);
            assertThat(definition.getUpdatedAt()).isEqualTo(NOW);
            assertThat(definition.getEnabled()).isTrue();
            assertThat(definition.getDescription()).isNotBlank();
        });
    }

    @Test
    void shouldCompileEveryDefaultRuleWellWithinTheLimits() {
        final SegmentCatalogue catalogue = SegmentCatalogue.of(COMPILER, defaults());

        assertThat(catalogue.invalid()).isEmpty();
        assertThat(catalogue.definitions()).allSatisfy(definition -> {
            assertThat(definition.expression().astNodes()).isLessThan(SegmentLimits.DEFAULT.maxAstNodes() / 5);
            assertThat(definition.expression().comprehensionDepth()).isLessThanOrEqualTo(1);
        });
    }

    @Test
    void shouldEvaluateEveryDefaultRuleOnAnEmptyAndARichProfileWithoutError() {
        final SegmentCatalogue catalogue = SegmentCatalogue.of(COMPILER, defaults());
        final List<String> errors = new ArrayList<>();
        final SegmentEvaluator evaluator = new SegmentEvaluator(
            (id, version, profileId, error) -> errors.add(id + ": " + error.getMessage()));

        for (final CompiledDefinition definition : catalogue.definitions()) {
            evaluator.test(definition, COMPILER.context("empty", emptyProfile("empty"), NOW));
            evaluator.test(definition, COMPILER.context("rich", richProfile("rich"), NOW));
        }

        assertThat(errors).isEmpty();
    }

    @Test
    void shouldPlaceTheRichProfileInTheExpectedSegmentsAndPersona() {
        final SegmentCatalogue catalogue = SegmentCatalogue.of(COMPILER, defaults());
        final SegmentEvaluator evaluator = new SegmentEvaluator(EvaluationErrorListener.IGNORE);

        final SegmentEvaluation rich = evaluator.evaluate(catalogue, richProfile("rich"), NOW);
        final SegmentEvaluation empty = evaluator.evaluate(catalogue, emptyProfile("empty"), NOW);

        assertThat(rich.segments()).containsExactly("cart-abandoners", "email-engaged", "high-value-at-risk",
            "lapsed-loyalists", "outdoor-enthusiasts");
        assertThat(rich.persona()).contains("vip");
        assertThat(rich.errors()).isZero();
        assertThat(empty.segments()).isEmpty();
        assertThat(empty.persona()).isEmpty();
        assertThat(empty.errors()).isZero();
    }

    @Test
    void shouldMatchTheWorkedExamplesOfTheDocs() {
        final SegmentCatalogue catalogue = SegmentCatalogue.of(COMPILER, defaults());
        final SegmentEvaluator evaluator = new SegmentEvaluator(EvaluationErrorListener.IGNORE);
        final CustomerProfile newcomer = emptyProfile("c-new");
        newcomer.getIdentity().setFirstSeen(NOW.minus(Duration.ofDays(10)));
        newcomer.getIdentity().setLastSeen(NOW.minus(Duration.ofDays(1)));
        newcomer.getTransactions().setOrders(1);
        newcomer.getTransactions().setItemsPurchased(1);
        newcomer.getTransactions().setFirstPurchaseAt(NOW.minus(Duration.ofDays(3)));
        newcomer.getTransactions().setLastPurchaseAt(NOW.minus(Duration.ofDays(3)));
        newcomer.getEmail().setSubscribed(false);
        final CustomerProfile refunder = emptyProfile("c-refunds");
        refunder.getTransactions().setOrders(5);
        refunder.getTransactions().setRefunds(3);
        refunder.getTransactions().setDistinctPurchaseDays(5);
        refunder.getTransactions().setRevenueMinor(200_000);
        refunder.getTransactions().setLastPurchaseAt(NOW.minus(Duration.ofDays(5)));
        refunder.getBehaviour().setCategoryAffinity(Map.of("sports", 1.0));

        final SegmentEvaluation first = evaluator.evaluate(catalogue, newcomer, NOW);
        final SegmentEvaluation second = evaluator.evaluate(catalogue, refunder, NOW);

        assertThat(first.segments()).containsExactly("email-suppressed", "new-customers");
        assertThat(first.persona()).contains("newcomer");
        assertThat(second.segments()).containsExactly("outdoor-enthusiasts", "serial-refunders");
        assertThat(second.persona()).contains("margin-risk");
    }

    @Test
    void shouldReadOptionalFieldsWithDefaults() throws IOException {
        final List<SegmentDefinition> definitions = CatalogueYaml.read(yaml("""
            definitions:
              - id: buyers
                name: Buyers
                kind: segment
                expression: profile.transactions.orders >= 1
              - id: vip
                name: VIP
                description: Big spenders
                kind: PERSONA
                priority: 3
                enabled: false
                expression: profile.transactions.revenueMinor > 100000
            """), NOW);

        assertThat(definitions).hasSize(2);
        assertThat(definitions.get(0).getKind()).isEqualTo(DefinitionKind.SEGMENT);
        assertThat(definitions.get(0).getDescription()).isEmpty();
        assertThat(definitions.get(0).getPriority()).isZero();
        assertThat(definitions.get(0).getEnabled()).isTrue();
        assertThat(definitions.get(1).getPriority()).isEqualTo(3);
        assertThat(definitions.get(1).getEnabled()).isFalse();
    }

    @Test
    void shouldRejectMalformedEntries() {
        assertThatThrownBy(() -> CatalogueYaml.read(yaml("""
            definitions:
              - {id: a, name: A, kind: SEGMENT, expression: 'true'}
              - {id: a, name: A again, kind: SEGMENT, expression: 'true'}
            """), NOW)).hasMessage("definition 2 (a): the id is used twice");
        assertThatThrownBy(() -> CatalogueYaml.read(yaml("""
            definitions:
              - {id: Not Valid, name: A, kind: SEGMENT, expression: 'true'}
            """), NOW)).hasMessageContaining("lower-case letters, digits and single dashes");
        assertThatThrownBy(() -> CatalogueYaml.read(yaml("""
            definitions:
              - {id: a, name: A, kind: AUDIENCE, expression: 'true'}
            """), NOW)).hasMessage("definition 1 (a): kind must be SEGMENT or PERSONA, not AUDIENCE");
        assertThatThrownBy(() -> CatalogueYaml.read(yaml("""
            definitions:
              - {id: a, name: A, kind: SEGMENT}
            """), NOW)).hasMessage("definition 1 (a): 'expression' is required");
        assertThatThrownBy(() -> CatalogueYaml.read(yaml("""
            definitions:
              - {id: a, name: A, kind: SEGMENT, expresion: 'true'}
            """), NOW)).isInstanceOf(IOException.class).hasMessageContaining("expresion");
    }

    @Test
    void shouldRejectACatalogueWithARuleThatDoesNotCompile() {
        assertThatThrownBy(() -> CatalogueYaml.readValidated(yaml("""
            definitions:
              - {id: ok, name: OK, kind: SEGMENT, expression: 'true'}
              - {id: typo, name: Typo, kind: SEGMENT, expression: 'profile.transactions.ordrs > 1'}
            """), COMPILER, NOW))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("Invalid segment catalogue: typo: undefined field 'ordrs' (at 1:21)");
    }

    @Test
    void shouldAcceptOnlyUrlSafeIds() {
        assertThat(CatalogueYaml.isValidId("lapsed-loyalists")).isTrue();
        assertThat(CatalogueYaml.isValidId("vip2")).isTrue();
        assertThat(CatalogueYaml.isValidId("-vip")).isFalse();
        assertThat(CatalogueYaml.isValidId("vip--2")).isFalse();
        assertThat(CatalogueYaml.isValidId("VIP")).isFalse();
        assertThat(CatalogueYaml.isValidId("a".repeat(65))).isFalse();
        assertThat(CatalogueYaml.isValidId(null)).isFalse();
    }
}
