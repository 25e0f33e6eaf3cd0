package io.profilestream.topology;

import java.util.Locale;

import io.profilestream.config.ConfigException;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.domain.EmailHasher;
import io.profilestream.domain.EventValidator;
import io.profilestream.domain.IdentityPolicy;
import io.profilestream.domain.Money;
import io.profilestream.domain.ProfileAggregator;
import io.profilestream.domain.ProfileMerger;

/**
 * The typed settings the topology needs, read once from the configuration.
 *
 * @param topics topic names
 * @param eventTime whether engine time is the highest event time seen (replays) rather than the wall clock
 * @param dedupRetentionMs how long event ids are remembered
 * @param validator input checks
 * @param aggregator profile update rules
 * @param identity identity resolution rules (links, re-links, quarantine)
 * @param merger how an anonymous profile merges into a customer's
 */
public record EngineSettings(Topics topics,
                             boolean eventTime,
                             long dedupRetentionMs,
                             EventValidator validator,
                             ProfileAggregator aggregator,
                             IdentityPolicy identity,
                             ProfileMerger merger) {

    public static EngineSettings from(final ProfileStreamConfig config) {
        final Money money = new Money(config.get("currency.base"), Money.parseRates(config.get("currency.rates", "")));
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
            EmailHasher.withSalt(config.get("identity.email.hash.salt", null)));
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
            new ProfileMerger(aggregator));
    }
}
