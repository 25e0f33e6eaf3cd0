package io.profilestream.domain;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import io.profilestream.config.ConfigException;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.domain.lifecycle.LifecycleClassifier;
import io.profilestream.domain.lifecycle.LifecycleRules;

/**
 * Builds profile evaluators for a set of model parameters: the configured defaults until a fit is published, then
 * whatever arrives on {@code model-parameters}.
 */
public final class Evaluators {

    private final LifecycleRules rules;
    private final Duration timeUnit;
    private final Duration churnHorizon;
    private final ProfileEvaluator defaults;

    public Evaluators(final LifecycleRules rules,
                      final Duration timeUnit,
                      final Duration churnHorizon,
                      final Map<String, Double> defaultBgNbd) {
        this.rules = rules;
        this.timeUnit = timeUnit;
        this.churnHorizon = churnHorizon;
        this.defaults = forBgNbd(defaultBgNbd, unitName(timeUnit));
    }

    public static Evaluators from(final ProfileStreamConfig config) {
        final Duration unit = parseUnit(config.get("model.time.unit"));
        return new Evaluators(LifecycleRules.from(config), unit,
            Duration.ofDays(config.getLong("model.churn.horizon.days")),
            Map.of("r", config.getDouble("model.bgnbd.r"),
                "alpha", config.getDouble("model.bgnbd.alpha"),
                "a", config.getDouble("model.bgnbd.a"),
                "b", config.getDouble("model.bgnbd.b")));
    }

    /** The evaluator with the configured default parameters. */
    public ProfileEvaluator defaults() {
        return defaults;
    }

    /**
     * An evaluator for published BG/NBD parameters ({@code r, alpha, a, b}) fitted in the given time unit; alpha is
     * converted to the engine's unit.
     *
     * @throws IllegalArgumentException when a parameter is missing, not positive or the unit is unknown
     */
    public ProfileEvaluator forBgNbd(final Map<String, Double> parameters, final String fittedUnit) {
        final double scale = (double) parseUnit(fittedUnit).toMillis() / timeUnit.toMillis();
        final ModelScorer scorer = new ModelScorer(positive(parameters, "r"), positive(parameters, "alpha") * scale,
            positive(parameters, "a"), positive(parameters, "b"), timeUnit, churnHorizon);
        return new ProfileEvaluator(scorer, new LifecycleClassifier(rules, scorer));
    }

    private static double positive(final Map<String, Double> parameters, final String name) {
        final Double value = parameters.get(name);
        if (value == null || !(value > 0) || value.isInfinite()) {
            throw new IllegalArgumentException("BG/NBD parameter " + name + " must be a positive number.");
        }
        return value;
    }

    private static Duration parseUnit(final String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "days" -> Duration.ofDays(1);
            case "weeks" -> Duration.ofDays(7);
            default -> throw new ConfigException("model.time.unit must be days or weeks, not '" + unit + "'.");
        };
    }

    private static String unitName(final Duration unit) {
        return unit.toDays() == 7 ? "weeks" : "days";
    }
}
