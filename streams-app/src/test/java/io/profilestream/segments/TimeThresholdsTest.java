package io.profilestream.segments;

import static io.profilestream.segments.SegmentFixtures.NOW;
import static io.profilestream.segments.SegmentFixtures.emptyProfile;
import static io.profilestream.segments.SegmentFixtures.richProfile;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.profilestream.domain.ScoreCurve;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.SegmentDefinition;

class TimeThresholdsTest {

    private static final SegmentCompiler COMPILER = SegmentCompiler.withDefaultLimits();
    private static final Duration FALLBACK = Duration.ofHours(1);
    private static final Instant LAST_SEEN = NOW.minus(Duration.ofDays(2));

    private static boolean matches(final CompiledExpression rule, final CustomerProfile profile, final Instant at)
        throws SegmentEvaluationException {
        return rule.matches(COMPILER.context(profile.getProfileId(), profile, at));
    }

    @Test
    void shouldFlipAfterTheThresholdOfLessOrEqualAndAtItForLess() throws Exception {
        final CustomerProfile profile = richProfile("p-1");
        final Instant sevenDays = LAST_SEEN.plus(Duration.ofDays(7));
        final CompiledExpression atMost = COMPILER.compile("daysSince(profile.identity.lastSeen) <= 7");
        final CompiledExpression under = COMPILER.compile("daysSince(profile.identity.lastSeen) < 7");

        assertThat(atMost.nextTimeChange(profile, NOW, FALLBACK)).isEqualTo(sevenDays);
        assertThat(matches(atMost, profile, sevenDays)).isTrue();
        assertThat(atMost.nextTimeChange(profile, sevenDays, FALLBACK)).isEqualTo(sevenDays.plusMillis(1));
        assertThat(matches(atMost, profile, sevenDays.plusMillis(1))).isFalse();

        assertThat(matches(under, profile, sevenDays.minusMillis(1))).isTrue();
        assertThat(matches(under, profile, sevenDays)).isFalse();
        assertThat(atMost.nextTimeChange(profile, sevenDays.plusMillis(1), FALLBACK)).isNull();
    }

    @Test
    void shouldScheduleARuleOnAScoreWhenTheScoreCrossesItsConstantWithoutAnEvent() throws Exception {
        final CompiledExpression rule = COMPILER.compile("profile.scores.churnRisk > 0.75");
        final CustomerProfile profile = richProfile("p-1");
        // A churn risk that rises by 0.01 a day from 0.5 at NOW: it passes 0.75 after 25 days.
        final ScoreCurve rising = (record, score, at) -> "churnRisk".equals(score)
            ? 0.5 + 0.01 * Duration.between(NOW, at).toMillis() / Duration.ofDays(1).toMillis()
            : Double.NaN;
        final Instant crossing = NOW.plus(Duration.ofDays(25));

        assertThat(rule.usesNow()).isTrue();
        final Instant due = rule.nextTimeChange(profile, NOW, FALLBACK, rising);
        assertThat(due).isBetween(crossing, crossing.plus(Duration.ofMinutes(1)));
        profile.getScores().setChurnRisk(rising.scoreAt(profile, "churnRisk", due));
        assertThat(matches(rule, profile, due)).isTrue();
        // Without a curve (no model) the rule is left to the next event.
        assertThat(rule.nextTimeChange(profile, NOW, FALLBACK)).isNull();
        // A score that never reaches the constant is looked at again after the horizon.
        final ScoreCurve flat = (record, score, at) -> 0.1;
        assertThat(rule.nextTimeChange(profile, NOW, FALLBACK, flat)).isEqualTo(NOW.plus(TimeThresholds.SCORE_HORIZON));
    }

    @Test
    void shouldReadTheConstantOnEitherSideAndTakeTheEarliestThreshold() {
        final CompiledExpression rule = COMPILER.compile(
            "30.5 >= daysSince(profile.transactions.lastPurchaseAt) || daysSince(profile.identity.lastSeen) > 3");

        // lastPurchaseAt is 100 days ago, so only lastSeen + 3 days is still ahead.
        assertThat(rule.nextTimeChange(richProfile("p-1"), NOW, FALLBACK))
            .isEqualTo(LAST_SEEN.plus(Duration.ofDays(3)));
        final Instant justBought = NOW.minus(Duration.ofDays(1));
        final CustomerProfile recent = richProfile("p-2");
        recent.getTransactions().setLastPurchaseAt(justBought);
        assertThat(rule.nextTimeChange(recent, NOW, FALLBACK))
            .isEqualTo(LAST_SEEN.plus(Duration.ofDays(3)));
        recent.getIdentity().setLastSeen(NOW.minus(Duration.ofDays(5)));
        assertThat(rule.nextTimeChange(recent, NOW, FALLBACK))
            .isEqualTo(justBought.plus(Duration.ofDays(30)).plus(Duration.ofHours(12)));
    }

    @Test
    void shouldHaveNoThresholdForAnAbsentFieldOrARuleWithoutNow() {
        final CompiledExpression guarded = COMPILER.compile(
            "has(profile.transactions.lastPurchaseAt) && daysSince(profile.transactions.lastPurchaseAt) <= 30");
        final CompiledExpression timeless = COMPILER.compile("profile.transactions.orders >= 3");

        assertThat(guarded.nextTimeChange(emptyProfile("p-1"), NOW, FALLBACK)).isNull();
        assertThat(timeless.usesNow()).isFalse();
        assertThat(timeless.nextTimeChange(richProfile("p-1"), NOW, FALLBACK)).isNull();
    }

    @Test
    void shouldFallBackToTheIntervalWhenTimeIsReadAnyOtherWay() {
        for (final String rule : List.of(
            "profile.transactions.lastPurchaseAt < now - duration('2160h')",
            "daysSince(profile.identity.lastSeen) < double(profile.behaviour.sessions)",
            "daysBetween(profile.identity.firstSeen, now) > 1.0 && now.getDayOfWeek() == 1",
            "daysSince(profile.identity.lastSeen) + 1.0 > 3.0")) {
            final CompiledExpression compiled = COMPILER.compile(rule);
            assertThat(compiled.usesNow()).as(rule).isTrue();
            assertThat(compiled.nextTimeChange(richProfile("p-1"), NOW, FALLBACK)).as(rule)
                .isEqualTo(NOW.plus(FALLBACK));
        }
    }

    /**
     * The promise the engine relies on: between now and the next time change, no rule of the default catalogue
     * changes its answer for an unchanged profile. Checked at random instants for profiles with random times.
     */
    @Test
    void shouldKeepEveryDefaultRuleConstantUntilItsNextTimeChange() throws Exception {
        final SegmentCatalogue catalogue = SegmentCatalogue.of(COMPILER, CatalogueYaml.loadDefault(COMPILER, NOW));
        final Random random = new Random(7);
        int flips = 0;
        for (int i = 0; i < 200; i++) {
            final CustomerProfile profile = randomProfile(random, "p-" + i);
            Instant at = NOW;
            for (int step = 0; step < 10; step++) {
                final Instant next = catalogue.nextTimeChange(profile, at, FALLBACK);
                final List<Boolean> before = answers(catalogue, profile, at);
                final Instant until = next == null ? at.plus(Duration.ofDays(400)) : next;
                for (int probe = 0; probe < 5; probe++) {
                    final long span = Duration.between(at, until).toMillis();
                    final Instant inside = at.plusMillis((long) (random.nextDouble() * span));
                    assertThat(answers(catalogue, profile, inside)).as("%s at %s", profile, inside).isEqualTo(before);
                }
                assertThat(answers(catalogue, profile, until.minusMillis(1))).isEqualTo(before);
                if (next == null) {
                    break;
                }
                assertThat(next).isAfter(at);
                flips += answers(catalogue, profile, next).equals(before) ? 0 : 1;
                at = next;
            }
        }
        // The thresholds are where answers change, not arbitrary instants.
        assertThat(flips).isGreaterThan(200);
    }

    /**
     * A catalogue reads each timestamp once for all its rules; its next time change must still be the earliest of its
     * enabled rules' own, with opaque rules, score crossings, disabled rules and thresholds shared by several rules.
     */
    @Test
    void shouldGiveACatalogueTheEarliestNextTimeChangeOfItsEnabledRules() {
        final List<SegmentDefinition> definitions = new ArrayList<>(CatalogueYaml.loadDefault(COMPILER, NOW));
        definitions.add(SegmentFixtures.segment("opaque", "now - profile.identity.lastSeen > duration('72h')"));
        definitions.add(SegmentFixtures.segment("scored",
            "profile.scores.churnRisk > 0.75 || daysSince(profile.identity.lastSeen) <= 3"));
        definitions.add(SegmentFixtures.segment("shared", "daysSince(profile.identity.lastSeen) > 3"));
        definitions.add(SegmentDefinition.newBuilder(SegmentFixtures.segment("off",
            "daysSince(profile.identity.firstSeen) > 1")).setEnabled(false).build());
        final SegmentCatalogue withOpaque = SegmentCatalogue.of(COMPILER, definitions);
        final SegmentCatalogue exact = SegmentCatalogue.of(COMPILER, definitions.stream()
            .filter(definition -> !definition.getId().equals("opaque")).toList());
        final ScoreCurve rising = (record, score, at) -> "churnRisk".equals(score)
            ? 0.5 + 0.01 * Duration.between(NOW, at).toMillis() / Duration.ofDays(1).toMillis()
            : Double.NaN;
        final Random random = new Random(3);
        int onThreshold = 0;
        for (int i = 0; i < 200; i++) {
            final CustomerProfile profile = randomProfile(random, "p-" + i);
            if (i % 4 == 0) {
                profile.getTransactions().setLastPurchaseAt(null);
            }
            for (final SegmentCatalogue catalogue : List.of(withOpaque, exact)) {
                for (final ScoreCurve curve : List.of(ScoreCurve.NONE, rising)) {
                    Instant at = NOW;
                    for (int step = 0; step < 8; step++) {
                        final Instant next = catalogue.nextTimeChange(profile, at, FALLBACK, curve);
                        assertThat(next).as("%s at %s", profile, at)
                            .isEqualTo(earliestOfRules(catalogue, profile, at, curve));
                        if (next == null) {
                            break;
                        }
                        // On a threshold itself half the time: a rule with <= flips a millisecond later.
                        final boolean exactly = random.nextBoolean();
                        onThreshold += exactly ? 1 : 0;
                        at = exactly ? next : next.plusMillis(1 + random.nextInt(86_400_000));
                    }
                }
            }
        }
        assertThat(onThreshold).isGreaterThan(500);
        assertThat(withOpaque.nextTimeChange(richProfile("p-1"), NOW, FALLBACK)).isEqualTo(NOW.plus(FALLBACK));
    }

    private static Instant earliestOfRules(final SegmentCatalogue catalogue,
                                           final CustomerProfile profile,
                                           final Instant at,
                                           final ScoreCurve curve) {
        Instant earliest = null;
        for (final CompiledDefinition definition : catalogue.definitions()) {
            final Instant next = catalogue.nextTimeChange(definition.id(), profile, at, FALLBACK, curve);
            if (next != null && (earliest == null || next.isBefore(earliest))) {
                earliest = next;
            }
        }
        return earliest;
    }

    private static List<Boolean> answers(final SegmentCatalogue catalogue,
                                         final CustomerProfile profile,
                                         final Instant at) throws SegmentEvaluationException {
        final EvaluationContext context = COMPILER.context(profile.getProfileId(), profile, at);
        final List<Boolean> answers = new ArrayList<>();
        for (final CompiledDefinition definition : catalogue.segments()) {
            answers.add(definition.expression().matches(context));
        }
        for (final CompiledDefinition definition : catalogue.personas()) {
            answers.add(definition.expression().matches(context));
        }
        return answers;
    }

    private static CustomerProfile randomProfile(final Random random, final String id) {
        final CustomerProfile profile = richProfile(id);
        profile.getIdentity().setFirstSeen(daysAgo(random, 60));
        profile.getIdentity().setLastSeen(daysAgo(random, 10));
        profile.getTransactions().setOrders(random.nextInt(3));
        profile.getTransactions().setDistinctPurchaseDays(random.nextInt(7));
        profile.getTransactions().setFirstPurchaseAt(daysAgo(random, 40));
        profile.getTransactions().setLastPurchaseAt(daysAgo(random, 20));
        profile.getEmail().setSubscribed(true);
        profile.getEmail().setLastOpenAt(daysAgo(random, 35));
        profile.getEmail().setLastClickAt(random.nextBoolean() ? null : daysAgo(random, 35));
        return profile;
    }

    private static Instant daysAgo(final Random random, final int maxDays) {
        return NOW.minusMillis((long) (random.nextDouble() * maxDays * 86_400_000L));
    }
}
