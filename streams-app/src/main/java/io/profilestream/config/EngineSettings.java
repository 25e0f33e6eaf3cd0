package io.profilestream.config;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import io.profilestream.domain.CoPurchase;
import io.profilestream.domain.CoPurchaseModel;
import io.profilestream.domain.CustomEventLog;
import io.profilestream.domain.Evaluators;
import io.profilestream.domain.EventValidator;
import io.profilestream.domain.LiveModels;
import io.profilestream.domain.Money;
import io.profilestream.domain.ProfileAggregator;
import io.profilestream.domain.ProfileMerger;
import io.profilestream.domain.lifecycle.LifecycleRules;
import io.profilestream.identity.EmailHasher;
import io.profilestream.identity.IdentityPolicy;
import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.ClvSettings;
import io.profilestream.models.GammaGammaParameters;
import io.profilestream.models.ModelTimeUnit;
import io.profilestream.segments.SegmentCompiler;
import io.profilestream.segments.SegmentLimits;

/**
 * The typed settings the topology needs, read once from the configuration.
 * This is the one place that turns configuration keys into the values the domain rules, models and segments take;
 * a value those reject is reported as a {@link ConfigException}.
 *
 * @param topics topic names
 * @param eventTime whether engine time is the highest event time seen (replays) rather than the wall clock
 * @param dedupRetentionMs how long event ids are remembered
 * @param validator input checks
 * @param aggregator profile update rules
 * @param identity identity resolution rules (links, re-links, quarantine)
 * @param merger how an anonymous profile merges into a customer's
 * @param evaluators scores and lifecycle stages, for the default or published model parameters
 * @param reevaluationInterval how often due profiles are re-evaluated, in wall-clock time (in event-time mode what is
 *                             due is judged by stream time)
 * @param reevaluationBatchSize the most profiles one re-evaluation run touches
 * @param rfmRefreshInterval how often RFM breakpoints are recomputed from the local profiles
 * @param rfmMinPopulation fewer buyers than this keeps the fixed RFM breakpoints
 * @param segmentCompiler compiles segment rules, with the configured cost limits
 * @param timeRuleInterval how often profiles are re-evaluated while a rule depends on {@code now}
 * @param profileCacheSize the most recently used profiles each task keeps decoded
 * @param commitMinIntervalMs the shortest time between the commits a task asks for while it processes live records;
 *                            0 asks for none
 * @param commitIntervalMs Kafka Streams' {@code commit.interval.ms}, the longest time between commits
 * @param live the engine's now and current models, shared by the tasks and the HTTP server of this instance
 * @param linkRetention how long an anonymous id's link is kept after its last click (engine time); zero keeps it
 * @param linkCacheSize the most recently used identity links each task keeps decoded
 */
public record EngineSettings(Topics topics,
                             boolean eventTime,
                             long dedupRetentionMs,
                             EventValidator validator,
                             ProfileAggregator aggregator,
                             IdentityPolicy identity,
                             ProfileMerger merger,
                             Evaluators evaluators,
                             Duration reevaluationInterval,
                             int reevaluationBatchSize,
                             Duration rfmRefreshInterval,
                             long rfmMinPopulation,
                             SegmentCompiler segmentCompiler,
                             Duration timeRuleInterval,
                             int profileCacheSize,
                             long commitMinIntervalMs,
                             long commitIntervalMs,
                             LiveModels live,
                             Duration linkRetention,
                             int linkCacheSize) {

    public EngineSettings {
        if (profileCacheSize < 0) {
            throw new IllegalArgumentException("profile.cache.size must be 0 or more, not " + profileCacheSize + ".");
        }
        if (linkCacheSize < 0) {
            throw new IllegalArgumentException("identity.link.cache.size must be 0 or more, not " + linkCacheSize
                + ".");
        }
        if (commitMinIntervalMs < 0) {
            throw new IllegalArgumentException("profile.commit.min.interval.ms must be 0 (off) or more, not "
                + commitMinIntervalMs + ".");
        }
        if (linkRetention.isNegative()) {
            throw new IllegalArgumentException("identity.link.retention.ms must be 0 (keep) or more, not "
                + linkRetention.toMillis() + ".");
        }
    }

    /**
     * Reads the settings from the configuration.
     *
     * @throws ConfigException when a key is missing or its value is not allowed
     */
    public static EngineSettings from(final ProfileStreamConfig config) {
        try {
            return read(config);
        } catch (final IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static EngineSettings read(final ProfileStreamConfig config) {
        final Money money = new Money(config.get("currency.base"), rates(config.get("currency.rates", "")));
        final String mode = config.get("time.mode").toLowerCase(Locale.ROOT);
        if (!"wall-clock".equals(mode) && !"event-time".equals(mode)) {
            throw new ConfigException("time.mode must be wall-clock or event-time, not '" + mode + "'.");
        }
        final ProfileAggregator aggregator = new ProfileAggregator(
            config.getInt(config.contains("profile.max.anonymous.ids")
                ? "profile.max.anonymous.ids"
                : "identity.max.anonymous.ids"),
            config.getInt("profile.max.session.ids"),
            config.getInt("profile.max.purchase.days"),
            config.getDouble("profile.affinity.half.life.days"),
            money,
            EmailHasher.withSalt(config.get("identity.email.hash.salt", null)),
            new CustomEventLog(config.getInt("traits.events.max"),
                Duration.ofDays(config.getLong("traits.retention.days"))));
        final Evaluators evaluators = evaluators(config);
        return new EngineSettings(
            Topics.from(config),
            "event-time".equals(mode),
            config.getLong("dedup.retention.ms"),
            new EventValidator(config.getLong("validation.max.future.skew.ms"),
                config.getLong("validation.max.amount.minor"), money,
                config.getInt("validation.traits.max.attributes"),
                config.getInt("validation.traits.max.length")),
            aggregator,
            new IdentityPolicy(config.getInt("identity.quarantine.max.customers"),
                config.getLong("identity.quarantine.max.events")),
            new ProfileMerger(aggregator),
            evaluators,
            Duration.ofMillis(config.getLong("lifecycle.reevaluation.interval.ms")),
            config.getInt("lifecycle.reevaluation.batch.size"),
            Duration.ofMillis(config.getLong("model.rfm.refresh.interval.ms")),
            config.getLong("model.rfm.min.population"),
            new SegmentCompiler(new SegmentLimits(config.getInt("segments.max.expression.length"),
                config.getInt("segments.max.ast.nodes"), config.getInt("segments.max.comprehension.depth"),
                config.getInt("segments.max.comprehension.iterations"))),
            Duration.ofMillis(config.getLong("segments.time.rule.interval.ms")),
            config.getInt("profile.cache.size"),
            config.getLong("profile.commit.min.interval.ms"),
            config.getLong("commit.interval.ms"),
            new LiveModels("event-time".equals(mode), Clock.systemUTC(), aggregator, evaluators.defaults(),
                new CoPurchaseModel(recommendationLimits(config))),
            Duration.ofMillis(config.getLong("identity.link.retention.ms")),
            config.getInt("identity.link.cache.size"));
    }

    /**
     * The co-purchase model's bounds and rules ({@code recommendations.*}).
     *
     * @throws IllegalArgumentException when a value is not allowed
     */
    public static CoPurchase.Limits recommendationLimits(final ProfileStreamConfig config) {
        return new CoPurchase.Limits(config.getInt("recommendations.max.categories"),
            config.getInt("recommendations.max.pairs.per.category"),
            config.getInt("recommendations.next.categories.max"),
            config.getDouble("recommendations.smoothing"),
            config.getInt("recommendations.regular.min.orders"),
            config.getDouble("recommendations.regular.min.share"),
            config.getLong("recommendations.publish.interval.ms"));
    }

    /**
     * Parses {@code currency.rates} of the form {@code EUR:1.08,GBP:1.27}.
     */
    static Map<String, Double> rates(final String text) {
        final Map<String, Double> rates = new HashMap<>();
        if (text == null || text.isBlank()) {
            return rates;
        }
        for (final String entry : text.split(",")) {
            final String[] parts = entry.trim().split(":");
            if (parts.length != 2) {
                throw new ConfigException("currency.rates must look like EUR:1.08,GBP:1.27, not '" + text + "'.");
            }
            try {
                rates.put(parts[0].trim(), Double.parseDouble(parts[1].trim()));
            } catch (final NumberFormatException e) {
                throw new ConfigException("currency.rates: '" + parts[1].trim() + "' is not a number.");
            }
        }
        return rates;
    }

    private static Evaluators evaluators(final ProfileStreamConfig config) {
        final ModelTimeUnit unit = ModelTimeUnit.parse(config.get("model.time.unit"));
        return new Evaluators(lifecycleRules(config), unit,
            config.getDouble("model.purchases.horizon.days"),
            config.getDouble("model.churn.horizon.days"),
            ClvSettings.monthly(unit, config.getInt("model.clv.months"), config.getDouble("model.clv.discount.rate"),
                config.getDouble("model.clv.margin")),
            new BgNbdParameters(config.getDouble("model.bgnbd.r"), config.getDouble("model.bgnbd.alpha"),
                config.getDouble("model.bgnbd.a"), config.getDouble("model.bgnbd.b")),
            new GammaGammaParameters(config.getDouble("model.gamma.gamma.p"), config.getDouble("model.gamma.gamma.q"),
                config.getDouble("model.gamma.gamma.gamma")));
    }

    private static LifecycleRules lifecycleRules(final ProfileStreamConfig config) {
        return new LifecycleRules(
            Duration.ofDays(config.getLong("lifecycle.new.days")),
            config.getInt("lifecycle.loyal.purchase.days"),
            config.getDouble("lifecycle.at.risk.enter"),
            config.getDouble("lifecycle.at.risk.exit"),
            config.getDouble("lifecycle.churned.enter"),
            config.getDouble("lifecycle.churned.exit"),
            Duration.ofDays(config.getLong("lifecycle.reactivated.days")),
            Duration.ofDays(config.getLong("lifecycle.horizon.days")));
    }
}
