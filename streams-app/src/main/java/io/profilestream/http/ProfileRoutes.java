package io.profilestream.http;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.profile.CustomerProfile;
import io.profilestream.query.InstanceInfo;
import io.profilestream.query.LookupResult;
import io.profilestream.query.ProfileLookup;

/**
 * {@code GET /api/v1/profiles/{id}} and {@code GET /api/v1/instances}.
 * A profile owned by another instance is forwarded to it once and its answer relayed; if a forwarded request lands
 * on an instance that also thinks the profile lives elsewhere, it answers 503 instead of forwarding again.
 * A profile found through an anonymous id names the id asked for and the profile it resolved to in headers.
 * While the active copy of a profile cannot answer (it restores after a failover, or its instance does not answer),
 * the profile is served from a copy that may lag, this instance's or a standby replica's, with {@code X-Stale: true};
 * only when no copy has it is the answer 503.
 * The instance that holds the profile scores it as of the moment it is read ({@code scores.scoredAt}).
 */
final class ProfileRoutes {

    static final String PROFILES_ROUTE = "/api/v1/profiles/{id}";
    static final String PROFILES_PATH_PREFIX = "/api/v1/profiles/";
    static final String INSTANCES_ROUTE = "/api/v1/instances";

    /**
     * On a profile read from a copy that may lag (a standby replica, or an active copy still restoring): {@code true}.
     */
    static final String STALE_HEADER = "X-Stale";

    private static final Logger LOG = LoggerFactory.getLogger(ProfileRoutes.class);
    private static final List<String> RELAYED_HEADERS = List.of(
        Responses.RETRY_AFTER_HEADER,
        ApiServer.RESOLVED_FROM_HEADER,
        ApiServer.RESOLVED_TO_HEADER,
        ProfileRoutes.STALE_HEADER);

    private final ProfileLookup lookup;
    private final ForwardingClient forwarding;
    private final RequestMetrics metrics;
    private final UnaryOperator<CustomerProfile> asOfNow;

    ProfileRoutes(final ProfileLookup lookup,
                  final ForwardingClient forwarding,
                  final RequestMetrics metrics,
                  final UnaryOperator<CustomerProfile> asOfNow) {
        this.lookup = lookup;
        this.forwarding = forwarding;
        this.metrics = metrics;
        this.asOfNow = asOfNow;
    }

    void register(final Javalin app) {
        app.get(PROFILES_ROUTE, this::getProfile);
        app.get(INSTANCES_ROUTE, this::getInstances);
    }

    private void getProfile(final Context ctx) {
        final String id = ctx.pathParam("id");
        final boolean forwarded = ctx.header(ApiServer.FORWARDED_BY_HEADER) != null;
        if (forwarded && ctx.header(ForwardingClient.STALE_ALLOWED_HEADER) != null) {
            answer(ctx, id, lookup.lookupStale(id));
            return;
        }
        final LookupResult<CustomerProfile> result = lookup.lookup(id);
        if (result instanceof LookupResult.FoundElsewhere<CustomerProfile> owner && !forwarded) {
            final HttpResponse<byte[]> response = forward(owner, id, false);
            if (response != null && response.statusCode() != HttpStatus.SERVICE_UNAVAILABLE.getCode()) {
                relay(ctx, response);
            } else if (!serveCopy(ctx, id)) {
                if (response != null) {
                    relay(ctx, response);
                } else {
                    Responses.unavailable(ctx, ForwardingClient.RETRY_AFTER,
                        "The instance that owns this profile did not answer; try again shortly.");
                }
            }
            return;
        }
        if (result instanceof LookupResult.Unavailable && !forwarded && serveCopy(ctx, id)) {
            return;
        }
        answer(ctx, id, result);
    }

    /**
     * Answers from this instance alone: the profile, 404, or 503 (also when the lookup names another instance, since
     * a forwarded lookup is never sent on again).
     */
    private void answer(final Context ctx, final String id, final LookupResult<CustomerProfile> result) {
        if (result instanceof LookupResult.Found<CustomerProfile> found) {
            serve(ctx, id, found);
        } else if (result instanceof LookupResult.NotFound) {
            Responses.error(ctx, HttpStatus.NOT_FOUND.getCode(), "No profile with id " + id + ".");
        } else if (result instanceof LookupResult.Unavailable<CustomerProfile> unavailable) {
            Responses.unavailable(ctx, unavailable.retryAfter(), unavailable.reason());
        } else if (result instanceof LookupResult.FoundElsewhere) {
            metrics.forwarded("loop");
            LOG.debug("A forwarded profile lookup was sent on again; answering 503 while ownership settles.");
            Responses.unavailable(ctx,
                ForwardingClient.RETRY_AFTER,
                "The instances disagree on who owns this profile; try again shortly.");
        } else {
            throw new IllegalStateException("Unknown lookup result " + result.getClass().getName() + ".");
        }
    }

    private void serve(final Context ctx, final String id, final LookupResult.Found<CustomerProfile> found) {
        // Scores, affinity and activity as of the moment of reading (scores.scoredAt says which), not the last event.
        final CustomerProfile profile = asOfNow.apply(found.value());
        if (!id.equals(profile.getProfileId())) {
            ctx.header(ApiServer.RESOLVED_FROM_HEADER, id);
            ctx.header(ApiServer.RESOLVED_TO_HEADER, profile.getProfileId());
        }
        if (found.stale()) {
            ctx.header(STALE_HEADER, "true");
        }
        ctx.json(AvroJson.toJson(profile));
    }

    /**
     * Serves the profile from a copy that may lag, this instance's or a standby replica elsewhere, when the active copy
     * cannot answer; returns false, having written nothing, when no copy has it.
     */
    private boolean serveCopy(final Context ctx, final String id) {
        final LookupResult<CustomerProfile> copy = lookup.lookupStale(id);
        if (copy instanceof LookupResult.Found<CustomerProfile> found) {
            metrics.forwarded("stale");
            serve(ctx, id, found);
            return true;
        }
        if (copy instanceof LookupResult.FoundElsewhere<CustomerProfile> standby) {
            final HttpResponse<byte[]> response = forward(standby, id, true);
            if (response != null && response.statusCode() == HttpStatus.OK.getCode()) {
                metrics.forwarded("stale");
                relay(ctx, response);
                return true;
            }
        }
        return false;
    }

    /**
     * The instance's answer, or null when it did not answer.
     */
    private HttpResponse<byte[]> forward(final LookupResult.FoundElsewhere<CustomerProfile> owner,
                                         final String id,
                                         final boolean staleAllowed) {
        try {
            return forwarding.get(owner, PROFILES_PATH_PREFIX, id, staleAllowed);
        } catch (final IOException e) {
            metrics.forwarded("failed");
            LOG.warn("Forwarding a profile lookup to {}:{} failed with {}.",
                owner.host(),
                owner.port(),
                e.getClass().getSimpleName());
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            metrics.forwarded("failed");
            return null;
        }
    }

    private void relay(final Context ctx, final HttpResponse<byte[]> response) {
        if (response.statusCode() == HttpStatus.UNAUTHORIZED.getCode()
            || response.statusCode() == HttpStatus.FORBIDDEN.getCode()) {
            metrics.forwarded("refused");
            LOG.warn("The instance at {}:{} refused this instance's key (status {}); every instance needs the same "
                + "api.key and api.read.key.", response.uri().getHost(), response.uri().getPort(),
                response.statusCode());
            Responses.error(ctx, HttpStatus.BAD_GATEWAY.getCode(),
                "The instance that owns this profile refused this instance's key; the instances' keys differ.");
            return;
        }
        metrics.forwarded("relayed");
        ctx.status(response.statusCode());
        response.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
        for (final String relayed : RELAYED_HEADERS) {
            response.headers().firstValue(relayed).ifPresent(value -> ctx.header(relayed, value));
        }
        ctx.result(response.body());
    }

    private void getInstances(final Context ctx) {
        final Optional<List<InstanceInfo>> instances = lookup.instances();
        if (instances.isEmpty()) {
            Responses.error(ctx, HttpStatus.NOT_IMPLEMENTED.getCode(), "This server has no instance metadata.");
            return;
        }
        ctx.json(Map.of("instances", instances.get()));
    }
}
