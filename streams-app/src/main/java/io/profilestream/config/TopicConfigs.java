package io.profilestream.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Topic-level settings the engine gives the topics it creates, beyond cleanup policy and timestamp type: the
 * retention of the topics that keep history by design and the compaction lag of {@code profile-updates}.
 * They bound how long an erased customer's records survive there (docs/security.md#erasure).
 */
public final class TopicConfigs {

    /** Kafka's topic setting for time retention. */
    static final String RETENTION_MS = "retention.ms";
    /** Kafka's topic setting for the longest a record may stay uncompacted. */
    static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    /** The engine's key for {@value #MAX_COMPACTION_LAG_MS} of profile-updates and the changelogs. */
    public static final String COMPACTION_LAG_KEY = "topics.max.compaction.lag.ms";

    private TopicConfigs() {
    }

    /**
     * The settings per topic name, read from {@code topics.<topic key>.retention.ms} and
     * {@value #COMPACTION_LAG_KEY}.
     *
     * @throws ConfigException when a value is neither -1 nor positive
     */
    public static Map<String, Map<String, String>> from(final ProfileStreamConfig config, final Topics topics) {
        final Map<String, Map<String, String>> settings = new LinkedHashMap<>();
        settings.put(topics.segmentChanges(), retention(config, "topics.segment.changes.retention.ms"));
        settings.put(topics.identityEvents(), retention(config, "topics.identity.events.retention.ms"));
        settings.put(topics.deadLetterQueue(), retention(config, "topics.dlq.retention.ms"));
        settings.put(topics.profileEvents(), retention(config, "topics.profile.events.retention.ms"));
        settings.put(topics.identityCommands(), retention(config, "topics.identity.commands.retention.ms"));
        settings.put(topics.profileUpdates(), Map.of(MAX_COMPACTION_LAG_MS, compactionLag(config)));
        return Collections.unmodifiableMap(settings);
    }

    /**
     * The compaction lag, for profile-updates and the changelog topics of the state stores.
     */
    public static String compactionLag(final ProfileStreamConfig config) {
        final long lag = config.getLong(COMPACTION_LAG_KEY);
        if (lag <= 0) {
            throw new ConfigException(COMPACTION_LAG_KEY + " must be positive, not " + lag + ".");
        }
        return Long.toString(lag);
    }

    private static Map<String, String> retention(final ProfileStreamConfig config, final String key) {
        final long ms = config.getLong(key);
        if (ms != -1 && ms <= 0) {
            throw new ConfigException(key + " must be -1 (keep for ever) or positive, not " + ms + ".");
        }
        return Map.of(RETENTION_MS, Long.toString(ms));
    }
}
