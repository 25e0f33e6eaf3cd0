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
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.profilestream.query.LookupResult;

/**
 * Sends a lookup on to the instance that owns its key and returns that instance's answer as it came.
 * A forwarded request carries {@value ApiServer#FORWARDED_BY_HEADER}, so the owner answers from its own state and
 * never forwards it again.
 * Profile and identity lookups share one client: HTTP/1.1, no redirects, one timeout for connection and answer.
 * When the API keys are set it sends this instance's own key (see {@link ApiKeyGuard#forwardingKey()}), so every
 * instance of an application needs the same keys; when the API speaks HTTPS it forwards over HTTPS, trusting the
 * certificates {@link HttpTls} names.
 */
public final class ForwardingClient {

    /**
     * How long a forwarded lookup may take, connection included, unless told otherwise.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * How long clients are asked to wait when the owner did not answer or the instances disagree on the owner.
     */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    /**
     * On a forwarded lookup: the instance asked may answer from its standby replica.
     */
    static final String STALE_ALLOWED_HEADER = "X-Stale-Allowed";

    private final Supplier<String> self;
    private final Duration timeout;
    private final HttpClient client;
    private final String scheme;
    private final String key;

    /**
     * Creates a client.
     *
     * @param self this instance's host and port, sent as {@value ApiServer#FORWARDED_BY_HEADER}
     * @param timeout how long a forwarded lookup may take, connection included
     */
    public ForwardingClient(final String self, final Duration timeout) {
        this(self, timeout, ApiKeyGuard.open(), null);
    }

    /**
     * Creates a client that forwards with this instance's key and, when given TLS settings, over HTTPS.
     *
     * @param self this instance's host and port, sent as {@value ApiServer#FORWARDED_BY_HEADER}
     * @param timeout how long a forwarded lookup may take, connection included
     * @param keys the API keys; the key it names for forwarding is sent with every forwarded request
     * @param tls the HTTPS settings of the instances, or null when they speak plain HTTP
     */
    public ForwardingClient(final String self,
                            final Duration timeout,
                            final ApiKeyGuard keys,
                            final HttpTls tls) {
        this(constant(Objects.requireNonNull(self, "self")), timeout, keys, tls);
    }

    ForwardingClient(final Supplier<String> self,
                     final Duration timeout,
                     final ApiKeyGuard keys,
                     final HttpTls tls) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("The forward timeout must be positive.");
        }
        this.self = Objects.requireNonNull(self, "self");
        this.timeout = timeout;
        this.key = keys.forwardingKey().orElse(null);
        this.scheme = tls == null ? "http" : "https";
        final HttpClient.Builder builder = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            builder.sslContext(tls.clientContext());
        }
        this.client = builder.build();
    }

    /**
     * Asks the owner of a key for one resource.
     *
     * @param owner the instance that owns the key
     * @param pathPrefix the route up to the id, for example {@code /api/v1/profiles/}
     * @param id the id, sent as one encoded path segment
     * @return the owner's answer, whatever its status
     * @throws IOException when the owner cannot be reached or does not answer in time
     * @throws InterruptedException when the calling thread is interrupted while it waits
     */
    HttpResponse<byte[]> get(final LookupResult.FoundElsewhere<?> owner,
                             final String pathPrefix,
                             final String id) throws IOException, InterruptedException {
        return get(owner, pathPrefix, id, false);
    }

    /**
     * Asks an instance for one resource, accepting, when {@code staleAllowed}, an answer from a copy that may lag
     * (a standby replica): the request then carries {@value #STALE_ALLOWED_HEADER}.
     */
    HttpResponse<byte[]> get(final LookupResult.FoundElsewhere<?> owner,
                             final String pathPrefix,
                             final String id,
                             final boolean staleAllowed) throws IOException, InterruptedException {
        final URI uri = URI.create(scheme + "://" + uriHost(owner.host()) + ":" + owner.port() + pathPrefix
            + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header(ApiServer.FORWARDED_BY_HEADER, self.get())
            .header("Accept", "application/json")
            .GET();
        if (staleAllowed) {
            request.header(STALE_ALLOWED_HEADER, "true");
        }
        if (key != null) {
            request.header(ApiKeyGuard.HEADER, key);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Sends one request to another instance without waiting for its answer, so a fan-out asks every instance at once.
     * The answer fails with {@link java.net.http.HttpTimeoutException} when it takes longer than the timeout.
     *
     * @param host the instance's host
     * @param port the instance's port
     * @param method {@code GET} or {@code POST}
     * @param pathAndQuery the path with its encoded query, for example {@code /api/v1/segments}
     * @param body the JSON body of a POST, or null
     */
    CompletableFuture<HttpResponse<byte[]>> sendAsync(final String host,
                                                      final int port,
                                                      final String method,
                                                      final String pathAndQuery,
                                                      final byte[] body) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://" + uriHost(host) + ":"
                + port + pathAndQuery))
            .timeout(timeout)
            .header(ApiServer.FORWARDED_BY_HEADER, self.get())
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .method(method, body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            request.header(ApiKeyGuard.HEADER, key);
        }
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * How long one forwarded request may take, connection included.
     */
    Duration timeout() {
        return timeout;
    }

    /**
     * This instance's host and port, as other instances know it.
     */
    String self() {
        return self.get();
    }

    private static String uriHost(final String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static Supplier<String> constant(final String value) {
        return () -> value;
    }
}
