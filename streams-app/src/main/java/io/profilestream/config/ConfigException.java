package io.profilestream.config;

/**
 * A configuration value is missing or invalid; the message says which key and why.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(final String message) {
        super(message);
    }
}
