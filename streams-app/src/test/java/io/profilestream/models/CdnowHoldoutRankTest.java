package io.profilestream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * How well the models rank the CDNOW customers' holdout spend in the literature's own set-up (39 weeks of calibration,
 * 39 weeks of holdout): the reference for the accuracy bench's {@code accuracy.clv_spearman} (docs/models.md).
 */
class CdnowHoldoutRankTest {

    @Test
    void shouldRankTheHoldoutSpendOfTheCdnowCustomersAsMeasured() {
        final CustomerSummaries calibration = Cdnow.calibration();
        final double[] spend = Cdnow.holdoutSpend();
        final ModelRefit.Outcome fit = ModelRefit.fit(calibration, 1);
        final BgNbd model = new BgNbd(fit.bgNbd().fit().parameters());
        final GammaGamma value = new GammaGamma(fit.gammaGamma().fit().parameters());
        final ClvSettings nineMonths = ClvSettings.monthly(ModelTimeUnit.WEEKS, 9, 0.10, 1.0);
        final double[] clv = new double[calibration.size()];
        long zeros = 0;
        for (int i = 0; i < clv.length; i++) {
            final CustomerSummary customer = calibration.get(i);
            clv[i] = Clv.value(model, customer, value.expectedAverageValue(customer), nineMonths);
            zeros += spend[i] == 0 ? 1 : 0;
        }

        assertThat(spend).hasSize(2357);
        // 1,673 of the 2,357 customers (71 %) spend nothing in the holdout period.
        assertThat(zeros).isEqualTo(1673);
        // 0.426: CLV ranks the holdout spend of real CDNOW customers below 0.5 too.
        assertThat(RankCorrelation.spearman(clv, spend)).isCloseTo(0.426, within(0.005));
    }
}
