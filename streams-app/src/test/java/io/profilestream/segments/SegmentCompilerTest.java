package io.profilestream.segments;

import static io.profilestream.segments.SegmentFixtures.NOW;
import static io.profilestream.segments.SegmentFixtures.emptyProfile;
import static io.profilestream.segments.SegmentFixtures.richProfile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.junit.jupiter.api.Test;

import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.RfmScores;

class SegmentCompilerTest {

    private static final SegmentCompiler COMPILER = SegmentCompiler.withDefaultLimits();

    private static boolean matches(final String expression, final IndexedRecord profile) throws Exception {
        return COMPILER.compile(expression).matches(COMPILER.context("p-1", profile, NOW));
    }

    private static InvalidExpressionException invalid(final SegmentCompiler compiler, final String expression) {
        try {
            compiler.compile(expression);
        } catch (final InvalidExpressionException e) {
            return e;
        }
        throw new AssertionError("Expected " + expression + " not to compile");
    }

    @Test
    void shouldReadComputedTraitsOfEveryType() throws Exception {
        final CustomerProfile profile = emptyProfile("p-1");
        profile.setComputedTraits(new HashMap<>(Map.of("tickets", 2L, "points", 12.5,
            "channel", "chat")));
        assertThat(matches("'tickets' in profile.computedTraits && profile.computedTraits['tickets'] >= 2", profile))
            .isTrue();
        assertThat(matches("profile.computedTraits['points'] > 12.0"
            + " && profile.computedTraits['channel'] == 'chat'", profile)).isTrue();
        assertThat(matches("lookup(profile.computedTraits, 'tickets', 0) == 2"
            + " && lookup(profile.computedTraits, 'absent', 0) == 0", profile)).isTrue();
        assertThat(matches("'absent' in profile.computedTraits", profile)).isFalse();
    }

    @Test
    void shouldCompileAndEvaluateTheArchitectureExample() throws Exception {
        final String rule = "profile.transactions.orders >= 2 && profile.scores.churnRisk > 0.6";

        assertThat(matches(rule, richProfile("p-1"))).isTrue();
        // Churn risk rises while nothing happens, so the rule is re-checked when it crosses 0.6.
        assertThat(COMPILER.compile(rule).usesNow()).isTrue();
    }

    @Test
    void shouldReportASyntaxErrorWithItsPosition() {
        final InvalidExpressionException e = invalid(COMPILER, "profile.transactions.orders >=");

        assertThat(e.error()).isNotBlank();
        assertThat(e.position()).hasValueSatisfying(position -> {
            assertThat(position.line()).isEqualTo(1);
            assertThat(position.column()).isEqualTo(31);
            assertThat(position.offset()).isEqualTo(30);
        });
    }

    @Test
    void shouldRejectAMisspeltFieldAtCompileTimeWithItsPosition() {
        final InvalidExpressionException e = invalid(COMPILER,
            "profile.transactions.orders >= 2 &&\n  profile.scores.churnRsk > 0.6");

        assertThat(e.error()).isEqualTo("undefined field 'churnRsk'");
        assertThat(e.position()).hasValueSatisfying(position -> {
            assertThat(position.line()).isEqualTo(2);
            assertThat(position.column()).isEqualTo(17);
            assertThat(position.offset()).isEqualTo(52);
        });
    }

    @Test
    void shouldRejectAnUnknownVariableOrFunction() {
        assertThat(invalid(COMPILER, "customer.orders > 1").error()).contains("undeclared reference to 'customer'");
        assertThat(invalid(COMPILER, "weeksSince(profile.identity.firstSeen) > 1.0").error())
            .contains("undeclared reference to 'weeksSince'");
    }

    @Test
    void shouldRejectAComparisonOfMismatchedTypes() {
        final InvalidExpressionException e = invalid(COMPILER, "profile.transactions.orders > 'two'");

        assertThat(e.error()).contains("no matching overload");
        assertThat(e.position()).isPresent();
    }

    @Test
    void shouldRejectAnExpressionThatIsNotBoolean() {
        assertThat(invalid(COMPILER, "profile.transactions.orders").error())
            .isEqualTo("expected type 'bool' but found 'int'");
    }

    @Test
    void shouldRejectAnEmptyExpression() {
        assertThat(invalid(COMPILER, "  ").error()).isEqualTo("The expression is empty");
        assertThat(invalid(COMPILER, null).position()).isEmpty();
    }

    @Test
    void shouldRejectAnExpressionOverTheLengthLimit() {
        final SegmentCompiler compiler = new SegmentCompiler(new SegmentLimits(40, 400, 2, 1_000));

        final InvalidExpressionException e = invalid(compiler,
            "profile.transactions.orders >= 2 && profile.behaviour.sessions > 3");

        assertThat(e.error()).isEqualTo("The expression is 66 characters long; the limit is 40");
        assertThat(e.position()).isEmpty();
    }

    @Test
    void shouldRejectAnExpressionOverTheNodeLimit() {
        final SegmentCompiler compiler = new SegmentCompiler(new SegmentLimits(4_096, 10, 2, 1_000));
        compiler.compile("profile.transactions.orders >= 2");

        final InvalidExpressionException e = invalid(compiler,
            "profile.transactions.orders >= 2 && profile.behaviour.sessions > 3");

        assertThat(e.error()).isEqualTo("The expression has 11 nodes after macro expansion; the limit is 10");
    }

    @Test
    void shouldRejectComprehensionsNestedBeyondTheDepthLimit() {
        final SegmentCompiler compiler = new SegmentCompiler(new SegmentLimits(4_096, 400, 1, 1_000));
        final String oneDeep = "profile.behaviour.topCategories.exists(c, c == 'outdoor')";
        final String twoDeep = "profile.behaviour.topCategories.exists(c,\n"
            + "  profile.identity.anonymousIds.exists(a, a == c))";

        assertThat(compiler.compile(oneDeep).comprehensionDepth()).isEqualTo(1);
        final InvalidExpressionException e = invalid(compiler, twoDeep);
        assertThat(e.error())
            .isEqualTo("Comprehensions (all, exists, exists_one, map, filter) are nested 2 deep; the limit is 1");
        assertThat(e.position()).hasValueSatisfying(position -> assertThat(position.line()).isEqualTo(2));
        assertThat(invalid(new SegmentCompiler(new SegmentLimits(4_096, 400, 0, 1_000)), oneDeep).error())
            .contains("nested 1 deep; the limit is 0");
    }

    @Test
    void shouldStopAnEvaluationThatIteratesTooMuch() {
        final SegmentCompiler compiler = new SegmentCompiler(new SegmentLimits(4_096, 400, 2, 10));
        final CompiledExpression rule = compiler.compile(
            "profile.transactions.purchaseDays.exists(d, profile.transactions.purchaseDays.exists(e, d - e > 1000))");

        assertThatThrownBy(() -> rule.matches(compiler.context("p-1", richProfile("p-1"), NOW)))
            .isInstanceOf(SegmentEvaluationException.class)
            .hasMessageContaining("10");
    }

    @Test
    void shouldRejectRecordCreation() {
        final InvalidExpressionException e = invalid(COMPILER,
            "io.profilestream.profile.Scores{churnRisk: 0.9}.churnRisk > 0.5");

        assertThat(e.error()).isEqualTo("Creating records is not supported in segment rules");
        assertThat(e.position()).isPresent();
    }

    @Test
    void shouldTreatNullScoresAsNullNotAsZero() throws Exception {
        final CustomerProfile empty = emptyProfile("p-1");

        assertThat(matches("has(profile.scores.churnRisk)", empty)).isFalse();
        assertThat(matches("profile.scores.churnRisk == null", empty)).isTrue();
        assertThat(matches("coalesce(profile.scores.churnRisk, 0.0) > 0.6", empty)).isFalse();
        assertThat(matches("coalesce(profile.scores.churnRisk, 1.0) > 0.6", empty)).isTrue();
        assertThat(matches("has(profile.scores.churnRisk) && profile.scores.churnRisk > 0.6", empty)).isFalse();
        assertThat(matches("has(profile.scores.churnRisk) && profile.scores.churnRisk > 0.6", richProfile("p-1")))
            .isTrue();
    }

    @Test
    void shouldFailAtRunTimeWhenANullScoreIsComparedUnguarded() {
        final CompiledExpression rule = COMPILER.compile("profile.scores.churnRisk > 0.6");

        assertThatThrownBy(() -> rule.matches(COMPILER.context("p-1", emptyProfile("p-1"), NOW)))
            .isInstanceOf(SegmentEvaluationException.class)
            .hasMessageContaining("No matching overload");
    }

    @Test
    void shouldReadANullableNestedRecordOnlyWhenPresent() throws Exception {
        final String rule = "has(profile.scores.rfm) && profile.scores.rfm.recency >= 4";
        final CustomerProfile scored = richProfile("p-1");
        scored.getScores().setRfm(RfmScores.newBuilder().setRecency(5).setFrequency(3).setMonetary(4).build());

        assertThat(matches(rule, emptyProfile("p-1"))).isFalse();
        assertThat(matches(rule, scored)).isTrue();
        assertThatThrownBy(() -> matches("profile.scores.rfm.recency >= 4", emptyProfile("p-1")))
            .isInstanceOf(SegmentEvaluationException.class);
    }

    @Test
    void shouldExposeTimestampsAsCelTimestamps() throws Exception {
        final CustomerProfile rich = richProfile("p-1");

        assertThat(matches("profile.transactions.lastPurchaseAt < now - duration('2160h')", rich)).isTrue();
        assertThat(matches("profile.transactions.lastPurchaseAt.getFullYear() == 2025", rich)).isTrue();
        assertThat(matches("profile.identity.lastSeen > timestamp('2025-05-01T00:00:00Z')", rich)).isTrue();
        assertThat(matches("has(profile.transactions.lastPurchaseAt)", emptyProfile("p-1"))).isFalse();
        assertThat(matches("profile.transactions.lastPurchaseAt == null", emptyProfile("p-1"))).isTrue();
    }

    @Test
    void shouldComputeDaysSinceFromNow() throws Exception {
        final CustomerProfile rich = richProfile("p-1");

        assertThat(matches("daysSince(profile.transactions.lastPurchaseAt) == 100.0", rich)).isTrue();
        assertThat(matches("daysBetween(profile.transactions.firstPurchaseAt, profile.transactions.lastPurchaseAt)"
            + " == 200.0", rich)).isTrue();
        assertThat(COMPILER.compile("daysSince(profile.identity.lastSeen) < 7").usesNow()).isTrue();
    }

    @Test
    void shouldFailAtRunTimeWhenDaysSinceGetsANull() {
        final CompiledExpression rule = COMPILER.compile("daysSince(profile.transactions.lastPurchaseAt) > 30");

        assertThatThrownBy(() -> rule.matches(COMPILER.context("p-1", emptyProfile("p-1"), NOW)))
            .isInstanceOf(SegmentEvaluationException.class)
            .hasMessageContaining("guard the field with has(...)");
    }

    @Test
    void shouldListTopCategoriesByAffinity() throws Exception {
        final CustomerProfile rich = richProfile("p-1");

        assertThat(matches("profile.behaviour.topCategories == ['outdoor', 'books', 'kitchen']", rich)).isTrue();
        assertThat(matches("'outdoor' in profile.behaviour.topCategories", rich)).isTrue();
        assertThat(matches("'toys' in profile.behaviour.topCategories", rich)).isFalse();
        assertThat(matches("size(profile.behaviour.topCategories) == 0", emptyProfile("p-1"))).isTrue();
    }

    @Test
    void shouldReadAffinityAndMapsWithDefaults() throws Exception {
        final CustomerProfile rich = richProfile("p-1");

        assertThat(matches("affinity('outdoor') == 4.5 && affinity('garden') == 0.0", rich)).isTrue();
        assertThat(matches("lookup(profile.behaviour.channelCounts, 'email', 0) == 12", rich)).isTrue();
        assertThat(matches("lookup(profile.behaviour.channelCounts, 'paid', 0) == 0", rich)).isTrue();
        assertThat(matches("profile.transactions.categorySpendMinor['outdoor'] == 100000", rich)).isTrue();
    }

    @Test
    void shouldDivideSafelyWithRatio() throws Exception {
        assertThat(matches("ratio(profile.transactions.refunds, profile.transactions.orders) == 0.0",
            emptyProfile("p-1"))).isTrue();
        assertThat(matches("ratio(profile.email.opens, profile.email.delivered) > 0.47", richProfile("p-1")))
            .isTrue();
    }

    @Test
    void shouldExposeEnumsAsTheirSymbols() throws Exception {
        assertThat(matches("profile.lifecycleStage == 'AT_RISK'", richProfile("p-1"))).isTrue();
        assertThat(matches("profile.lifecycleStage == null", emptyProfile("p-1"))).isTrue();
    }

    @Test
    void shouldCompareIntegersWithDoubles() throws Exception {
        assertThat(matches("profile.transactions.orders > 5.5", richProfile("p-1"))).isTrue();
    }

    @Test
    void shouldFollowTheSchemaSoThatNewFieldsNeedNoCode() throws Exception {
        final Schema schema = new Schema.Parser().parse("""
            {"type": "record", "name": "Profile", "namespace": "io.example", "fields": [
              {"name": "profileId", "type": "string"},
              {"name": "demographics", "type": {"type": "record", "name": "Demographics", "fields": [
                {"name": "age", "type": ["null", "int"]},
                {"name": "gender", "type": ["null", {"type": "enum", "name": "Gender",
                  "symbols": ["FEMALE", "MALE", "OTHER"]}]},
                {"name": "birthday", "type": ["null", {"type": "int", "logicalType": "date"}]}]}},
              {"name": "consent", "type": ["null", {"type": "record", "name": "Consent", "fields": [
                {"name": "email", "type": "boolean"}]}]},
              {"name": "tags", "type": {"type": "array", "items": "string"}},
              {"name": "orders", "type": {"type": "array", "items": {"type": "record", "name": "Order", "fields": [
                {"name": "total", "type": "long"}]}}},
              {"name": "scoresByModel", "type": {"type": "map", "values": "float"}},
              {"name": "updated", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}
            """);
        final SegmentCompiler compiler = new SegmentCompiler(schema, SegmentLimits.DEFAULT);
        final GenericRecord demographics = new GenericData.Record(schema.getField("demographics").schema());
        demographics.put("age", 42);
        demographics.put("gender", new GenericData.EnumSymbol(
            schema.getField("demographics").schema().getField("gender").schema().getTypes().get(1), "FEMALE"));
        demographics.put("birthday", 19_000);
        final GenericRecord profile = new GenericData.Record(schema);
        profile.put("profileId", "p-1");
        profile.put("demographics", demographics);
        profile.put("consent", null);
        profile.put("tags", List.of("vip", "beta"));
        final Schema order = schema.getField("orders").schema().getElementType();
        final GenericRecord small = new GenericData.Record(order);
        small.put("total", 50L);
        final GenericRecord large = new GenericData.Record(order);
        large.put("total", 500L);
        profile.put("orders", List.of(small, large));
        profile.put("scoresByModel", Map.of("fraud", 0.25f));
        profile.put("updated", NOW.minus(Duration.ofHours(1)).toEpochMilli());

        final String rule = "profile.demographics.age >= 40 && profile.demographics.gender == 'FEMALE'"
            + " && profile.demographics.birthday == timestamp('2022-01-08T00:00:00Z')"
            + " && !has(profile.consent) && 'beta' in profile.tags && profile.scoresByModel['fraud'] == 0.25"
            + " && daysSince(profile.updated) < 1.0"
            + " && profile.orders.exists(o, o.total > 100) && profile.orders.filter(o, o.total < 100).size() == 1";
        assertThat(compiler.compile(rule).matches(compiler.context("p-1", profile, NOW))).isTrue();
        assertThat(invalid(compiler, "profile.demographics.income > 0").error())
            .isEqualTo("undefined field 'income'");
        assertThat(compiler.fieldNames("io.example.Demographics")).containsExactly("age", "gender", "birthday");
    }

    @Test
    void shouldExposeEveryProfileFieldAndTheDerivedOnes() {
        for (final Schema.Field field : CustomerProfile.getClassSchema().getFields()) {
            if (!ProfileFunctions.HIDDEN_FIELDS.contains(field.name())) {
                COMPILER.compile("has(profile." + field.name() + ")");
            }
        }
        assertThat(COMPILER.fieldNames("io.profilestream.profile.Behaviour")).contains("topCategories");
    }

    @Test
    void shouldHideTheMembershipsThatRulesProduce() {
        assertThat(invalid(COMPILER, "'vip' in profile.segments").error()).isEqualTo("undefined field 'segments'");
        assertThat(invalid(COMPILER, "profile.persona == 'vip'").error()).isEqualTo("undefined field 'persona'");
        assertThat(COMPILER.fieldNames("io.profilestream.profile.CustomerProfile"))
            .contains("profileId", "identity", "scores", "lifecycleStage")
            .doesNotContain("segments", "persona", "reevaluateAt");
    }

    @Test
    void shouldEvaluateTheSameCompiledRuleForManyProfiles() throws Exception {
        final CompiledExpression rule = COMPILER.compile("profile.transactions.orders >= 1");
        final CustomerProfile buyer = emptyProfile("p-2");
        buyer.getTransactions().setOrders(1);

        assertThat(rule.matches(COMPILER.context("p-1", emptyProfile("p-1"), NOW))).isFalse();
        assertThat(rule.matches(COMPILER.context("p-2", buyer, Instant.EPOCH))).isTrue();
        assertThat(rule.source()).isEqualTo("profile.transactions.orders >= 1");
    }
}
