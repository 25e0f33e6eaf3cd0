package io.profilestream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pins the published results on the CDNOW sample: Fader, Hardie and Lee (2005) for BG/NBD and
 * Fader and Hardie (2013) for Gamma-Gamma, to the precision they were published with.
 */
class CdnowPublishedResultsTest {

    private static final BgNbdParameters PUBLISHED = new BgNbdParameters(0.243, 4.414, 0.793, 2.426);
    private static CustomerSummaries calibration;

    @BeforeAll
    static void loadData() {
        calibration = Cdnow.calibration();
    }

    @Test
    void shouldSummariseTheCalibrationPeriodAsThePaper() {
        assertThat(calibration.size()).isEqualTo(2357);
        int repeatBuyers = 0;
        long repeatPurchases = 0;
        for (int i = 0; i < calibration.size(); i++) {
            repeatBuyers += calibration.x(i) > 0 ? 1 : 0;
            repeatPurchases += calibration.x(i);
        }
        assertThat(repeatBuyers).isEqualTo(946);
        assertThat(repeatPurchases).isEqualTo(2457);
    }

    @Test
    void shouldFitThePublishedBgNbdParameters() {
        final BgNbdFit fit = BgNbd.fit(calibration);

        assertThat(fit.parameters().r()).isCloseTo(0.243, within(0.0005));
        assertThat(fit.parameters().alpha()).isCloseTo(4.414, within(0.0005));
        assertThat(fit.parameters().a()).isCloseTo(0.793, within(0.0005));
        assertThat(fit.parameters().b()).isCloseTo(2.426, within(0.0005));
        assertThat(fit.logLikelihood()).isCloseTo(-9582.4, within(0.05));
        assertThat(fit.customers()).isEqualTo(2357);
        assertThat(fit.atBound()).isFalse();
    }

    @Test
    void shouldReproduceThePublishedConditionalExpectation() {
        final BgNbd model = new BgNbd(PUBLISHED);

        assertThat(model.expectedPurchases(CustomerSummary.of(2, 30.43, 38.86), 39)).isCloseTo(1.226, within(0.0005));
    }

    @Test
    void shouldReproduceThePublishedLogLikelihood() {
        assertThat(BgNbd.logLikelihood(PUBLISHED, calibration)).isCloseTo(-9582.4, within(0.1));
    }

    @Test
    void shouldFitThePublishedGammaGammaParameters() {
        final GammaGammaFit fit = GammaGamma.fit(calibration);

        assertThat(fit.parameters().p()).isCloseTo(6.25, within(0.005));
        assertThat(fit.parameters().q()).isCloseTo(3.74, within(0.005));
        assertThat(fit.parameters().gamma()).isCloseTo(15.44, within(0.005));
        assertThat(fit.customers()).isEqualTo(946);
    }
}
