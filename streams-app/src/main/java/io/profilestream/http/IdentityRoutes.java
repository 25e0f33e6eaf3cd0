package io.profilestream.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import io.profilestream.query.IdentityLookup;
import io.profilestream.query.IdentityView;
import io.profilestream.query.LookupResult;

/**
 * {@code GET /api/v1/identities/{anonymousId}}: what is known about an anonymous id (see
 * {@link io.profilestream.query.IdentityView}); 404 for an id never seen or unlinked by an erasure, 503 with
 * {@code Retry-After} while state is not queryable.
 * A lookup for an id owned by another instance is answered with that instance's answer; a request already forwarded
 * is answered from local state only.
 */
public final class IdentityRoutes {

    static final String ROUTE = "/api/v1/identities/{anonymousId}";
    static final String PATH_PREFIX = "/api/v1/identities/";

    private final IdentityLookup local;
    private final IdentityLookup anywhere;

    private IdentityRoutes(final IdentityLookup local, final IdentityLookup anywhere) {
        this.local = local;
        this.anywhere = anywhere;
    }

    /**
     * Adds the route to a server being built.
     *
     * @param app the server's application
     * @param local answers from this instance's state, naming the owner of other ids
     * @param anywhere answers for every id, fetching from the owner when needed
     */
    public static void register(final Javalin app, final IdentityLookup local, final IdentityLookup anywhere) {
        app.get(ROUTE, new IdentityRoutes(local, anywhere)::getIdentity);
    }

    private void getIdentity(final Context ctx) {
        final String anonymousId = ctx.pathParam("anonymousId");
        final boolean forwarded = ctx.header(ApiServer.FORWARDED_BY_HEADER) != null;
        final LookupResult<IdentityView> result = (forwarded ? local : anywhere).lookup(anonymousId);
        if (result instanceof LookupResult.Found<IdentityView> found) {
            ctx.json(found.value());
        } else if (result instanceof LookupResult.NotFound) {
            Responses.error(ctx, HttpStatus.NOT_FOUND.getCode(), "No identity with anonymous id " + anonymousId + ".");
        } else if (result instanceof LookupResult.Unavailable<IdentityView> unavailable) {
            Responses.unavailable(ctx, unavailable.retryAfter(), unavailable.reason());
        } else {
            Responses.unavailable(ctx,
                ForwardingClient.RETRY_AFTER,
                "The instances disagree on who owns this identity; try again shortly.");
        }
    }
}
