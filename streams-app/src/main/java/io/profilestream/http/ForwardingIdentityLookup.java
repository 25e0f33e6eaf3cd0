package io.profilestream.http;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.profilestream.query.IdentityLookup;
import io.profilestream.query.LookupResult;
import io.profilestream.query.IdentityView;

/**
 * An {@link IdentityLookup} that answers for every anonymous id: it reads the local store through another lookup and
 * fetches a link owned by another instance from that instance's {@code GET /api/v1/identities/{anonymousId}}, marked
 * with {@value ApiServer#FORWARDED_BY_HEADER} so it is not sent on again.
 * It never answers {@link LookupResult.FoundElsewhere}.
 */
public final class ForwardingIdentityLookup implements IdentityLookup {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardingIdentityLookup.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final IdentityLookup local;
    private final String self;
    private final Duration timeout;
    private final HttpClient client;

    /**
     * Creates a lookup.
     *
     * @param local reads this instance's links and names the owner of others
     * @param self this instance's host and port, sent as {@value ApiServer#FORWARDED_BY_HEADER}
     * @param timeout how long a fetch from another instance may take, connection included
     */
    public ForwardingIdentityLookup(final IdentityLookup local, final String self, final Duration timeout) {
        this.local = Objects.requireNonNull(local, "local");
        this.self = Objects.requireNonNull(self, "self");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    }

    @Override
    public LookupResult<IdentityView> lookup(final String anonymousId) {
        final LookupResult<IdentityView> result = local.lookup(anonymousId);
        if (!(result instanceof LookupResult.FoundElsewhere<IdentityView> owner)) {
            return result;
        }
        final String host = owner.host().indexOf(':') >= 0 && !owner.host().startsWith("[")
            ? "[" + owner.host() + "]"
            : owner.host();
        final URI uri = URI.create("http://" + host + ":" + owner.port() + IdentityRoutes.PATH_PREFIX
            + URLEncoder.encode(anonymousId, StandardCharsets.UTF_8).replace("+", "%20"));
        final HttpRequest request = HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header(ApiServer.FORWARDED_BY_HEADER, self)
            .header("Accept", "application/json")
            .GET()
            .build();
        try {
            final HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 200) {
                return new LookupResult.Found<>(JSON.readValue(response.body(), IdentityView.class));
            }
            if (response.statusCode() == 404) {
                return new LookupResult.NotFound<>();
            }
            LOG.debug("Another instance answered an identity lookup with status {}.", response.statusCode());
        } catch (final IOException e) {
            LOG.warn("Fetching an identity from {}:{} failed with {}.", owner.host(), owner.port(),
                e.getClass().getSimpleName());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new LookupResult.Unavailable<>(RETRY_AFTER,
            "The instance that owns this identity did not answer; try again shortly.");
    }
}
