package io.profilestream.http;

import java.util.concurrent.TimeUnit;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's own meters: requests timed by route template and status, and forwarded lookups by outcome.
 * Requests are logged at DEBUG with their route template, never with ids, because ids are personal data.
 */
final class RequestMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(RequestMetrics.class);
    private static final String UNMATCHED_ROUTE = "unmatched";

    private final MeterRegistry registry;

    RequestMetrics(final MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Times and logs one request; Javalin calls it once the answer is written.
     */
    void served(final Context ctx, final Float executionTimeMs) {
        final String route = route(ctx);
        final int status = ctx.statusCode();
        Timer.builder("profilestream.http.requests")
            .description("HTTP requests served, by route template and status.")
            .tag("method", ctx.method().name())
            .tag("route", route)
            .tag("status", Integer.toString(status))
            .register(registry)
            .record((long) (executionTimeMs * 1_000_000L), TimeUnit.NANOSECONDS);
        LOG.debug("Served {} {} with status {} in {} ms.", ctx.method(), route, status, Math.round(executionTimeMs));
    }

    /**
     * Counts a profile lookup forwarded to its owner: {@code relayed}, {@code failed}, {@code loop} or
     * {@code refused} (the owner did not accept this instance's key).
     */
    void forwarded(final String outcome) {
        Counter.builder("profilestream.http.forwards")
            .description("Profile lookups forwarded to the instance that owns the profile, by outcome.")
            .tag("outcome", outcome)
            .register(registry)
            .increment();
    }

    /**
     * The route template a request matched, never its path, which may hold ids.
     */
    static String route(final Context ctx) {
        try {
            final String route = ctx.endpointHandlerPath();
            return route == null || route.isEmpty() ? UNMATCHED_ROUTE : route;
        } catch (final RuntimeException e) {
            return UNMATCHED_ROUTE;
        }
    }
}
