package io.profilestream.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.Set;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.security.RouteRole;

/**
 * The API keys: {@code api.key} may do everything, {@code api.read.key} may only read.
 * When either is set, every request needs one of them in the {@value #HEADER} header, {@code /api/v1} included,
 * unknown paths too: 401 without a valid key, 403 for a mutation with the read key.
 * Only the open paths the server names (health, and metrics unless configured otherwise) need none; they are
 * matched exactly, so no spelling of a path reaches a route around the guard.
 * The console's pages and scripts ({@code GET /console/...}) hold no data and need no key either, so a browser can
 * load them and ask for the key; every piece of data they show comes from {@code /api/v1} with the key.
 * Only a request that a console route answers goes through without one: whatever the spelling of its path, a request
 * that reaches any other route is checked.
 * When neither key is set the API is open (local development), as the HTTP contract says.
 * A call is a mutation unless its method is GET, HEAD or OPTIONS or its route carries {@link Access#READ}
 * (a POST that only reads, such as a segment preview).
 * Keys are compared in constant time, as SHA-256 digests so that not even their length shows, and never logged.
 */
public final class ApiKeyGuard {

    /** The request header that carries the key. */
    public static final String HEADER = "X-API-Key";

    /** The path under which the console's pages are served. */
    static final String CONSOLE = "/console";

    private static final Set<HandlerType> READ_METHODS = Set.of(HandlerType.GET, HandlerType.HEAD,
        HandlerType.OPTIONS);

    /**
     * What a route needs, for routes whose method alone does not tell.
     */
    public enum Access implements RouteRole {
        /** The route only reads, whatever its method. */
        READ
    }

    private enum Grant { NONE, READ, ADMIN }

    private final String adminKey;
    private final String readKey;
    private final byte[] adminDigest;
    private final byte[] readDigest;

    /**
     * A guard with an admin key only.
     *
     * @param adminKey the configured {@code api.key}, or null or blank when none is configured
     */
    public ApiKeyGuard(final String adminKey) {
        this(adminKey, null);
    }

    /**
     * A guard with both keys.
     *
     * @param adminKey the configured {@code api.key}, or null or blank when none is configured
     * @param readKey the configured {@code api.read.key}, or null or blank when none is configured
     * @throws IllegalArgumentException when both keys are set and equal, so a read key would grant everything
     */
    public ApiKeyGuard(final String adminKey, final String readKey) {
        this.adminKey = blankToNull(adminKey);
        this.readKey = blankToNull(readKey);
        if (this.adminKey != null && this.adminKey.equals(this.readKey)) {
            throw new IllegalArgumentException("api.read.key must differ from api.key.");
        }
        this.adminDigest = this.adminKey == null ? null : digest(this.adminKey);
        this.readDigest = this.readKey == null ? null : digest(this.readKey);
    }

    /**
     * A guard that lets every request through.
     */
    public static ApiKeyGuard open() {
        return new ApiKeyGuard(null, null);
    }

    /**
     * Whether any key is configured, so requests need one.
     */
    public boolean enabled() {
        return adminKey != null || readKey != null;
    }

    /**
     * The key this instance sends when it forwards a read to another instance: the read key when one is
     * configured, otherwise the admin key; empty when the API is open.
     * Every instance of an application must be configured with the same keys.
     */
    public Optional<String> forwardingKey() {
        return Optional.ofNullable(readKey != null ? readKey : adminKey);
    }

    /**
     * Guards a server: every request outside the open paths is authenticated, matched or not, and a mutation that
     * matches a route is authorized.
     *
     * @param app the server's application, before it starts
     * @param openPaths the exact paths that need no key
     */
    public void register(final Javalin app, final Set<String> openPaths) {
        final Set<String> open = Set.copyOf(openPaths);
        app.before(ctx -> {
            if (!open.contains(ctx.path()) && !consolePage(ctx.method(), ctx.path())) {
                authenticate(ctx);
            }
        });
        app.beforeMatched(ctx -> {
            if (!open.contains(ctx.path())
                && !(consolePage(ctx.method(), ctx.path()) && consolePage(ctx.method(), ctx.endpointHandlerPath()))) {
                authorize(ctx);
            }
        });
    }

    /**
     * Whether a request reads a console page or script, which hold no data.
     */
    static boolean consolePage(final HandlerType method, final String path) {
        return READ_METHODS.contains(method) && path != null
            && (path.equals(CONSOLE) || path.startsWith(CONSOLE + "/"));
    }

    /**
     * Throws 401 unless the request carries a valid key, or no key is configured.
     */
    public void authenticate(final Context ctx) {
        if (enabled() && grant(ctx) == Grant.NONE) {
            throw unauthorized();
        }
    }

    /**
     * Throws the HTTP error to answer unless the request may change data: 401 without a valid key, 403 with the
     * read key.
     * With no key configured at all every request may.
     */
    public void check(final Context ctx) {
        if (!enabled()) {
            return;
        }
        final Grant grant = grant(ctx);
        if (grant == Grant.NONE) {
            throw unauthorized();
        }
        if (grant == Grant.READ) {
            throw new HttpResponseException(403, adminKey == null
                ? "This call changes data and is disabled: only api.read.key is configured."
                : "This call changes data and needs api.key; the read key may only read.");
        }
    }

    private void authorize(final Context ctx) {
        if (READ_METHODS.contains(ctx.method()) || ctx.routeRoles().contains(Access.READ)) {
            authenticate(ctx);
        } else {
            check(ctx);
        }
    }

    private Grant grant(final Context ctx) {
        final String given = ctx.header(HEADER);
        if (given == null || given.isEmpty()) {
            return Grant.NONE;
        }
        final byte[] digest = digest(given);
        // Both comparisons always run, so the time taken does not tell which key was close.
        final boolean admin = adminDigest != null && MessageDigest.isEqual(adminDigest, digest);
        final boolean read = readDigest != null && MessageDigest.isEqual(readDigest, digest);
        if (admin) {
            return Grant.ADMIN;
        }
        return read ? Grant.READ : Grant.NONE;
    }

    private static HttpResponseException unauthorized() {
        return new HttpResponseException(401, "This call needs a valid key in the " + HEADER + " header.");
    }

    private static byte[] digest(final String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM.", e);
        }
    }

    private static String blankToNull(final String key) {
        return key == null || key.isBlank() ? null : key;
    }

    @Override
    public String toString() {
        return "ApiKeyGuard[admin key " + (adminKey == null ? "unset" : "set") + ", read key "
            + (readKey == null ? "unset" : "set") + "]";
    }
}
