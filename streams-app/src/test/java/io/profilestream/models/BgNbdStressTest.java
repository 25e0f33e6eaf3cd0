package io.profilestream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Numerical safety over the whole parameter box of the fit, x up to 10,000 and T up to ten years in days:
 * every score is a finite number in its range, and expected purchases never exceed what a customer who never
 * drops out would make.
 */
class BgNbdStressTest {

    private static final int[] XS = {0, 1, 2, 10, 100, 1_000, 10_000};
    private static final double[] TS = {0, 0.5, 30, 365, 3650};
    private static final double[] HORIZONS = {0.01, 1, 30, 365, 3650};

    @Test
    void shouldStayFiniteAndInRangeEverywhereInTheBounds() {
        int checked = 0;
        for (final BgNbdParameters parameters : corners()) {
            final BgNbd model = new BgNbd(parameters);
            for (final int x : XS) {
                for (final double t : TS) {
                    for (final double tx : x == 0 ? new double[] {0} : new double[] {0, t / 2, t}) {
                        final CustomerSummary customer = CustomerSummary.of(x, tx, t);
                        final double alive = model.probabilityAlive(customer);
                        assertThat(alive).as("P(alive) %s %s", parameters, customer).isBetween(0.0, 1.0);
                        assertThat(BgNbd.logLikelihood(parameters, x, tx, t)).as("LL %s %s", parameters, customer)
                            .isFinite();
                        double previous = 0;
                        for (final double horizon : HORIZONS) {
                            final double expected = model.expectedPurchases(customer, horizon);
                            final double immortal = alive * (parameters.r() + x) * horizon / (parameters.alpha() + t);
                            assertThat(expected).as("E[Y] %s %s %s", parameters, customer, horizon)
                                .isFinite().isGreaterThanOrEqualTo(previous * (1 - 1e-9))
                                .isLessThanOrEqualTo(immortal * (1 + 1e-9));
                            final double risk = ChurnRisk.probabilityOfNoPurchase(model, customer, horizon);
                            assertThat(risk).as("churn %s %s %s", parameters, customer, horizon).isBetween(0.0, 1.0);
                            previous = expected;
                            checked++;
                        }
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(8_000);
    }

    @Test
    void shouldGiveZeroWhereThePurchaseCountUnderflows() {
        final BgNbd model = new BgNbd(new BgNbdParameters(1e3, 1e-3, 1e3, 1e-3));
        final CustomerSummary longGone = CustomerSummary.of(10_000, 1, 3650);

        assertThat(model.probabilityAlive(longGone)).isZero();
        assertThat(model.expectedPurchases(longGone, 365)).isZero();
        assertThat(ChurnRisk.probabilityOfNoPurchase(model, longGone, 365)).isEqualTo(1.0);
    }

    @Test
    void shouldAgreeWithNumericalIntegrationForLongWindows() {
        // Where the series is still affordable but the integral is what long windows use.
        final double[][] cases = {
            {0.5, 2_000, 0.9, 3}, {50, 100, 0.01, 0.01}, {3, 3_000, 200, 0.5}, {2_000, 5, 1, 2_000}};
        for (final double[] c : cases) {
            final double series = AliveCountExpectation.series(c[0], c[1], c[2], c[3]);
            assertThat(AliveCountExpectation.integral(c[0], c[1], c[2], c[3])).isCloseTo(series, within(1e-8 * series));
        }
    }

    @Test
    void shouldCountUnconditionalPurchasesEverywhereInTheBounds() {
        for (final BgNbdParameters parameters : corners()) {
            final BgNbd model = new BgNbd(parameters);
            for (final double horizon : HORIZONS) {
                assertThat(model.expectedPurchasesUnconditional(horizon)).as("%s %s", parameters, horizon)
                    .isFinite().isGreaterThanOrEqualTo(0.0)
                    .isLessThanOrEqualTo(parameters.r() * horizon / parameters.alpha() * (1 + 1e-9));
            }
        }
    }

    private static List<BgNbdParameters> corners() {
        final BgNbdParameters low = BgNbdParameters.LOWER_BOUNDS;
        final BgNbdParameters high = BgNbdParameters.UPPER_BOUNDS;
        final List<BgNbdParameters> corners = new ArrayList<>();
        for (int mask = 0; mask < 16; mask++) {
            corners.add(new BgNbdParameters((mask & 1) == 0 ? low.r() : high.r(),
                (mask & 2) == 0 ? low.alpha() : high.alpha(), (mask & 4) == 0 ? low.a() : high.a(),
                (mask & 8) == 0 ? low.b() : high.b()));
        }
        corners.add(new BgNbdParameters(0.243, 4.414, 0.793, 2.426));
        corners.add(new BgNbdParameters(1, 1, 1, 1));
        return corners;
    }
}
