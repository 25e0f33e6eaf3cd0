package io.profilestream.segments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import io.profilestream.domain.EventKind;
import io.profilestream.domain.Journey;
import io.profilestream.domain.Money;
import io.profilestream.domain.ProfileAggregator;
import io.profilestream.profile.CustomerProfile;

/**
 * Rules whose inputs did not change keep their answer ({@link SegmentEvaluator#evaluate(SegmentCatalogue,
 * CustomerProfile, Instant, Set)}): over random shoppers' journeys and the default catalogue, the fields each kind of
 * event changes are the ones {@link ProfileAggregator#fieldsChangedBy} declares, and evaluating only the rules that read
 * them gives the same memberships and changes as evaluating every rule; so does leaving out, until the profile comes
 * due, the rules that read time only through exact thresholds.
 */
class UnchangedInputsTest {

    private static final Duration FALLBACK = Duration.ofHours(1);
    private static final int TIME_STRETCH = 10;

    private final SegmentCompiler compiler = SegmentCompiler.withDefaultLimits();
    private final SegmentCatalogue catalogue = SegmentCatalogue.of(compiler,
        CatalogueYaml.loadDefault(compiler, Journey.START));
    private final SegmentEvaluator evaluator = new SegmentEvaluator(EvaluationErrorListener.IGNORE);
    private final ProfileAggregator aggregator = new ProfileAggregator(20, 20, 3660, 30, new Money("USD", Map.of()));

    @Test
    void shouldReadTheTopLevelFieldsARuleSelects() {
        assertThat(compiler.compile("profile.transactions.orders > 1 && !profile.email.complained").reads())
            .contains(Set.of("transactions", "email"));
        assertThat(compiler.compile("has(profile.transactions.firstPurchaseAt)").reads())
            .contains(Set.of("transactions"));
        assertThat(compiler.compile("profile.behaviour.topCategories.exists(c, c == 'books')").reads())
            .contains(Set.of("behaviour"));
        assertThat(compiler.compile("lookup(profile.computedTraits, 'tickets', 0) >= 2").reads())
            .contains(Set.of("computedTraits"));
        // The profile used whole may be read anywhere.
        assertThat(compiler.compile("[profile].size() == 1").reads()).isEmpty();

        final CompiledExpression timed = compiler.compile("daysSince(profile.transactions.lastPurchaseAt) > 30");
        assertThat(timed.reads()).contains(Set.of("transactions"));
        assertThat(timed.unaffectedBy(Set.of("email"))).isFalse();
        // Before the profile comes due, time has crossed none of its thresholds.
        assertThat(timed.unaffectedBy(Set.of("email"), false)).isTrue();
        assertThat(timed.unaffectedBy(Set.of("transactions"), false)).isFalse();
        // Unless the thresholds are not known exactly: now read another way, a score's crossing found to a minute.
        assertThat(compiler.compile("now - profile.transactions.lastPurchaseAt > duration('168h')")
            .unaffectedBy(Set.of("email"), false)).isFalse();
        assertThat(compiler.compile("profile.scores.churnRisk > 0.5 && daysSince(profile.identity.firstSeen) > 3")
            .unaffectedBy(Set.of("email"), false)).isFalse();
        final CompiledExpression counts = compiler.compile("profile.transactions.orders >= 3");
        assertThat(counts.unaffectedBy(Set.of("email", "behaviour"))).isTrue();
        assertThat(counts.unaffectedBy(Set.of("transactions"))).isFalse();
        assertThat(counts.unaffectedBy(null)).isFalse();
    }

    @Test
    void shouldAnswerAsEveryRuleWouldWhenOnlyTheDeclaredFieldsChange() {
        final Random random = new Random(11);
        int evaluated = 0;
        int skipped = 0;
        int skippedBeforeDue = 0;
        for (int n = 0; n < 80; n++) {
            final Journey journey = Journey.random(random, "c-" + n, "a-" + n);
            final List<SpecificRecord> events = new ArrayList<>(journey.customer());
            events.sort(Comparator.comparing(event -> EventKind.of(event).timestamp(event)));
            final CustomerProfile profile = ProfileAggregator.newProfile(journey.customerId());
            evaluator.evaluate(catalogue, profile, Journey.START).applyTo(profile);
            Instant due = catalogue.nextTimeChange(profile, Journey.START, FALLBACK);
            for (final SpecificRecord event : events) {
                final EventKind kind = EventKind.of(event);
                // Evaluated as if the journey's 20 days took 200: the default rules' 30 to 180-day thresholds pass
                // between events.
                final Instant now = Journey.START.plus(Duration.between(Journey.START, kind.timestamp(event))
                    .multipliedBy(TIME_STRETCH));
                final CustomerProfile before = CustomerProfile.newBuilder(profile).build();
                aggregator.apply(profile, event, now);
                final Set<String> changed = ProfileAggregator.fieldsChangedBy(kind);
                if (changed != null) {
                    for (final Schema.Field field : CustomerProfile.getClassSchema().getFields()) {
                        if (!changed.contains(field.name())) {
                            assertThat(profile.get(field.pos())).as("%s changed by %s", field.name(), kind)
                                .isEqualTo(before.get(field.pos()));
                        }
                    }
                }
                final SegmentEvaluation all = evaluator.evaluate(catalogue, CustomerProfile.newBuilder(profile).build(),
                    now);
                final SegmentEvaluation timeless = evaluator.evaluate(catalogue,
                    CustomerProfile.newBuilder(profile).build(), now, changed);
                final boolean timeMoved = due != null && !due.isAfter(now);
                final SegmentEvaluation some = evaluator.evaluate(catalogue, profile, now, changed, timeMoved);
                for (final SegmentEvaluation each : List.of(timeless, some)) {
                    assertThat(each.segments()).as("segments after %s", kind).isEqualTo(all.segments());
                    assertThat(each.persona()).as("persona after %s", kind).isEqualTo(all.persona());
                    assertThat(each.changes()).as("changes after %s", kind).isEqualTo(all.changes());
                }
                evaluated += some.evaluated();
                skipped += some.skipped();
                skippedBeforeDue += some.skipped() - timeless.skipped();
                some.applyTo(profile);
                due = catalogue.nextTimeChange(profile, now, FALLBACK);
            }
        }
        // The default catalogue has rules on transactions and email alone, which clicks cannot change, and rules on
        // how long ago a purchase was, which keep their answer between events until the profile comes due.
        assertThat(skipped).isPositive();
        assertThat(skippedBeforeDue).isPositive();
        assertThat(evaluated + skipped).isPositive();
        System.out.printf("Default catalogue over random journeys: %d rules evaluated, %d kept their answer (%.0f%%), "
            + "%d of them because the profile had not come due.%n", evaluated, skipped,
            100.0 * skipped / (evaluated + skipped), skippedBeforeDue);
    }
}
