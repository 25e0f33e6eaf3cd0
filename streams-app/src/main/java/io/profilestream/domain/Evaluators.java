package io.profilestream.domain;

import io.profilestream.domain.lifecycle.LifecycleClassifier;
import io.profilestream.domain.lifecycle.LifecycleRules;
import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.ClvSettings;
import io.profilestream.models.GammaGammaParameters;
import io.profilestream.models.ModelTimeUnit;
import io.profilestream.models.RfmBreakpoints;

/**
 * Builds profile evaluators for a set of model parameters: the configured defaults until a fit is published, then
 * whatever arrives on {@code model-parameters}, and the latest RFM breakpoints of the local population.
 */
public final class Evaluators {

    private final LifecycleRules rules;
    private final ModelTimeUnit unit;
    private final double purchasesHorizonDays;
    private final double churnHorizonDays;
    private final ClvSettings clv;
    private final BgNbdParameters defaultBgNbd;
    private final GammaGammaParameters defaultGammaGamma;

    public Evaluators(final LifecycleRules rules,
                      final ModelTimeUnit unit,
                      final double purchasesHorizonDays,
                      final double churnHorizonDays,
                      final ClvSettings clv,
                      final BgNbdParameters defaultBgNbd,
                      final GammaGammaParameters defaultGammaGamma) {
        this.rules = rules;
        this.unit = unit;
        this.purchasesHorizonDays = purchasesHorizonDays;
        this.churnHorizonDays = churnHorizonDays;
        this.clv = clv;
        this.defaultBgNbd = defaultBgNbd;
        this.defaultGammaGamma = defaultGammaGamma;
    }

    /** The evaluator with the configured default parameters and fixed RFM breakpoints. */
    public ProfileEvaluator defaults() {
        return evaluator(defaultBgNbd, defaultGammaGamma, RfmBreakpoints.DEFAULT_FIXED);
    }

    public BgNbdParameters defaultBgNbd() {
        return defaultBgNbd;
    }

    public GammaGammaParameters defaultGammaGamma() {
        return defaultGammaGamma;
    }

    public ModelTimeUnit unit() {
        return unit;
    }

    /**
     * An evaluator for the given parameters, in the engine's time unit.
     */
    public ProfileEvaluator evaluator(final BgNbdParameters bgNbd,
                                      final GammaGammaParameters gammaGamma,
                                      final RfmBreakpoints rfm) {
        final ModelScorer scorer = new ModelScorer(bgNbd, gammaGamma, unit, purchasesHorizonDays, churnHorizonDays,
            clv, rfm);
        return new ProfileEvaluator(scorer, new LifecycleClassifier(rules, scorer));
    }

    /**
     * Converts published BG/NBD parameters fitted in another time unit into the engine's: alpha scales with time,
     * r, a and b have no unit.
     */
    public BgNbdParameters inEngineUnit(final BgNbdParameters parameters, final ModelTimeUnit fittedIn) {
        final double scale = fittedIn.days() / unit.days();
        return new BgNbdParameters(parameters.r(), parameters.alpha() * scale, parameters.a(), parameters.b());
    }
}
