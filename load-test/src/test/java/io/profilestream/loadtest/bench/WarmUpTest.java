package io.profilestream.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.profilestream.loadtest.EventGenerator;
import io.profilestream.loadtest.GeneratedEvent;
import io.profilestream.loadtest.GeneratorSettings;
import io.profilestream.loadtest.Population;
import io.profilestream.loadtest.Visitor;

/**
 * The bench's warm-up input: another population, apart from the measured one, in the same proportion of customers to
 * events, whose simulated time ends just before the measured input starts.
 */
class WarmUpTest {

    private static final Instant MEASURED_START = Bench.SIMULATED_START;
    private static final int CUSTOMERS = 400;
    private static final long EVENTS = 4_000;
    private static final long SEED = 11;

    @Test
    void shouldDrawAnotherPopulationInTheMeasuredInputsProportion() {
        final GeneratorSettings warmUp = WarmUp.settings(1_000, EVENTS, CUSTOMERS, SEED, MEASURED_START);

        assertThat(warmUp.customers()).isEqualTo(100);
        assertThat(warmUp.maxEvents()).isEqualTo(1_000);
        assertThat(warmUp.seed()).isNotEqualTo(SEED);
        assertThat(warmUp.firstCustomer()).isEqualTo(CUSTOMERS + 1);
        assertThat(warmUp.eventsPerSecond()).isZero();
        assertThat(WarmUp.settings(3, EVENTS, CUSTOMERS, SEED, MEASURED_START).customers()).isOne();
    }

    @Test
    void shouldShareNoCustomerNorAnonymousIdWithTheMeasuredPopulation() {
        final Population measured = Population.generate(CUSTOMERS, SEED);
        final Population warmUp = WarmUp.settings(EVENTS, EVENTS, CUSTOMERS, SEED, MEASURED_START).population();

        assertThat(warmUp.customers()).hasSize(CUSTOMERS);
        assertThat(ids(warmUp.customers())).doesNotContainAnyElementsOf(ids(measured.customers()));
        assertThat(anonymousIds(warmUp)).doesNotContainAnyElementsOf(anonymousIds(measured));
    }

    @Test
    void shouldEndJustBeforeTheMeasuredInputStarts() {
        final GeneratorSettings settings = WarmUp.settings(1_000, EVENTS, CUSTOMERS, SEED, MEASURED_START);
        final EventGenerator generator = EventGenerator.simulated(settings.population(), settings.time(),
            settings.noise());
        final List<GeneratedEvent> events = new ArrayList<>();
        for (GeneratedEvent event = generator.next(); event != null && events.size() < settings.maxEvents();
             event = generator.next()) {
            events.add(event);
        }

        assertThat(events).hasSize(1_000);
        assertThat(events).allSatisfy(event -> assertThat(event.timestamp())
            .isAfterOrEqualTo(settings.time().start())
            .isBefore(MEASURED_START));
        assertThat(events.get(events.size() - 1).timestamp()).isEqualTo(MEASURED_START.minus(WarmUp.GAP));
        assertThat(settings.time().end()).isBefore(MEASURED_START);
    }

    @Test
    void shouldRefuseAnEmptyWarmUp() {
        assertThatThrownBy(() -> WarmUp.settings(0, EVENTS, CUSTOMERS, SEED, MEASURED_START))
            .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> ids(final List<Visitor> customers) {
        return customers.stream().map(Visitor::customerId).toList();
    }

    private static Set<String> anonymousIds(final Population population) {
        final Set<String> ids = new HashSet<>();
        population.visitors().forEach(visitor -> visitor.browsers().forEach(browser -> ids.add(browser.anonymousId())));
        return ids;
    }
}
