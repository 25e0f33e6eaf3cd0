package io.profilestream.http;

import java.net.BindException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.javalin.router.EndpointNotFound;
import io.javalin.util.JavalinBindException;
import io.javalin.validation.ValidationException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.net.PortInUseException;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.query.ProfileLookup;
import io.profilestream.query.QueryUnavailableException;

/**
 * The engine's HTTP server: profile lookup by id and instance metadata (see {@link ProfileRoutes}), health and
 * Prometheus metrics.
 * Every error is JSON {@code {"error": "..."}}; a malformed request gets a 4xx, a body over the size limit 413.
 * With API keys configured every path but health (and metrics, unless they need a key too) needs one, see
 * {@link ApiKeyGuard}; with TLS settings the server speaks HTTPS only, see {@link HttpTls}.
 * Requests are timed and logged by route template, never with ids, because ids are personal data.
 * Other features add their routes through the hook given at start or through {@link #app()}.
 */
public final class ApiServer implements AutoCloseable {

    /**
     * The header that marks a request forwarded by another instance.
     */
    public static final String FORWARDED_BY_HEADER = "X-Forwarded-By";

    /**
     * On a profile found through an anonymous id: the id asked for.
     */
    public static final String RESOLVED_FROM_HEADER = "X-Resolved-From";

    /**
     * On a profile found through an anonymous id: the profile id it resolved to (the customer id when linked).
     */
    public static final String RESOLVED_TO_HEADER = "X-Resolved-To";

    /**
     * The content type of the Prometheus text exposition format.
     */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * The largest request body accepted unless told otherwise: 1 MiB.
     */
    public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;

    static final String HEALTH_LIVE = "/health/live";
    static final String HEALTH_READY = "/health/ready";
    static final String METRICS = "/metrics";
    /** The query parameter of {@link #METRICS} that names a series to show (without it, all are shown). */
    static final String METRICS_NAME_PARAM = "name[]";
    private static final List<String> SAMPLE_SUFFIXES = List.of("_total", "_count", "_sum", "_bucket");

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final Javalin app;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier readiness;
    private final Supplier<Map<String, Object>> healthDetails;
    private final String host;
    private final HttpTls tls;

    private ApiServer(final Builder builder) {
        this.registry = builder.registry;
        this.readiness = builder.readiness;
        this.healthDetails = builder.healthDetails;
        this.host = builder.host;
        this.tls = builder.tls;
        final RequestMetrics metrics = new RequestMetrics(registry);
        final ObjectMapper mapper = builder.mapper;
        final long maxBodyBytes = builder.maxBodyBytes;
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.useVirtualThreads = false;
            config.http.defaultContentType = "application/json";
            config.http.maxRequestSize = maxBodyBytes;
            config.jsonMapper(new JavalinJackson(mapper, false));
            config.requestLogger.http(metrics::served);
            if (tls != null) {
                config.jetty.addConnector((server, http) -> httpsConnector(server, http, builder.port));
            }
        });
        final Set<String> open = new HashSet<>(Set.of(HEALTH_LIVE, HEALTH_READY));
        if (!builder.metricsNeedKey) {
            open.add(METRICS);
        }
        builder.keys.register(app, open);
        app.before(ctx -> Json.limitBody(ctx, maxBodyBytes));
        app.after(Json::discardUnread);
        final ForwardingClient forwarding = builder.forwarding != null
            ? builder.forwarding
            : new ForwardingClient(() -> host + ":" + port(), ForwardingClient.DEFAULT_TIMEOUT, builder.keys, tls);
        new ProfileRoutes(builder.lookup, forwarding, metrics, builder.asOfNow).register(app);
        app.get(METRICS, this::getMetrics);
        app.get(HEALTH_LIVE, ctx -> ctx.json(Map.of("status", "UP")));
        app.get(HEALTH_READY, this::getReadiness);
        app.exception(ValidationException.class, (e, ctx) -> Responses.error(ctx,
            HttpStatus.BAD_REQUEST.getCode(), "Invalid request parameters: " + String.join(", ", e.getErrors().keySet())
                + "."));
        app.exception(QueryUnavailableException.class,
            (e, ctx) -> Responses.unavailable(ctx, e.retryAfter(), e.getMessage()));
        app.exception(EndpointNotFound.class, (e, ctx) -> Responses.error(ctx,
            HttpStatus.NOT_FOUND.getCode(),
            "No endpoint " + ctx.method() + " " + ctx.path() + "."));
        app.exception(HttpResponseException.class, (e, ctx) -> Responses.error(ctx, e.getStatus(), e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("Request {} {} failed with an unexpected error.", ctx.method(), RequestMetrics.route(ctx), e);
            Responses.error(ctx, HttpStatus.INTERNAL_SERVER_ERROR.getCode(), "Internal server error.");
        });
        builder.routes.accept(app);
    }

    /**
     * Starts a server with the default forwarding client and JSON mapper.
     *
     * @param lookup answers profile lookups and, when it can, describes the instances
     * @param registry the registry served on {@code /metrics}; the server adds its own meters to it
     * @param readiness says whether {@code /health/ready} answers UP
     * @param host the address to listen on, for example {@code 0.0.0.0}
     * @param port the port to listen on; 0 picks a free port, see {@link #port()}
     * @param routes adds further routes before the server starts
     * @throws PortInUseException when the port is taken
     */
    public static ApiServer start(final ProfileLookup lookup,
                                  final PrometheusMeterRegistry registry,
                                  final BooleanSupplier readiness,
                                  final String host,
                                  final int port,
                                  final Consumer<Javalin> routes) {
        return builder(lookup, registry)
            .readiness(readiness)
            .bind(host, port)
            .routes(routes)
            .start();
    }

    /**
     * Begins the configuration of a server; it listens on 127.0.0.1 on a free port, is ready and has no extra routes
     * unless told otherwise.
     */
    public static Builder builder(final ProfileLookup lookup, final PrometheusMeterRegistry registry) {
        return new Builder(lookup, registry);
    }

    /**
     * The port the server listens on.
     */
    public int port() {
        return app.port();
    }

    /**
     * Whether the server speaks HTTPS.
     */
    public boolean secure() {
        return tls != null;
    }

    /**
     * The underlying Javalin application, for features that add routes after start.
     */
    public Javalin app() {
        return app;
    }

    /**
     * Stops accepting requests and stops the server.
     */
    @Override
    public void close() {
        app.stop();
    }

    private void listen(final int port) {
        try {
            app.start(host, port);
        } catch (final JavalinBindException e) {
            app.stop();
            if (isAddressInUse(e)) {
                throw new PortInUseException(port, "http.port", e);
            }
            throw e;
        }
        LOG.info("HTTP server listens on {}:{} ({}).", host, app.port(), tls == null ? "HTTP" : "HTTPS");
    }

    private ServerConnector httpsConnector(final Server server,
                                           final HttpConfiguration http,
                                           final int port) {
        final HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
        final ServerConnector connector = new ServerConnector(server,
            new SslConnectionFactory(tls.serverContext(), HttpVersion.HTTP_1_1.asString()),
            new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    private static boolean isAddressInUse(final Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                final String message = cause.getMessage();
                return message == null || message.toLowerCase(Locale.ROOT).contains("in use");
            }
        }
        return failure.getMessage() != null && failure.getMessage().contains("Port already in use");
    }

    /**
     * Every series, or with {@code name[]=...} (repeated; Prometheus' own exporters take the same parameter) only the
     * series named, so a probe that needs one number does not have every Kafka metric of every task formatted.
     * A sample's name ({@code x_total}, {@code x_count}) names its metric family ({@code x}), which is what Micrometer
     * filters by.
     */
    private void getMetrics(final Context ctx) {
        final List<String> names = ctx.queryParams(METRICS_NAME_PARAM);
        if (names.isEmpty()) {
            ctx.contentType(PROMETHEUS_CONTENT_TYPE).result(registry.scrape());
            return;
        }
        final Set<String> families = new HashSet<>(names);
        for (final String name : names) {
            for (final String suffix : SAMPLE_SUFFIXES) {
                if (name.endsWith(suffix)) {
                    families.add(name.substring(0, name.length() - suffix.length()));
                }
            }
        }
        ctx.contentType(PROMETHEUS_CONTENT_TYPE).result(registry.scrape(PROMETHEUS_CONTENT_TYPE, families));
    }

    private void getReadiness(final Context ctx) {
        final Map<String, Object> body = new LinkedHashMap<>();
        final boolean ready = readiness.getAsBoolean();
        body.put("status", ready ? "UP" : "DOWN");
        body.putAll(healthDetails.get());
        if (ready) {
            ctx.json(body);
        } else {
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(body);
        }
    }

    /**
     * Configures and starts an {@link ApiServer}.
     */
    public static final class Builder {

        private final ProfileLookup lookup;
        private final PrometheusMeterRegistry registry;
        private BooleanSupplier readiness = () -> true;
        private Supplier<Map<String, Object>> healthDetails = Map::of;
        private String host = "127.0.0.1";
        private int port;
        private ForwardingClient forwarding;
        private ObjectMapper mapper = new ObjectMapper();
        private Consumer<Javalin> routes = app -> { };
        private ApiKeyGuard keys = ApiKeyGuard.open();
        private boolean metricsNeedKey;
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private HttpTls tls;
        private UnaryOperator<CustomerProfile> asOfNow = UnaryOperator.identity();

        private Builder(final ProfileLookup lookup, final PrometheusMeterRegistry registry) {
            this.lookup = Objects.requireNonNull(lookup, "lookup");
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * Sets what {@code /health/ready} reports, typically whether Kafka Streams is running.
         */
        public Builder readiness(final BooleanSupplier readiness) {
            this.readiness = Objects.requireNonNull(readiness, "readiness");
            return this;
        }

        /**
         * Adds what {@code /health/ready} reports next to its status, such as the state of Kafka and the registry.
         */
        public Builder healthDetails(final Supplier<Map<String, Object>> healthDetails) {
            this.healthDetails = Objects.requireNonNull(healthDetails, "healthDetails");
            return this;
        }

        /**
         * Sets the address and port to listen on; port 0 picks a free port.
         */
        public Builder bind(final String host, final int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Port must be between 0 and 65535, got " + port + ".");
            }
            this.host = Objects.requireNonNull(host, "host");
            this.port = port;
            return this;
        }

        /**
         * Sets the client that forwards profile lookups to their owner, to share it with the identity routes.
         * Without one the server makes its own with the default timeout.
         */
        public Builder forwarding(final ForwardingClient forwarding) {
            this.forwarding = Objects.requireNonNull(forwarding, "forwarding");
            return this;
        }

        /**
         * Sets the API keys every path but health needs; without them the API is open.
         *
         * @param keys the keys
         * @param metricsNeedKey whether {@code /metrics} needs a key too (any of the two)
         */
        public Builder keys(final ApiKeyGuard keys, final boolean metricsNeedKey) {
            this.keys = Objects.requireNonNull(keys, "keys");
            this.metricsNeedKey = metricsNeedKey;
            return this;
        }

        /**
         * Sets the largest request body accepted; a larger one is answered 413.
         */
        public Builder maxBodyBytes(final long maxBodyBytes) {
            if (maxBodyBytes < 1) {
                throw new IllegalArgumentException("The body limit must be positive, got " + maxBodyBytes + ".");
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /**
         * Makes the server speak HTTPS only, with the given key and certificate.
         */
        public Builder tls(final HttpTls tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /**
         * Sets how a profile read from a store is brought to the moment it is served (scores as of now); by default it
         * is served as stored.
         */
        public Builder asOfNow(final UnaryOperator<CustomerProfile> asOfNow) {
            this.asOfNow = Objects.requireNonNull(asOfNow, "asOfNow");
            return this;
        }

        /**
         * Sets the Jackson mapper used for request and response bodies.
         */
        public Builder objectMapper(final ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /**
         * Adds further routes; called once, before the server starts.
         */
        public Builder routes(final Consumer<Javalin> routes) {
            this.routes = Objects.requireNonNull(routes, "routes");
            return this;
        }

        /**
         * Starts the server.
         *
         * @throws PortInUseException when the port is taken
         */
        public ApiServer start() {
            final ApiServer server = new ApiServer(this);
            server.listen(port);
            return server;
        }
    }
}
