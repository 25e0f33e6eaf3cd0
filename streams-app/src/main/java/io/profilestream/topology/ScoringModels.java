package io.profilestream.topology;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.domain.Evaluators;
import io.profilestream.domain.LiveModels;
import io.profilestream.domain.ProfileEvaluator;
import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.GammaGammaParameters;
import io.profilestream.models.ModelTimeUnit;
import io.profilestream.models.RfmBreakpoints;
import io.profilestream.models.RfmSketch;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.ModelParameters;
import io.profilestream.profile.Transactions;

/**
 * The profile evaluator of one task: the configured model defaults until a fit is published on
 * {@code model-parameters} (looked up at most once a second), and RFM breakpoints recomputed from the task's own
 * profiles.
 */
final class ScoringModels {

    private static final Logger LOG = LoggerFactory.getLogger(ScoringModels.class);
    /** How often the published parameters are looked up. */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final long CHECK_INTERVAL_MS = CHECK_INTERVAL.toMillis();
    private static final double MILLIS_PER_DAY = 86_400_000.0;

    private final Evaluators evaluators;
    private final long rfmMinPopulation;
    private final KeyValueStore<String, ModelParameters> published;
    private final LongSupplier wallClockMs;
    private final LiveModels live;
    private ProfileEvaluator evaluator;
    private ModelParameters publishedBgNbd;
    private ModelParameters publishedGammaGamma;
    private RfmBreakpoints rfm = RfmBreakpoints.DEFAULT_FIXED;
    private long checkedAtMs = -CHECK_INTERVAL_MS;

    ScoringModels(final Evaluators evaluators,
                  final long rfmMinPopulation,
                  final KeyValueStore<String, ModelParameters> published,
                  final LongSupplier wallClockMs,
                  final LiveModels live) {
        this.evaluators = evaluators;
        this.rfmMinPopulation = rfmMinPopulation;
        this.published = published;
        this.wallClockMs = wallClockMs;
        this.live = live;
        this.evaluator = evaluators.defaults();
    }

    /**
     * The evaluator for the latest published parameters and RFM breakpoints.
     * Parameters that cannot be used are logged and ignored.
     */
    ProfileEvaluator evaluator() {
        final long now = wallClockMs.getAsLong();
        if (now - checkedAtMs < CHECK_INTERVAL_MS) {
            return evaluator;
        }
        checkedAtMs = now;
        final ModelParameters bgNbd = published.get(BgNbdParameters.MODEL_NAME);
        final ModelParameters gammaGamma = published.get(GammaGammaParameters.MODEL_NAME);
        if (!Objects.equals(bgNbd, publishedBgNbd) || !Objects.equals(gammaGamma, publishedGammaGamma)) {
            publishedBgNbd = bgNbd;
            publishedGammaGamma = gammaGamma;
            rebuild();
        }
        return evaluator;
    }

    /**
     * Recomputes the RFM quintile breakpoints from the task's profiles; profiles pick them up when next scored.
     */
    void refreshRfm(final KeyValueStore<String, CustomerProfile> profiles, final long nowMs) {
        final RfmSketch sketch = new RfmSketch();
        try (KeyValueIterator<String, CustomerProfile> all = profiles.all()) {
            while (all.hasNext()) {
                final Transactions tx = all.next().value.getTransactions();
                if (tx.getOrders() > 0 && tx.getLastPurchaseAt() != null) {
                    sketch.update((nowMs - tx.getLastPurchaseAt().toEpochMilli()) / MILLIS_PER_DAY, tx.getOrders(),
                        Math.max(0, tx.getRevenueMinor()));
                }
            }
        }
        rfm = sketch.freeze(rfmMinPopulation, RfmBreakpoints.DEFAULT_FIXED);
        rebuild();
    }

    private void rebuild() {
        BgNbdParameters bgNbd = evaluators.defaultBgNbd();
        GammaGammaParameters gammaGamma = evaluators.defaultGammaGamma();
        try {
            if (publishedBgNbd != null) {
                bgNbd = evaluators.inEngineUnit(BgNbdParameters.fromMap(publishedBgNbd.getParameters()),
                    ModelTimeUnit.parse(publishedBgNbd.getTimeUnit()));
                LOG.info("Scoring with the BG/NBD parameters fitted at {}.", publishedBgNbd.getFittedAt());
            }
            if (publishedGammaGamma != null) {
                gammaGamma = GammaGammaParameters.fromMap(publishedGammaGamma.getParameters());
                LOG.info("Scoring with the Gamma-Gamma parameters fitted at {}.", publishedGammaGamma.getFittedAt());
            }
        } catch (final IllegalArgumentException e) {
            LOG.warn("Ignoring published model parameters that cannot be used: {}", e.getMessage());
        }
        evaluator = evaluators.evaluator(bgNbd, gammaGamma, rfm);
        live.use(evaluator);
    }
}
