package io.profilestream.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated population follows the BG/NBD process: its purchase counts, zero-repeat share and dead share match
 * the model's expectations within a few standard errors.
 * Tolerances are four standard errors of the sampling error for the fixed seeds, so a correct simulator fails these
 * tests with a probability well below one in ten thousand per check, and a wrong one (a rate off by a few per cent)
 * fails them.
 */
class GroundTruthTest {

    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private static final int CUSTOMERS = 20_000;
    private static final double CALIBRATION_DAYS = 273;
    private static final double HOLDOUT_DAYS = 273;
    private static final double SIGMAS = 4;

    /** Everyone buys first at the start, so every customer has the same T. */
    private static GroundTruth cohort;
    /** The CDNOW set-up: first purchases spread over twelve weeks. */
    private static GroundTruth spread;

    @BeforeAll
    static void simulate() {
        final PurchaseModel sameStart = PurchaseModel.DEFAULT.withAcquisitionDays(0);
        cohort = GroundTruth.of(Population.generate(CUSTOMERS, 101, sameStart), START, CALIBRATION_DAYS,
            HOLDOUT_DAYS);
        spread = GroundTruth.of(Population.generate(CUSTOMERS, 202), START, CALIBRATION_DAYS, HOLDOUT_DAYS);
    }

    @Test
    void shouldDrawRatesAndDropoutProbabilitiesFromThePopulationDistributions() {
        final PurchaseModel model = PurchaseModel.DEFAULT;
        final double[] lambdas = cohort.customers().stream().mapToDouble(GroundTruth.Customer::lambda).toArray();
        final double[] dropouts = cohort.customers().stream()
            .mapToDouble(GroundTruth.Customer::dropoutProbability)
            .toArray();
        final double lambdaSd = Math.sqrt(model.r()) / model.alpha();
        final double dropoutSd = Math.sqrt(model.a() * model.b()
            / ((model.a() + model.b()) * (model.a() + model.b()) * (model.a() + model.b() + 1)));

        assertThat(mean(lambdas)).isCloseTo(model.meanPurchaseRate(), within(SIGMAS * lambdaSd / Math.sqrt(CUSTOMERS)));
        assertThat(mean(dropouts))
            .isCloseTo(model.meanDropoutProbability(), within(SIGMAS * dropoutSd / Math.sqrt(CUSTOMERS)));
        assertThat(Arrays.stream(lambdas).min().orElseThrow()).isPositive();
        assertThat(Arrays.stream(dropouts).min().orElseThrow()).isPositive();
        assertThat(Arrays.stream(dropouts).max().orElseThrow()).isLessThan(1);
    }

    @Test
    void shouldHaveTheExpectedShareWithoutRepeatPurchases() {
        final BgNbdExpectations model = new BgNbdExpectations(PurchaseModel.DEFAULT);

        assertShare(cohort.customers().stream().filter(customer -> customer.x() == 0).count(),
            model.probabilityOfNoRepeat(CALIBRATION_DAYS));
    }

    @Test
    void shouldHaveTheExpectedShareWithoutRepeatPurchasesWhenFirstPurchasesAreSpread() {
        final BgNbdExpectations model = new BgNbdExpectations(PurchaseModel.DEFAULT);
        double expected = 0;
        double variance = 0;
        for (final GroundTruth.Customer customer : spread.customers()) {
            final double p = model.probabilityOfNoRepeat(customer.bigT());
            expected += p;
            variance += p * (1 - p);
        }
        final long observed = spread.customers().stream().filter(customer -> customer.x() == 0).count();

        assertThat((double) observed).isCloseTo(expected, within(SIGMAS * Math.sqrt(variance)));
        assertThat(spread.customers()).allSatisfy(customer ->
            assertThat(customer.bigT()).isBetween(CALIBRATION_DAYS - PurchaseModel.DEFAULT_ACQUISITION_DAYS,
                CALIBRATION_DAYS));
    }

    @Test
    void shouldMakeTheExpectedNumberOfRepeatPurchasesInCalibrationAndHoldout() {
        final BgNbdExpectations model = new BgNbdExpectations(PurchaseModel.DEFAULT);
        final double[] calibration = cohort.customers().stream().mapToDouble(GroundTruth.Customer::x).toArray();
        final double[] holdout = cohort.customers().stream()
            .mapToDouble(GroundTruth.Customer::holdoutPurchases)
            .toArray();
        final double expectedCalibration = model.expectedRepeatPurchases(CALIBRATION_DAYS);
        final double expectedHoldout = model.expectedRepeatPurchases(CALIBRATION_DAYS + HOLDOUT_DAYS)
            - expectedCalibration;

        assertThat(mean(calibration)).isCloseTo(expectedCalibration, within(SIGMAS * standardError(calibration)));
        assertThat(mean(holdout)).isCloseTo(expectedHoldout, within(SIGMAS * standardError(holdout)));
        assertThat(expectedCalibration).isBetween(0.5, 3.0);
    }

    @Test
    void shouldHaveTheExpectedShareOfDeadCustomersAtTheEndOfCalibration() {
        final BgNbdExpectations model = new BgNbdExpectations(PurchaseModel.DEFAULT);
        final long alive = cohort.customers().stream().filter(GroundTruth.Customer::aliveAtCalibrationEnd).count();

        assertShare(alive, model.probabilityAlive(CALIBRATION_DAYS));
        assertThat(cohort.aliveShare()).isEqualTo((double) alive / CUSTOMERS);
    }

    @Test
    void shouldKeepCustomersWithoutRepeatPurchasesAlive() {
        assertThat(spread.customers())
            .filteredOn(customer -> customer.x() == 0)
            .allMatch(GroundTruth.Customer::aliveAtCalibrationEnd)
            .allMatch(customer -> customer.tx() == 0 && customer.m() == 0);
    }

    @Test
    void shouldSummariseCalibrationConsistently() {
        for (final GroundTruth.Customer customer : spread.customers()) {
            assertThat(customer.tx()).isBetween(0.0, customer.bigT());
            assertThat(customer.xDays()).isBetween(0, customer.x());
            assertThat(customer.holdoutPurchaseDays()).isBetween(0, customer.holdoutPurchases());
            if (customer.x() > 0) {
                assertThat(customer.tx()).isPositive();
                assertThat(customer.m()).isPositive();
            }
            if (!customer.aliveAtHoldoutEnd()) {
                assertThat(customer.dropoutAt()).isNotNull().isAfter(customer.firstPurchase());
            }
            if (!customer.aliveAtCalibrationEnd()) {
                assertThat(customer.holdoutPurchases()).isZero();
                assertThat(customer.dropoutAt())
                    .isEqualTo(customer.firstPurchase().plusMillis(Math.round(customer.tx() * 86_400_000)));
            }
        }
    }

    @Test
    void shouldBeTheSameForTheSameSeed() {
        final GroundTruth first = GroundTruth.of(Population.generate(500, 202), START, CALIBRATION_DAYS, HOLDOUT_DAYS);
        final GroundTruth again = GroundTruth.of(Population.generate(500, 202), START, CALIBRATION_DAYS, HOLDOUT_DAYS);
        final GroundTruth other = GroundTruth.of(Population.generate(500, 203), START, CALIBRATION_DAYS, HOLDOUT_DAYS);

        assertThat(again.customers()).isEqualTo(first.customers());
        assertThat(other.customers()).isNotEqualTo(first.customers());
    }

    @Test
    void shouldRejectAnAcquisitionWindowLongerThanCalibration() {
        final Population population = Population.generate(10, 1, PurchaseModel.DEFAULT.withAcquisitionDays(100));

        assertThatThrownBy(() -> GroundTruth.of(population, START, 90, 90))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("acquisition window");
    }

    @Test
    void shouldWriteOneCsvLinePerCustomerAndASummary(@TempDir final Path dir) throws IOException {
        final GroundTruth truth = GroundTruth.of(Population.generate(50, 9), START, CALIBRATION_DAYS, HOLDOUT_DAYS);
        final Path csv = dir.resolve("truth.csv");

        truth.write(csv);

        final List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(51);
        assertThat(lines.get(0)).isEqualTo("customer_id,lambda_per_day,dropout_probability,first_purchase,"
            + "alive_at_calibration_end,alive_at_holdout_end,dropout_at,x,t_x,T,m_minor,x_days,holdout_purchases,"
            + "holdout_purchase_days,holdout_spend_minor,expected_order_value_minor");
        for (int i = 1; i < lines.size(); i++) {
            final String[] cells = lines.get(i).split(",", -1);
            final GroundTruth.Customer customer = truth.customers().get(i - 1);
            assertThat(cells).hasSize(GroundTruth.COLUMNS.size());
            assertThat(cells[0]).isEqualTo(customer.customerId()).isEqualTo(Population.customerId(i));
            assertThat(Double.parseDouble(cells[1])).isEqualTo(customer.lambda());
            assertThat(Double.parseDouble(cells[2])).isEqualTo(customer.dropoutProbability());
            assertThat(Instant.parse(cells[3])).isEqualTo(customer.firstPurchase());
            assertThat(Boolean.parseBoolean(cells[4])).isEqualTo(customer.aliveAtCalibrationEnd());
            assertThat(Boolean.parseBoolean(cells[5])).isEqualTo(customer.aliveAtHoldoutEnd());
            assertThat(cells[6].isEmpty()).isEqualTo(customer.dropoutAt() == null);
            assertThat(Integer.parseInt(cells[7])).isEqualTo(customer.x());
            assertThat(Double.parseDouble(cells[8])).isEqualTo(customer.tx());
            assertThat(Double.parseDouble(cells[9])).isEqualTo(customer.bigT());
            assertThat(Double.parseDouble(cells[10])).isCloseTo(customer.m(), within(0.005));
            assertThat(Integer.parseInt(cells[11])).isEqualTo(customer.xDays());
            assertThat(Integer.parseInt(cells[12])).isEqualTo(customer.holdoutPurchases());
            assertThat(Integer.parseInt(cells[13])).isEqualTo(customer.holdoutPurchaseDays());
            assertThat(Long.parseLong(cells[14])).isEqualTo(customer.holdoutSpendMinor());
            assertThat(Double.parseDouble(cells[15])).isCloseTo(customer.expectedOrderValueMinor(), within(0.005));
        }
        final String summary = Files.readString(dir.resolve("truth.json"));
        assertThat(summary)
            .contains("\"seed\": 9", "\"customers\": 50", "\"time_unit\": \"days\"", "\"r\": 0.243", "\"a\": 0.793",
                "\"b\": 2.426", "\"simulated_start\": \"2025-01-01T00:00:00Z\"",
                "\"calibration_end\": \"2025-10-01T00:00:00Z\"", "\"holdout_end\": \"2026-07-01T00:00:00Z\"")
            .containsPattern("\"alpha\": 30\\.89\\d*")
            .startsWith("{")
            .endsWith("}\n");
        assertThat(GroundTruth.summaryPath(dir.resolve("truth"))).isEqualTo(dir.resolve("truth.json"));
    }

    @Test
    void shouldExpectAsManyHoldoutPurchasesAsTheAliveCustomersMake() {
        final double[] errors = spread.customers().stream()
            .filter(GroundTruth.Customer::aliveAtCalibrationEnd)
            .mapToDouble(customer -> customer.holdoutPurchases() - customer.expectedPurchasesIfAlive(HOLDOUT_DAYS))
            .toArray();

        assertThat(mean(errors)).isCloseTo(0, within(SIGMAS * standardError(errors)));
        assertThat(spread.customers()).allMatch(customer ->
            customer.expectedSpendMinor(HOLDOUT_DAYS) > 0 == customer.aliveAtCalibrationEnd());
    }

    @Test
    void shouldExpectAsManyAliveCustomersKnowingTheirRatesAsAreAlive() {
        double expected = 0;
        double variance = 0;
        long alive = 0;
        for (final GroundTruth.Customer customer : spread.customers()) {
            final double p = customer.probabilityAliveKnowingRates();
            expected += p;
            variance += p * (1 - p);
            alive += customer.aliveAtCalibrationEnd() ? 1 : 0;
        }

        assertThat((double) alive).isCloseTo(expected, within(SIGMAS * Math.sqrt(variance)));
        assertThat(expected).isLessThan(CUSTOMERS);
    }

    private static void assertShare(final long count, final double probability) {
        final double standardError = Math.sqrt(probability * (1 - probability) / CUSTOMERS);
        assertThat((double) count / CUSTOMERS).isCloseTo(probability, within(SIGMAS * standardError));
    }

    private static double mean(final double[] values) {
        double sum = 0;
        for (final double value : values) {
            sum += value;
        }
        return sum / values.length;
    }

    private static double standardError(final double[] values) {
        final double mean = mean(values);
        double squares = 0;
        for (final double value : values) {
            squares += (value - mean) * (value - mean);
        }
        return Math.sqrt(squares / (values.length - 1) / values.length);
    }
}
