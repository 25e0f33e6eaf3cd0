package io.profilestream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Gamma-Gamma expected spend and CLV discretisation.
 */
class SpendAndValueTest {

    private static final GammaGamma CDNOW_SPEND = new GammaGamma(new GammaGammaParameters(6.25, 3.74, 15.44));
    private static final BgNbd CDNOW = new BgNbd(new BgNbdParameters(0.243, 4.414, 0.793, 2.426));

    @Test
    void shouldShrinkTheCustomerMeanTowardsThePopulationMean() {
        final double population = 6.25 * 15.44 / (3.74 - 1);

        assertThat(CDNOW_SPEND.populationMean()).isCloseTo(population, within(1e-12));
        assertThat(CDNOW_SPEND.expectedAverageValue(0, 0)).isEqualTo(CDNOW_SPEND.populationMean());
        final double one = CDNOW_SPEND.expectedAverageValue(1, 100);
        final double many = CDNOW_SPEND.expectedAverageValue(50, 100);
        assertThat(one).isBetween(population, 100.0);
        assertThat(many).isBetween(one, 100.0);
        assertThat(CDNOW_SPEND.expectedAverageValue(1, 100)).isCloseTo(6.25 * (15.44 + 100) / (6.25 + 2.74),
            within(1e-12));
    }

    @Test
    void shouldReportAnInfiniteMeanWhenQIsAtMostOne() {
        final GammaGamma heavyTailed = new GammaGamma(new GammaGammaParameters(2, 0.5, 10));

        assertThat(heavyTailed.populationMean()).isInfinite();
        assertThat(heavyTailed.expectedAverageValue(3, 20)).isFinite();
    }

    @Test
    void shouldRecoverSimulatedSpendParameters() {
        final SplittableRandom random = new SplittableRandom(11);
        final GammaGammaParameters truth = new GammaGammaParameters(4, 3, 20);
        final CustomerSummaries.Builder data = CustomerSummaries.builder();
        for (int i = 0; i < 20_000; i++) {
            final int x = 1 + random.nextInt(8);
            final double nu = Sampling.gamma(random, truth.q(), truth.gamma());
            double total = 0;
            for (int j = 0; j < x; j++) {
                total += Sampling.gamma(random, truth.p(), nu);
            }
            data.add(x, 1, 2, total / x);
        }
        final GammaGammaParameters fitted = GammaGamma.fit(data.build()).parameters();

        // Tolerances of about three standard errors for 20,000 customers (checked against scipy fits of resamples).
        assertThat(fitted.p()).isCloseTo(4, within(0.5));
        assertThat(fitted.q()).isCloseTo(3, within(0.3));
        assertThat(fitted.gamma()).isCloseTo(20, within(3.0));
        assertThat(new GammaGamma(fitted).populationMean()).isCloseTo(40, within(1.2));
    }

    @Test
    void shouldRefuseToFitSpendWithoutRepeatBuyers() {
        final CustomerSummaries data = CustomerSummaries.builder().add(0, 0, 5, 0).add(0, 0, 7, 0).build();

        assertThatThrownBy(() -> GammaGamma.fit(data)).isInstanceOf(ModelFitException.class);
        assertThatThrownBy(() -> BgNbd.fit(data)).isInstanceOf(ModelFitException.class);
    }

    @Test
    void shouldValueExpectedPurchasesWithoutDiscount() {
        final CustomerSummary customer = CustomerSummary.of(2, 30.43, 38.86);
        final ClvSettings undiscounted = new ClvSettings(3, 13, 0.0, 1.0);

        assertThat(Clv.value(CDNOW, customer, 40, undiscounted))
            .isCloseTo(40 * CDNOW.expectedPurchases(customer, 39), within(1e-9));
    }

    @Test
    void shouldDiscountEachPeriodAtItsEnd() {
        final CustomerSummary customer = CustomerSummary.of(2, 30.43, 38.86);
        final ClvSettings settings = new ClvSettings(2, 26, 0.1, 0.3);
        final double first = CDNOW.expectedPurchases(customer, 26);
        final double second = CDNOW.expectedPurchases(customer, 52) - first;

        assertThat(Clv.value(CDNOW, customer, 50, settings))
            .isCloseTo(0.3 * 50 * (first / 1.1 + second / 1.21), within(1e-9));
    }

    @Test
    void shouldUseMonthsOfTheModelTimeUnit() {
        final ClvSettings days = ClvSettings.defaults(ModelTimeUnit.DAYS);
        final ClvSettings weeks = ClvSettings.monthly(ModelTimeUnit.WEEKS, 12, 0.10, 1.0);

        assertThat(days.periods()).isEqualTo(12);
        assertThat(days.periodLength()).isCloseTo(30.4375, within(1e-12));
        assertThat(weeks.periodLength()).isCloseTo(30.4375 / 7, within(1e-12));
        assertThat(Math.pow(1 + days.discountRatePerPeriod(), 12)).isCloseTo(1.10, within(1e-12));
    }
}
