package io.profilestream.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The expected order value the ground truth gives each customer is the mean of the orders the timeline draws.
 */
class PurchaseTimelineTest {

    private static final int ORDERS = 40_000;
    private static final double SIGMAS = 4;

    @Test
    void shouldExpectTheMeanOrderValueOfTheBasketsItDraws() {
        final Population population = Population.generate(3, 5);
        for (final Visitor customer : population.customers()) {
            // The same interests, a timeline that never ends: one purchase a day, never dropping out.
            final Visitor buyer = new Visitor(customer.index(), customer.customerId(), customer.browsers(),
                customer.preferredChannel(), customer.country(), customer.interests(), customer.activity(),
                customer.purchasePropensity(), customer.emailOpenPropensity(), customer.emailClickPropensity(),
                customer.registeredAtStart(), new Visitor.PurchaseHabit(1, Double.MIN_VALUE, 0,
                    customer.habit().seed()));
            final PurchaseTimeline timeline = new PurchaseTimeline(buyer, population.catalogue());
            final double[] totals = new double[ORDERS];
            for (int i = 0; i < ORDERS; i++) {
                totals[i] = timeline.next().totalMinor();
            }
            double mean = 0;
            for (final double total : totals) {
                mean += total / ORDERS;
            }
            double squares = 0;
            for (final double total : totals) {
                squares += (total - mean) * (total - mean);
            }
            final double standardError = Math.sqrt(squares / (ORDERS - 1) / ORDERS);

            assertThat(PurchaseTimeline.expectedTotalMinor(buyer, population.catalogue()))
                .as("customer with interests %s", customer.interests())
                .isCloseTo(mean, within(SIGMAS * standardError));
        }
    }
}
