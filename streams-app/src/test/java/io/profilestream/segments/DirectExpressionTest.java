package io.profilestream.segments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import io.profilestream.domain.EventKind;
import io.profilestream.domain.Journey;
import io.profilestream.domain.Money;
import io.profilestream.domain.ProfileAggregator;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.SegmentDefinition;

/**
 * Rules evaluated without CEL's interpreter ({@link DirectExpression}) give CEL's answers: over the default catalogue
 * and expressions that reach every node and its edges (overflow, division by zero, nulls, NaN, ints against doubles),
 * on shoppers' profiles and on random records with extreme values, an answer the direct evaluation gives is the one
 * CEL gives, and {@link CompiledExpression#matches} gives CEL's answer or CEL's error for every profile.
 */
class DirectExpressionTest {

    private static final Instant NOW = Journey.START.plus(Duration.ofDays(30));
    private static final List<String> EXPRESSIONS = List.of(
        "profile.transactions.revenueMinor + profile.transactions.discountMinor > 100000",
        "profile.transactions.revenueMinor * profile.transactions.orders >= 1000000",
        "profile.transactions.revenueMinor / profile.transactions.orders >= 100",
        "-profile.transactions.refunds < -1 || profile.behaviour.sessions - profile.behaviour.logins > 2",
        "profile.transactions.averageOrderValueMinor / 2.0 > 50.0"
            + " && profile.behaviour.activity7d * 3.0 <= profile.behaviour.activity30d",
        "profile.scores.churnRisk > 0.5",
        "has(profile.scores.churnRisk) && profile.scores.churnRisk > 0.5",
        "profile.scores.churnRisk == null || profile.scores.churnRisk < 0.2",
        "profile.lifecycleStage == 'AT_RISK' || profile.lifecycleStage != 'ACTIVE'",
        "profile.transactions.orders > 2 ? profile.email.subscribed : !profile.email.complained",
        "'outdoor' in profile.behaviour.topCategories",
        "'books' in profile.behaviour.categoryAffinity",
        "size(profile.behaviour.topCategories) >= 2 && profile.behaviour.categoryAffinity.size() > 1",
        "size(profile.profileId) > 3",
        "lookup(profile.behaviour.categoryAffinity, 'books', 0.0) >= 1.0",
        "affinity('outdoor') > 2.0",
        "ratio(profile.transactions.discountMinor, profile.behaviour.engagementPoints) < 1.5",
        "ratio(profile.behaviour.activity7d, profile.transactions.orders) > 0.1",
        "ratio(profile.behaviour.activity7d, profile.behaviour.activity30d) > 0.5",
        "coalesce(profile.scores.pAlive, 1.0) < 0.5",
        "daysSince(profile.identity.lastSeen) <= 7",
        "profile.transactions.lastPurchaseAt < profile.identity.lastSeen",
        "now > profile.identity.firstSeen",
        "profile.email.subscribed == true && profile.email.bounces == 0",
        "profile.transactions.orders > 3.5 || profile.behaviour.engagementPoints >= 20833",
        "profile.transactions.distinctPurchaseDays >= 2 && 19900 in profile.transactions.purchaseDays",
        "profile.identity.customerId == profile.profileId || profile.identity.emailHash != null",
        "profile.email.complained == profile.email.subscribed || has(profile.consent.email) && profile.consent.email",
        "profile.scores.rfm.recency >= 4",
        "!(profile.behaviour.lastCountry == 'SE') && profile.behaviour.activity7d != profile.behaviour.activity30d",
        "profile.behaviour.activity7d == 0.0 || profile.behaviour.activity7d < 0.0",
        "profile.profileId < 'm'");
    private static final List<String> LEFT_TO_CEL = List.of(
        "profile.transactions.purchaseDays.exists(d, d > 20000)",
        "profile.behaviour.categoryAffinity['books'] > 1.0",
        "int(profile.behaviour.activity7d) > 2",
        "profile.behaviour.topCategories == ['outdoor']");
    private static final String[] STRINGS = {"", "a", "m", "AT_RISK", "ACTIVE", "SE", "outdoor", "books", "\uD83D\uDE00b"};
    private static final String[] KEYS = {"outdoor", "books", "sports", "garden", "support_tickets_30d"};
    private static final long[] LONGS = {0, 1, 2, 3, -1, 5, 19_900, 100_000, Long.MAX_VALUE, Long.MIN_VALUE};
    private static final double[] DOUBLES = {0.0, -0.0, 0.5, 0.6, 1.0, 3.0, 20_833.0, Double.NaN,
        Double.POSITIVE_INFINITY, -1e300};

    private final SegmentCompiler compiler = SegmentCompiler.withDefaultLimits();

    @Test
    void shouldEvaluateEveryRuleOfTheDefaultCatalogueWithoutCelsInterpreter() {
        final List<SegmentDefinition> definitions = CatalogueYaml.loadDefault(compiler, Journey.START);

        assertThat(definitions).hasSizeGreaterThan(10);
        assertThat(definitions).allSatisfy(definition -> assertThat(compiler.compile(definition.getExpression())
            .direct()).as(definition.getId()).isNotNull());
    }

    @Test
    void shouldLeaveToCelTheRulesThatUseWhatOnlyItEvaluates() throws SegmentEvaluationException {
        final CustomerProfile profile = SegmentFixtures.richProfile("c-1");
        final Map<String, Boolean> answers = new LinkedHashMap<>();
        for (final String expression : LEFT_TO_CEL) {
            final CompiledExpression compiled = compiler.compile(expression);
            assertThat(compiled.direct()).as(expression).isNull();
            answers.put(expression, compiled.matches(compiler.context("c-1", profile, NOW)));
        }

        assertThat(answers).containsExactly(
            Map.entry(LEFT_TO_CEL.get(0), true),
            Map.entry(LEFT_TO_CEL.get(1), true),
            Map.entry(LEFT_TO_CEL.get(2), false),
            Map.entry(LEFT_TO_CEL.get(3), false));
    }

    @Test
    void shouldGiveCelsErrorWhenTheRuleFailsForTheProfile() {
        final CompiledExpression compiled = compiler.compile("daysSince(profile.transactions.lastPurchaseAt) < 30");
        final CustomerProfile profile = SegmentFixtures.emptyProfile("c-2");

        assertThat(compiled.direct()).isNotNull();
        assertThatThrownBy(() -> compiled.matches(compiler.context("c-2", profile, NOW)))
            .isInstanceOf(SegmentEvaluationException.class)
            .hasMessageContaining("guard the field with has(...)");
    }

    @Test
    void shouldGiveCelsAnswersOnShoppersAndRandomRecords() {
        final List<CompiledExpression> rules = new ArrayList<>();
        for (final SegmentDefinition definition : CatalogueYaml.loadDefault(compiler, Journey.START)) {
            rules.add(compiler.compile(definition.getExpression()));
        }
        for (final String expression : EXPRESSIONS) {
            rules.add(compiler.compile(expression));
        }
        final List<IndexedRecord> profiles = new ArrayList<>(shoppers(new Random(7), 60));
        final Random random = new Random(17);
        for (int i = 0; i < 400; i++) {
            profiles.add(randomRecord(CustomerProfile.getClassSchema(), random));
        }

        final Map<String, int[]> answeredAndGivenUp = new LinkedHashMap<>();
        int celErrors = 0;
        for (final CompiledExpression rule : rules) {
            assertThat(rule.direct()).as(rule.source()).isNotNull();
            final int[] counts = answeredAndGivenUp.computeIfAbsent(rule.source(), source -> new int[2]);
            for (final IndexedRecord profile : profiles) {
                final String cel = outcome(rule, profile, true);
                final Boolean direct = direct(rule, profile);
                if (direct != null) {
                    counts[0]++;
                    assertThat(cel).as("%s on %s", rule.source(), profile).isEqualTo(direct.toString());
                } else {
                    counts[1]++;
                }
                assertThat(outcome(rule, profile, false)).as("%s on %s", rule.source(), profile).isEqualTo(cel);
                celErrors += cel.startsWith("error") ? 1 : 0;
            }
        }

        // Not vacuous: every rule but the string ordering (CEL's alone) was answered directly for some profiles, and
        // the edges were reached.
        assertThat(answeredAndGivenUp).allSatisfy((source, counts) -> assertThat(counts[0] > 0)
            .as(source).isEqualTo(!source.equals("profile.profileId < 'm'")));
        assertThat(answeredAndGivenUp.get("profile.scores.churnRisk > 0.5")[1]).isPositive();
        assertThat(answeredAndGivenUp.get("profile.transactions.revenueMinor / profile.transactions.orders >= 100")[1])
            .isPositive();
        assertThat(answeredAndGivenUp.get("profile.profileId < 'm'")[0]).isZero();
        assertThat(celErrors).isPositive();
    }

    /** The answer of the direct evaluation, or null when it gives up. */
    private Boolean direct(final CompiledExpression rule, final IndexedRecord profile) {
        try {
            return rule.direct().matches(compiler.context("p", profile, NOW));
        } catch (final DirectExpression.GiveUp e) {
            return null;
        }
    }

    private String outcome(final CompiledExpression rule, final IndexedRecord profile, final boolean celOnly) {
        final EvaluationContext context = compiler.context("p", profile, NOW);
        try {
            return String.valueOf(celOnly ? rule.celMatches(context) : rule.matches(context));
        } catch (final SegmentEvaluationException e) {
            return "error: " + e.getMessage();
        }
    }

    /** Profiles of random shoppers as the aggregator builds them, after each of their events. */
    private static List<IndexedRecord> shoppers(final Random random, final int count) {
        final ProfileAggregator aggregator = new ProfileAggregator(20, 20, 3660, 30, new Money("USD", Map.of()));
        final List<IndexedRecord> profiles = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            final Journey journey = Journey.random(random, "c-" + n, "a-" + n);
            final List<SpecificRecord> events = new ArrayList<>(journey.customer());
            events.sort(Comparator.comparing(event -> EventKind.of(event).timestamp(event)));
            final CustomerProfile profile = ProfileAggregator.newProfile(journey.customerId());
            for (final SpecificRecord event : events) {
                aggregator.apply(profile, event, EventKind.of(event).timestamp(event));
                profiles.add(CustomerProfile.newBuilder(profile).build());
            }
        }
        return profiles;
    }

    /** A record of the schema with random values, nulls and extremes where the schema allows them. */
    private static Object randomValue(final Schema schema, final Random random) {
        switch (schema.getType()) {
            case UNION: {
                final List<Schema> branches = schema.getTypes();
                final Schema branch = branches.get(random.nextInt(branches.size()));
                return branch.getType() == Schema.Type.NULL ? null : randomValue(branch, random);
            }
            case RECORD:
                return randomRecord(schema, random);
            case ARRAY: {
                final List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(randomValue(schema.getElementType(), random));
                }
                return list;
            }
            case MAP: {
                final Map<String, Object> map = new HashMap<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    map.put(KEYS[random.nextInt(KEYS.length)], randomValue(schema.getValueType(), random));
                }
                return map;
            }
            case ENUM:
                return new GenericData.EnumSymbol(schema,
                    schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())));
            case STRING:
                return STRINGS[random.nextInt(STRINGS.length)];
            case INT:
                return (int) LONGS[random.nextInt(LONGS.length)];
            case LONG:
                if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                    return NOW.minus(Duration.ofHours(random.nextInt(24 * 400))).toEpochMilli();
                }
                return LONGS[random.nextInt(LONGS.length)];
            case DOUBLE:
                return DOUBLES[random.nextInt(DOUBLES.length)];
            case BOOLEAN:
                return random.nextBoolean();
            default:
                throw new IllegalArgumentException("No random value for " + schema);
        }
    }

    private static IndexedRecord randomRecord(final Schema schema, final Random random) {
        final GenericData.Record record = new GenericData.Record(schema);
        for (final Schema.Field field : schema.getFields()) {
            record.put(field.pos(), randomValue(field.schema(), random));
        }
        return record;
    }
}
