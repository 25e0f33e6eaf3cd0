package io.profilestream.topology;

import java.time.Duration;
import java.util.Locale;

import io.profilestream.config.ConfigException;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.domain.EventValidator;
import io.profilestream.domain.Evaluators;
import io.profilestream.domain.Money;
import io.profilestream.domain.ProfileAggregator;
import io.profilestream.segments.SegmentCompiler;
import io.profilestream.segments.SegmentLimits;

/**
 * The typed settings the topology needs, read once from the configuration.
 *
 * @param topics topic names
 * @param eventTime whether engine time is the highest event time seen (replays) rather than the wall clock
 * @param dedupRetentionMs how long event ids are remembered
 * @param validator input checks
 * @param aggregator profile update rules
 * @param evaluators scores and lifecycle stages, for the default or published model parameters
 * @param reevaluationInterval how often due profiles are re-evaluated (wall clock, or stream time in event-time mode)
 * @param reevaluationBatchSize the most profiles one re-evaluation run touches
 * @param rfmRefreshInterval how often RFM breakpoints are recomputed from the local profiles
 * @param rfmMinPopulation fewer buyers than this keeps the fixed RFM breakpoints
 * @param segmentCompiler compiles segment rules, with the configured cost limits
 * @param timeRuleInterval how often profiles are re-evaluated while a rule depends on {@code now}
 */
public record EngineSettings(Topics topics,
                             boolean eventTime,
                             long dedupRetentionMs,
                             EventValidator validator,
                             ProfileAggregator aggregator,
                             Evaluators evaluators,
                             Duration reevaluationInterval,
                             int reevaluationBatchSize,
                             Duration rfmRefreshInterval,
                             long rfmMinPopulation,
                             SegmentCompiler segmentCompiler,
                             Duration timeRuleInterval) {

    public static EngineSettings from(final ProfileStreamConfig config) {
        final Money money = new Money(config.get("currency.base"), Money.parseRates(config.get("currency.rates", "")));
        final String mode = config.get("time.mode").toLowerCase(Locale.ROOT);
        if (!"wall-clock".equals(mode) && !"event-time".equals(mode)) {
            throw new ConfigException("time.mode must be wall-clock or event-time, not '" + mode + "'.");
        }
        return new EngineSettings(
            Topics.from(config),
            "event-time".equals(mode),
            config.getLong("dedup.retention.ms"),
            new EventValidator(config.getLong("validation.max.future.skew.ms"),
                config.getLong("validation.max.amount.minor"), money),
            new ProfileAggregator(config.getInt("profile.max.anonymous.ids"),
                config.getInt("profile.max.session.ids"),
                config.getInt("profile.max.purchase.days"),
                config.getDouble("profile.affinity.half.life.days"),
                money),
            Evaluators.from(config),
            Duration.ofMillis(config.getLong("lifecycle.reevaluation.interval.ms")),
            config.getInt("lifecycle.reevaluation.batch.size"),
            Duration.ofMillis(config.getLong("model.rfm.refresh.interval.ms")),
            config.getLong("model.rfm.min.population"),
            new SegmentCompiler(new SegmentLimits(config.getInt("segments.max.expression.length"),
                config.getInt("segments.max.ast.nodes"), config.getInt("segments.max.comprehension.depth"),
                config.getInt("segments.max.comprehension.iterations"))),
            Duration.ofMillis(config.getLong("segments.time.rule.interval.ms")));
    }
}
