package io.profilestream.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine's effective configuration, built in one documented order.
 * Later layers win: built-in defaults, then the config file, then environment variables
 * ({@code PROFILESTREAM_COMMIT_INTERVAL_MS} becomes {@code commit.interval.ms}), then command-line flags.
 * Keys outside the engine's own namespaces are Kafka settings and pass through untouched.
 */
public final class ProfileStreamConfig {

    /** Prefix of the environment variables read as configuration. */
    public static final String ENV_PREFIX = "PROFILESTREAM_";

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
    private static final String DEFAULTS_RESOURCE = "/profilestream-defaults.properties";
    private static final Pattern SECRET_KEY = Pattern.compile(
        ".*(password|secret|salt|api\\.key|api\\.read\\.key|sasl\\.jaas\\.config|basic\\.auth\\.user\\.info|token"
            + "|ssl\\.keystore\\.key|credential).*");
    /** The user-info part of a URL ({@code http://user:password@host}), which holds credentials. */
    private static final Pattern URL_USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s,]+@");
    private static final Set<String> ENGINE_NAMESPACES = Set.of(
        "topics", "http", "schema", "time", "currency", "validation", "profile", "api", "dedup", "model",
        "lifecycle", "embedded", "work", "segments", "identity");

    private final Map<String, String> values;

    private ProfileStreamConfig(final Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /**
     * Builds the configuration from defaults, an optional file, the environment and flags, in that order.
     */
    public static ProfileStreamConfig load(final Path file,
                                           final Map<String, String> environment,
                                           final Map<String, String> flags) {
        final Map<String, String> merged = new HashMap<>(defaults());
        if (file != null) {
            merged.putAll(readFile(file));
        }
        merged.putAll(fromEnvironment(environment, merged.keySet()));
        merged.putAll(flags);
        return new ProfileStreamConfig(merged);
    }

    /**
     * Defaults overridden by the given values; for tests and embedded use.
     */
    public static ProfileStreamConfig of(final Map<String, String> overrides) {
        final Map<String, String> merged = new HashMap<>(defaults());
        merged.putAll(overrides);
        return new ProfileStreamConfig(merged);
    }

    /**
     * Returns a copy with some values replaced.
     */
    public ProfileStreamConfig with(final Map<String, String> overrides) {
        final Map<String, String> merged = new HashMap<>(values);
        merged.putAll(overrides);
        return new ProfileStreamConfig(merged);
    }

    static Map<String, String> defaults() {
        try (InputStream in = ProfileStreamConfig.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The built-in defaults " + DEFAULTS_RESOURCE + " are missing.");
            }
            final Properties properties = new Properties();
            properties.load(in);
            return toMap(properties);
        } catch (final IOException e) {
            throw new IllegalStateException("The built-in defaults could not be read.", e);
        }
    }

    private static Map<String, String> readFile(final Path file) {
        if (!Files.isReadable(file)) {
            throw new ConfigException("Config file " + file + " does not exist or cannot be read.");
        }
        try (Reader reader = Files.newBufferedReader(file)) {
            final Properties properties = new Properties();
            properties.load(reader);
            return toMap(properties);
        } catch (final IOException | IllegalArgumentException e) {
            throw new ConfigException("Config file " + file + " is not a valid properties file: " + e.getMessage());
        }
    }

    /**
     * Maps {@code PROFILESTREAM_FOO_BAR} to {@code foo.bar}, or to a known key that differs only in dashes.
     */
    static Map<String, String> fromEnvironment(final Map<String, String> environment, final Set<String> knownKeys) {
        final Map<String, String> byNormalized = new HashMap<>();
        for (final String key : knownKeys) {
            byNormalized.put(key.replace('-', '.'), key);
        }
        final Map<String, String> result = new HashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                final String dotted = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                result.put(byNormalized.getOrDefault(dotted, dotted), value);
            }
        });
        return result;
    }

    private static Map<String, String> toMap(final Properties properties) {
        final Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name).trim()));
        return map;
    }

    public String get(final String key) {
        final String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new ConfigException("Configuration key " + key + " is required but not set.");
        }
        return value;
    }

    public String get(final String key, final String fallback) {
        final String value = values.get(key);
        return value == null || value.isBlank() ? fallback : value;
    }

    public int getInt(final String key) {
        final String value = get(key);
        try {
            return Integer.parseInt(value);
        } catch (final NumberFormatException e) {
            throw new ConfigException("Configuration key " + key + " must be an integer, not '" + value + "'.");
        }
    }

    public long getLong(final String key) {
        final String value = get(key);
        try {
            return Long.parseLong(value);
        } catch (final NumberFormatException e) {
            throw new ConfigException("Configuration key " + key + " must be an integer, not '" + value + "'.");
        }
    }

    /**
     * A duration written as a number with a unit, {@code 500ms}, {@code 30s}, {@code 15m}, {@code 24h} or
     * {@code 7d}, or {@code 0}.
     */
    public Duration getDuration(final String key) {
        final String value = get(key).trim().toLowerCase(Locale.ROOT);
        final Matcher matcher = DURATION.matcher(value);
        if (!matcher.matches()) {
            throw new ConfigException("Configuration key " + key + " must be a duration such as 500ms, 30s, 15m, 24h "
                + "or 7d (or 0), not '" + value + "'.");
        }
        final long amount = Long.parseLong(matcher.group(1));
        final String unit = matcher.group(2) == null ? "" : matcher.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> {
                if (amount != 0) {
                    throw new ConfigException("Configuration key " + key + " needs a unit (ms, s, m, h or d): '"
                        + value + "'.");
                }
                yield Duration.ZERO;
            }
        };
    }

    public double getDouble(final String key) {
        final String value = get(key);
        try {
            return Double.parseDouble(value);
        } catch (final NumberFormatException e) {
            throw new ConfigException("Configuration key " + key + " must be a number, not '" + value + "'.");
        }
    }

    public boolean getBoolean(final String key) {
        final String value = get(key).toLowerCase(Locale.ROOT);
        if (!"true".equals(value) && !"false".equals(value)) {
            throw new ConfigException("Configuration key " + key + " must be true or false, not '" + value + "'.");
        }
        return Boolean.parseBoolean(value);
    }

    public boolean contains(final String key) {
        final String value = values.get(key);
        return value != null && !value.isBlank();
    }

    /**
     * The settings that belong to Kafka (clients and Streams): every key outside the engine's namespaces.
     */
    public Map<String, String> kafkaSettings() {
        final Map<String, String> kafka = new TreeMap<>();
        values.forEach((key, value) -> {
            if (!ENGINE_NAMESPACES.contains(namespace(key))) {
                kafka.put(key, value);
            }
        });
        return kafka;
    }

    /**
     * Every value, with secrets masked, for the start-up log line: the values of secret keys (passwords, keys,
     * salts, JAAS configs, credentials) and the user-info part of every URL.
     */
    public Map<String, String> masked() {
        final Map<String, String> masked = new TreeMap<>();
        values.forEach((key, value) -> masked.put(key, isSecret(key) ? "[hidden]" : maskUrlCredentials(value)));
        return masked;
    }

    /**
     * Replaces the user-info part of every URL in a value ({@code http://user:password@host}) with {@code [hidden]}.
     */
    public static String maskUrlCredentials(final String value) {
        return value == null ? null : URL_USER_INFO.matcher(value).replaceAll("$1[hidden]@");
    }

    static boolean isSecret(final String key) {
        return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches();
    }

    private static String namespace(final String key) {
        final int dot = key.indexOf('.');
        return dot < 0 ? key : key.substring(0, dot);
    }

    public Map<String, String> asMap() {
        return values;
    }

    @Override
    public String toString() {
        return masked().toString();
    }
}
