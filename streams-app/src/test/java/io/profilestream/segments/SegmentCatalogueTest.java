package io.profilestream.segments;

import static io.profilestream.segments.SegmentFixtures.persona;
import static io.profilestream.segments.SegmentFixtures.segment;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.profilestream.profile.SegmentDefinition;

class SegmentCatalogueTest {

    private static final SegmentCompiler COMPILER = SegmentCompiler.withDefaultLimits();

    @Test
    void shouldSplitSegmentsAndPersonasInTheirOrders() {
        final SegmentCatalogue catalogue = SegmentCatalogue.of(COMPILER, List.of(
            segment("zeta", "true"),
            persona("second", 5, "true"),
            segment("alpha", "true"),
            persona("first", 1, "true"),
            persona("also-second", 5, "true")));

        assertThat(catalogue.segments()).extracting(CompiledDefinition::id).containsExactly("alpha", "zeta");
        assertThat(catalogue.personas()).extracting(CompiledDefinition::id)
            .containsExactly("first", "also-second", "second");
        assertThat(catalogue.size()).isEqualTo(5);
        assertThat(catalogue.isTimeDependent()).isFalse();
    }

    @Test
    void shouldReuseTheCompiledRuleWhenOnlyMetadataChanges() {
        final SegmentDefinition v1 = segment("buyers", "profile.transactions.orders >= 1");
        final SegmentCatalogue before = SegmentCatalogue.of(COMPILER, List.of(v1));
        final SegmentDefinition v2 = SegmentDefinition.newBuilder(v1).setName("Buyers").setVersion(2L).build();
        final SegmentDefinition v3 = SegmentDefinition.newBuilder(v2)
            .setExpression("profile.transactions.orders >= 2").setVersion(3L).build();

        final SegmentCatalogue renamed = before.with(v2);
        final SegmentCatalogue changed = renamed.with(v3);

        final CompiledDefinition first = before.definition("buyers").orElseThrow();
        final CompiledDefinition second = renamed.definition("buyers").orElseThrow();
        assertThat(second.version()).isEqualTo(2L);
        assertThat(second.definition().getName()).isEqualTo("Buyers");
        assertThat(second.expression()).isSameAs(first.expression());
        assertThat(changed.definition("buyers").orElseThrow().expression()).isNotSameAs(first.expression());
        assertThat(before.definition("buyers").orElseThrow().version()).isEqualTo(1L);
    }

    @Test
    void shouldKeepAnInvalidDefinitionApartAndReplaceItWhenFixed() {
        final SegmentCatalogue broken = SegmentCatalogue.empty(COMPILER)
            .with(segment("buyers", "profile.transactions.orders >= 1"))
            .with(segment("buyers", "profile.transactions.orders >="));

        assertThat(broken.definition("buyers")).isEmpty();
        assertThat(broken.invalid()).containsOnlyKeys("buyers");
        assertThat(broken.invalid().get("buyers").error().position()).isPresent();
        assertThat(broken.size()).isEqualTo(1);

        final SegmentCatalogue fixed = broken.with(segment("buyers", "profile.transactions.orders >= 1"));
        assertThat(fixed.invalid()).isEmpty();
        assertThat(fixed.definition("buyers")).isPresent();
    }

    @Test
    void shouldRemoveADefinitionOnATombstone() {
        final SegmentCatalogue catalogue = SegmentCatalogue.of(COMPILER, List.of(
            segment("a", "true"), segment("b", "profile.nope")));

        final SegmentCatalogue withoutA = catalogue.without("a").without("b");

        assertThat(withoutA.size()).isZero();
        assertThat(withoutA.without("missing")).isSameAs(withoutA);
        assertThat(catalogue.size()).isEqualTo(2);
    }

    @Test
    void shouldTakeTheLastDefinitionForAnId() {
        final SegmentCatalogue catalogue = SegmentCatalogue.of(COMPILER, List.of(
            segment("a", "profile.nope"), persona("a", 1, "true")));

        assertThat(catalogue.invalid()).isEmpty();
        assertThat(catalogue.personas()).extracting(CompiledDefinition::id).containsExactly("a");
    }

    @Test
    void shouldReplaceAllDefinitionsRecompilingOnlyChangedExpressions() {
        final SegmentDefinition buyers = segment("buyers", "profile.transactions.orders >= 1");
        final SegmentDefinition broken = segment("broken", "profile.nope");
        final SegmentDefinition vip = persona("vip", 1, "profile.transactions.revenueMinor > 100000");
        final SegmentCatalogue catalogue = SegmentCatalogue.of(COMPILER, List.of(buyers, broken, vip));

        final SegmentCatalogue same = catalogue.withDefinitions(List.of(vip, broken, buyers));
        final SegmentDefinition renamed = SegmentDefinition.newBuilder(buyers).setName("Buyers").setVersion(2L).build();
        final SegmentCatalogue next = catalogue.withDefinitions(List.of(renamed, broken,
            segment("new", "profile.behaviour.sessions > 2")));

        assertThat(same).isSameAs(catalogue);
        assertThat(next.definition("buyers").orElseThrow().expression())
            .isSameAs(catalogue.definition("buyers").orElseThrow().expression());
        assertThat(next.invalid().get("broken").error()).isSameAs(catalogue.invalid().get("broken").error());
        assertThat(next.definition("vip")).isEmpty();
        assertThat(next.definition("new")).isPresent();
        assertThat(next.version("buyers")).hasValue(2L);
        assertThat(next.version("broken")).hasValue(1L);
        assertThat(next.version("vip")).isEmpty();
    }

    @Test
    void shouldKnowWhetherAnEnabledRuleDependsOnTime() {
        final SegmentDefinition recent = segment("recent", "daysSince(profile.identity.lastSeen) < 7");
        final SegmentCatalogue catalogue = SegmentCatalogue.of(COMPILER, List.of(recent));

        assertThat(catalogue.isTimeDependent()).isTrue();
        assertThat(catalogue.with(SegmentDefinition.newBuilder(recent).setEnabled(false).build()).isTimeDependent())
            .isFalse();
    }
}
