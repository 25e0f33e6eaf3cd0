package io.profilestream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Summaries from purchase days.
 */
class CustomerSummaryTest {

    @Test
    void shouldCountRepeatPurchaseDays() {
        final CustomerSummary summary = CustomerSummary.fromPurchaseDays(new int[] {120, 100, 100, 107}, 128.5,
            ModelTimeUnit.DAYS);

        assertThat(summary).isEqualTo(new CustomerSummary(2, 20, 28.5, 0));
    }

    @Test
    void shouldMeasureInWeeks() {
        final CustomerSummary summary = CustomerSummary.fromPurchaseDays(new int[] {0, 14}, 21, ModelTimeUnit.WEEKS);

        assertThat(summary.x()).isEqualTo(1);
        assertThat(summary.tx()).isCloseTo(2, within(1e-12));
        assertThat(summary.t()).isCloseTo(3, within(1e-12));
    }

    @Test
    void shouldMergeSameDayPurchasesAndAverageRepeatDays() {
        final CustomerSummary summary = CustomerSummary.fromPurchases(new int[] {5, 1, 5, 9, 1},
            new double[] {10, 99, 20, 60, 1}, 10, ModelTimeUnit.DAYS);

        assertThat(summary).isEqualTo(new CustomerSummary(2, 8, 9, 45));
    }

    @Test
    void shouldDescribeAOneTimeBuyer() {
        assertThat(CustomerSummary.fromPurchases(new int[] {3, 3}, new double[] {5, 6}, 10, ModelTimeUnit.DAYS))
            .isEqualTo(new CustomerSummary(0, 0, 7, 0));
        assertThat(CustomerSummary.fromPurchaseDays(new int[0], 10, ModelTimeUnit.DAYS)).isNull();
    }

    @Test
    void shouldNotLetAClockBehindTheLastPurchaseMakeTNegative() {
        assertThat(CustomerSummary.fromDayCounts(3, 10, 20, 19.5, ModelTimeUnit.DAYS, 0).t()).isEqualTo(10.0);
    }

    @Test
    void shouldRejectInconsistentSummaries() {
        assertThatThrownBy(() -> CustomerSummary.of(1, 5, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CustomerSummary.of(0, 1, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CustomerSummary.of(-1, 0, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CustomerSummary.of(1, 0, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
