package io.profilestream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Independent checks of the BG/NBD formulas: simulation, numerical integration, limiting cases and monotonicity.
 */
class BgNbdTest {

    private static final BgNbdParameters CDNOW = new BgNbdParameters(0.243, 4.414, 0.793, 2.426);
    private static final BgNbd MODEL = new BgNbd(CDNOW);

    @Test
    void shouldMatchTheSeriesWithNumericalIntegration() {
        final double[] shapes = {0.05, 0.243, 1.0, 3.0, 20.0};
        final double[] windows = {0.01, 0.3, 1.0, 5.0, 40.0};
        final double[] as = {0.02, 0.793, 1.0, 1.5, 30.0};
        final double[] betas = {0.05, 2.426, 10.0, 300.0};
        for (final double k : shapes) {
            for (final double u : windows) {
                for (final double a : as) {
                    for (final double beta : betas) {
                        final double series = AliveCountExpectation.series(k, u, a, beta);
                        final double integral = AliveCountExpectation.integral(k, u, a, beta);
                        assertThat(series).as("k=%s u=%s a=%s beta=%s", k, u, a, beta)
                            .isCloseTo(integral, within(1e-8 * integral));
                    }
                }
            }
        }
    }

    @Test
    void shouldMatchHighPrecisionValuesOfTheClosedForm() {
        // FHL 2005 eq. 10 and 7 evaluated with mpmath (40 digits, its own 2F1): r, alpha, a, b, x, t_x, T, t, E[Y(t)].
        final double[][] cases = {
            {0.243, 4.414, 0.793, 2.426, 0, 0, 38.86, 39, 0.19509805201126264},
            {0.243, 4.414, 0.793, 2.426, 2, 30.43, 38.86, 39, 1.2260281747671445},
            {0.243, 4.414, 0.793, 2.426, 7, 35, 38.86, 52, 5.5205675079993556},
            {0.243, 31.0, 0.793, 2.426, 0, 0, 0, 365, 1.4455375517311586},
            {0.243, 31.0, 0.793, 2.426, 25, 300, 310, 365, 18.957506418169805},
            {1.5, 60.0, 2.5, 8.0, 100, 3000, 3650, 365, 1.238417043428138e-6},
            {0.8, 20.0, 0.3, 0.7, 10000, 3600, 3650, 90, 2.143827856758255e-53},
            {0.8, 20.0, 3.0, 15.0, 10000, 3649, 3650, 365, 859.99471127425643},
            {2.0, 0.5, 1.2, 3.0, 1, 1, 1, 30, 6.2109980891028119},
            {0.05, 100.0, 50.0, 200.0, 3, 100, 400, 1000, 0.64165122328647339},
        };
        for (final double[] c : cases) {
            final BgNbd model = new BgNbd(new BgNbdParameters(c[0], c[1], c[2], c[3]));
            final double expected = model.expectedPurchases(CustomerSummary.of((int) c[4], c[5], c[6]), c[7]);
            assertThat(expected).as("case %s", Arrays.toString(c)).isCloseTo(c[8], within(1e-10 * c[8]));
        }
        assertThat(MODEL.expectedPurchasesUnconditional(39)).isCloseTo(1.1967231933208139, within(1e-12));
    }

    @Test
    void shouldMatchASimulationOfTheUnconditionalExpectation() {
        final SplittableRandom random = new SplittableRandom(42);
        final double horizon = 78;
        final int customers = 200_000;
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < customers; i++) {
            final double lambda = Sampling.gamma(random, CDNOW.r(), CDNOW.alpha());
            final double p = Sampling.beta(random, CDNOW.a(), CDNOW.b());
            int purchases = 0;
            double time = 0;
            while (true) {
                time += -Math.log(1.0 - random.nextDouble()) / lambda;
                if (time > horizon) {
                    break;
                }
                purchases++;
                if (random.nextDouble() < p) {
                    break;
                }
            }
            sum += purchases;
            sumSquares += (double) purchases * purchases;
        }
        final double mean = sum / customers;
        final double standardError = Math.sqrt((sumSquares / customers - mean * mean) / customers);

        assertThat(MODEL.expectedPurchasesUnconditional(horizon)).isCloseTo(mean, within(4 * standardError));
    }

    @Test
    void shouldMatchAPosteriorMonteCarloOfTheConditionalExpectation() {
        // Draw (lambda, p) from the prior, weight by the likelihood of (x, t_x, T): a ratio estimate of
        // E[Y(t) | x, t_x, T] and P(alive | x, t_x, T) that does not use the closed forms.
        final SplittableRandom random = new SplittableRandom(7);
        final int x = 2;
        final double tx = 30.43;
        final double t = 38.86;
        final double horizon = 39;
        double likelihood = 0;
        double aliveWeight = 0;
        double expected = 0;
        for (int i = 0; i < 400_000; i++) {
            final double lambda = Sampling.gamma(random, CDNOW.r(), CDNOW.alpha());
            final double p = Sampling.beta(random, CDNOW.a(), CDNOW.b());
            final double alive = Math.pow(1 - p, x) * Math.pow(lambda, x) * Math.exp(-lambda * t);
            final double dead = p * Math.pow(1 - p, x - 1) * Math.pow(lambda, x) * Math.exp(-lambda * tx);
            likelihood += alive + dead;
            aliveWeight += alive;
            expected += alive * -Math.expm1(-lambda * p * horizon) / p;
        }
        final CustomerSummary customer = CustomerSummary.of(x, tx, t);

        assertThat(MODEL.probabilityAlive(customer)).isCloseTo(aliveWeight / likelihood, within(0.01));
        assertThat(MODEL.expectedPurchases(customer, horizon)).isCloseTo(expected / likelihood, within(0.02));
    }

    @Test
    void shouldBeginAtTheCurrentPurchaseRate() {
        final CustomerSummary customer = CustomerSummary.of(3, 20, 30);
        final double horizon = 1e-6;
        final double rate = MODEL.probabilityAlive(customer) * (CDNOW.r() + 3) / (CDNOW.alpha() + 30);

        assertThat(MODEL.expectedPurchases(customer, horizon) / horizon).isCloseTo(rate, within(1e-6 * rate));
        assertThat(MODEL.expectedPurchases(customer, 0)).isZero();
    }

    @Test
    void shouldTendToTheNbdModelWhenNobodyDropsOut() {
        final BgNbd immortal = new BgNbd(new BgNbdParameters(0.5, 10, 1e-3, 1e3));

        assertThat(immortal.expectedPurchasesUnconditional(20)).isCloseTo(0.5 * 20 / 10, within(1e-4));
    }

    @Test
    void shouldStopAfterOnePurchaseWhenEverybodyDropsOut() {
        final BgNbd oneShot = new BgNbd(new BgNbdParameters(0.5, 10, 1e3, 1e-3));

        assertThat(oneShot.expectedPurchasesUnconditional(20))
            .isCloseTo(1 - Math.pow(10.0 / 30.0, 0.5), within(1e-4));
    }

    @Test
    void shouldKeepEveryoneAliveWithoutRepeatPurchases() {
        assertThat(MODEL.probabilityAlive(CustomerSummary.of(0, 0, 500))).isEqualTo(1.0);
    }

    @Test
    void shouldLowerPAliveAsTimeWithoutPurchasePasses() {
        double previous = 1.0;
        for (double t = 10; t <= 200; t += 10) {
            final double alive = MODEL.probabilityAlive(CustomerSummary.of(4, 10, t));
            assertThat(alive).isLessThan(previous);
            previous = alive;
        }
    }

    @Test
    void shouldRaisePAliveWithALaterLastPurchase() {
        double previous = 0.0;
        for (double tx = 0; tx <= 50; tx += 5) {
            final double alive = MODEL.probabilityAlive(CustomerSummary.of(4, tx, 50));
            assertThat(alive).isGreaterThan(previous);
            previous = alive;
        }
        assertThat(previous).isEqualTo(MODEL.probabilityAlive(CustomerSummary.of(4, 50, 50)));
    }

    @Test
    void shouldExpectMorePurchasesOverLongerHorizons() {
        final CustomerSummary customer = CustomerSummary.of(5, 30, 38);
        double previous = 0;
        for (double horizon = 1; horizon <= 520; horizon *= 2) {
            final double expected = MODEL.expectedPurchases(customer, horizon);
            assertThat(expected).isGreaterThan(previous);
            previous = expected;
        }
    }

    @Test
    void shouldExpectPurchasesOfTheAliveTimesTheProbabilityOfBeingAlive() {
        for (final CustomerSummary customer : new CustomerSummary[] {
            CustomerSummary.of(0, 0, 38), CustomerSummary.of(2, 30.43, 38.86), CustomerSummary.of(40, 2, 300)}) {
            for (final double horizon : new double[] {0, 1, 39, 365}) {
                assertThat(MODEL.probabilityAlive(customer)
                    * MODEL.expectedPurchasesIfAlive(customer.x(), customer.t(), horizon))
                    .isEqualTo(MODEL.expectedPurchases(customer, horizon));
            }
        }
        // Someone who bought 40 times in the first two days and never in the 298 since is as good as gone.
        assertThat(MODEL.probabilityAlive(CustomerSummary.of(40, 2, 300))).isLessThan(1e-6);
    }

    @Test
    void shouldScoreChurnRiskAsTheProbabilityOfNoPurchase() {
        final CustomerSummary newcomer = CustomerSummary.of(0, 0, 10);
        final double expected = Math.pow((CDNOW.alpha() + 10) / (CDNOW.alpha() + 10 + 13), CDNOW.r());

        assertThat(ChurnRisk.probabilityOfNoPurchase(MODEL, newcomer, 13)).isCloseTo(expected, within(1e-14));
        assertThat(ChurnRisk.probabilityOfNoPurchase(MODEL, newcomer, 0)).isEqualTo(1.0);
        final CustomerSummary regular = CustomerSummary.of(10, 30, 38);
        final double risk = ChurnRisk.probabilityOfNoPurchase(MODEL, regular, 13);
        assertThat(risk).isBetween(1 - MODEL.probabilityAlive(regular), 1.0);
        assertThat(ChurnRisk.probabilityOfNoPurchase(MODEL, CustomerSummary.of(10, 30, 60), 13)).isGreaterThan(risk);
        assertThat(ChurnRisk.probabilityOfNoPurchase(MODEL, regular, 26)).isLessThan(risk);
    }

    @Test
    void shouldSumTheLikelihoodOfOneCustomerToTheFormula() {
        // x = 0: the only way to have no repeat purchase is E[(alpha / (alpha + T))^r]-like closed form.
        final double expected = Math.pow(CDNOW.alpha() / (CDNOW.alpha() + 20), CDNOW.r());

        assertThat(Math.exp(BgNbd.logLikelihood(CDNOW, 0, 0, 20))).isCloseTo(expected, within(1e-12));
    }
}
