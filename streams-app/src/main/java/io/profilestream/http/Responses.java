package io.profilestream.http;

import java.time.Duration;
import java.util.Map;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/**
 * The error answers every route shares: JSON {@code {"error": "..."}}, and 503 with {@code Retry-After}.
 */
final class Responses {

    static final String RETRY_AFTER_HEADER = "Retry-After";

    private Responses() {
    }

    static void error(final Context ctx, final int status, final String message) {
        ctx.status(status).json(Map.of("error", message));
    }

    static void unavailable(final Context ctx, final Duration retryAfter, final String reason) {
        ctx.header(RETRY_AFTER_HEADER, Long.toString(retryAfterSeconds(retryAfter)));
        error(ctx, HttpStatus.SERVICE_UNAVAILABLE.getCode(), reason);
    }

    /**
     * Whole seconds to wait, rounded up and at least one.
     */
    static long retryAfterSeconds(final Duration retryAfter) {
        final long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }
}
