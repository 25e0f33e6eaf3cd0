package io.profilestream.http;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.query.InstanceInfo;
import io.profilestream.query.LookupResult;
import io.profilestream.query.ProfileLookup;

/**
 * {@code GET /api/v1/profiles/{id}} and {@code GET /api/v1/instances}.
 * A profile owned by another instance is forwarded to it once and its answer relayed; if a forwarded request lands
 * on an instance that also thinks the profile lives elsewhere, it answers 503 instead of forwarding again.
 * A profile found through an anonymous id names the id asked for and the profile it resolved to in headers.
 */
final class ProfileRoutes {

    static final String PROFILES_ROUTE = "/api/v1/profiles/{id}";
    static final String PROFILES_PATH_PREFIX = "/api/v1/profiles/";
    static final String INSTANCES_ROUTE = "/api/v1/instances";

    private static final Logger LOG = LoggerFactory.getLogger(ProfileRoutes.class);
    private static final List<String> RELAYED_HEADERS = List.of(
        Responses.RETRY_AFTER_HEADER,
        ApiServer.RESOLVED_FROM_HEADER,
        ApiServer.RESOLVED_TO_HEADER);

    private final ProfileLookup lookup;
    private final ForwardingClient forwarding;
    private final RequestMetrics metrics;

    ProfileRoutes(final ProfileLookup lookup, final ForwardingClient forwarding, final RequestMetrics metrics) {
        this.lookup = lookup;
        this.forwarding = forwarding;
        this.metrics = metrics;
    }

    void register(final Javalin app) {
        app.get(PROFILES_ROUTE, this::getProfile);
        app.get(INSTANCES_ROUTE, this::getInstances);
    }

    private void getProfile(final Context ctx) {
        final String id = ctx.pathParam("id");
        final LookupResult<CustomerProfile> result = lookup.lookup(id);
        if (result instanceof LookupResult.Found<CustomerProfile> found) {
            final CustomerProfile profile = found.value();
            if (!id.equals(profile.getProfileId())) {
                ctx.header(ApiServer.RESOLVED_FROM_HEADER, id);
                ctx.header(ApiServer.RESOLVED_TO_HEADER, profile.getProfileId());
            }
            ctx.json(AvroJson.toJson(profile));
        } else if (result instanceof LookupResult.NotFound) {
            Responses.error(ctx, HttpStatus.NOT_FOUND.getCode(), "No profile with id " + id + ".");
        } else if (result instanceof LookupResult.Unavailable<CustomerProfile> unavailable) {
            Responses.unavailable(ctx, unavailable.retryAfter(), unavailable.reason());
        } else if (result instanceof LookupResult.FoundElsewhere<CustomerProfile> owner) {
            if (ctx.header(ApiServer.FORWARDED_BY_HEADER) != null) {
                metrics.forwarded("loop");
                LOG.debug("A forwarded profile lookup was sent on again; answering 503 while ownership settles.");
                Responses.unavailable(ctx,
                    ForwardingClient.RETRY_AFTER,
                    "The instances disagree on who owns this profile; try again shortly.");
            } else {
                forward(ctx, owner, id);
            }
        } else {
            throw new IllegalStateException("Unknown lookup result " + result.getClass().getName() + ".");
        }
    }

    private void forward(final Context ctx, final LookupResult.FoundElsewhere<CustomerProfile> owner, final String id) {
        final HttpResponse<byte[]> response;
        try {
            response = forwarding.get(owner, PROFILES_PATH_PREFIX, id);
        } catch (final IOException e) {
            metrics.forwarded("failed");
            LOG.warn("Forwarding a profile lookup to {}:{} failed with {}.",
                owner.host(),
                owner.port(),
                e.getClass().getSimpleName());
            Responses.unavailable(ctx,
                ForwardingClient.RETRY_AFTER,
                "The instance that owns this profile did not answer; try again shortly.");
            return;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            metrics.forwarded("failed");
            Responses.unavailable(ctx, ForwardingClient.RETRY_AFTER, "The lookup was interrupted; try again shortly.");
            return;
        }
        if (response.statusCode() == HttpStatus.UNAUTHORIZED.getCode()
            || response.statusCode() == HttpStatus.FORBIDDEN.getCode()) {
            metrics.forwarded("refused");
            LOG.warn("The instance at {}:{} refused this instance's key (status {}); every instance needs the same "
                + "api.key and api.read.key.", owner.host(), owner.port(), response.statusCode());
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
