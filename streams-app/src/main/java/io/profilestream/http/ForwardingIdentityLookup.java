package io.profilestream.http;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Objects;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.query.IdentityLookup;
import io.profilestream.query.IdentityView;
import io.profilestream.query.LookupResult;

/**
 * An {@link IdentityLookup} that answers for every anonymous id: it reads the local store through another lookup and
 * fetches a link owned by another instance from that instance's {@code GET /api/v1/identities/{anonymousId}} through
 * the {@link ForwardingClient}, so it is not sent on again.
 * It never answers {@link LookupResult.FoundElsewhere}.
 */
public final class ForwardingIdentityLookup implements IdentityLookup {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardingIdentityLookup.class);
    private static final ObjectMapper JSON = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final IdentityLookup local;
    private final ForwardingClient forwarding;

    /**
     * Creates a lookup.
     *
     * @param local reads this instance's links and names the owner of others
     * @param forwarding fetches links from the instances that own them
     */
    public ForwardingIdentityLookup(final IdentityLookup local, final ForwardingClient forwarding) {
        this.local = Objects.requireNonNull(local, "local");
        this.forwarding = Objects.requireNonNull(forwarding, "forwarding");
    }

    @Override
    public LookupResult<IdentityView> lookup(final String anonymousId) {
        final LookupResult<IdentityView> result = local.lookup(anonymousId);
        if (!(result instanceof LookupResult.FoundElsewhere<IdentityView> owner)) {
            return result;
        }
        try {
            final HttpResponse<byte[]> response = forwarding.get(owner, IdentityRoutes.PATH_PREFIX, anonymousId);
            if (response.statusCode() == 200) {
                return new LookupResult.Found<>(JSON.readValue(response.body(), IdentityView.class));
            }
            if (response.statusCode() == 404) {
                return new LookupResult.NotFound<>();
            }
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                LOG.warn("The instance at {}:{} refused this instance's key (status {}); every instance needs the "
                    + "same api.key and api.read.key.", owner.host(), owner.port(), response.statusCode());
            } else {
                LOG.debug("Another instance answered an identity lookup with status {}.", response.statusCode());
            }
        } catch (final IOException e) {
            LOG.warn("Fetching an identity from {}:{} failed with {}.", owner.host(), owner.port(),
                e.getClass().getSimpleName());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new LookupResult.Unavailable<>(ForwardingClient.RETRY_AFTER,
            "The instance that owns this identity did not answer; try again shortly.");
    }
}
