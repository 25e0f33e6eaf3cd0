package io.profilestream.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;

/**
 * Guards mutating endpoints with the {@code X-API-Key} header: 401 without it, 403 with a wrong one.
 * The key is compared in constant time and never logged; with no key configured every mutating call is refused.
 */
public final class ApiKeyGuard {

    /** The request header that carries the key. */
    public static final String HEADER = "X-API-Key";

    private final byte[] key;

    /**
     * Creates a guard.
     *
     * @param key the configured key, or null or blank when none is configured
     */
    public ApiKeyGuard(final String key) {
        this.key = key == null || key.isBlank() ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Throws the HTTP error to answer unless the request carries the configured key.
     */
    public void check(final Context ctx) {
        if (key == null) {
            throw new HttpResponseException(403, "Mutating endpoints are disabled: no api.key is configured.");
        }
        final String given = ctx.header(HEADER);
        if (given == null || given.isEmpty()) {
            throw new HttpResponseException(401, "This call needs the " + HEADER + " header.");
        }
        if (!MessageDigest.isEqual(key, given.getBytes(StandardCharsets.UTF_8))) {
            throw new HttpResponseException(403, "The " + HEADER + " header does not match api.key.");
        }
    }
}
