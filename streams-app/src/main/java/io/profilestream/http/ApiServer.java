package io.profilestream.http;

import java.net.BindException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.javalin.router.EndpointNotFound;
import io.javalin.util.JavalinBindException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.profilestream.net.PortInUseException;
import io.profilestream.query.ProfileLookup;
import io.profilestream.query.QueryUnavailableException;

/**
 * The engine's HTTP server: profile lookup by id and instance metadata (see {@link ProfileRoutes}), health and
 * Prometheus metrics.
 * Every error is JSON {@code {"error": "..."}}.
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

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final Javalin app;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier readiness;
    private final String host;

    private ApiServer(final Builder builder) {
        this.registry = builder.registry;
        this.readiness = builder.readiness;
        this.host = builder.host;
        final RequestMetrics metrics = new RequestMetrics(registry);
        final ObjectMapper mapper = builder.mapper;
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.useVirtualThreads = false;
            config.http.defaultContentType = "application/json";
            config.jsonMapper(new JavalinJackson(mapper, false));
            config.requestLogger.http(metrics::served);
        });
        final ForwardingClient forwarding = builder.forwarding != null
            ? builder.forwarding
            : new ForwardingClient(() -> host + ":" + port(), ForwardingClient.DEFAULT_TIMEOUT);
        new ProfileRoutes(builder.lookup, forwarding, metrics).register(app);
        app.get("/metrics", this::getMetrics);
        app.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
        app.get("/health/ready", this::getReadiness);
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
        LOG.info("HTTP server listens on {}:{}.", host, app.port());
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

    private void getMetrics(final Context ctx) {
        ctx.contentType(PROMETHEUS_CONTENT_TYPE).result(registry.scrape());
    }

    private void getReadiness(final Context ctx) {
        if (readiness.getAsBoolean()) {
            ctx.json(Map.of("status", "UP"));
        } else {
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("status", "DOWN"));
        }
    }

    /**
     * Configures and starts an {@link ApiServer}.
     */
    public static final class Builder {

        private final ProfileLookup lookup;
        private final PrometheusMeterRegistry registry;
        private BooleanSupplier readiness = () -> true;
        private String host = "127.0.0.1";
        private int port;
        private ForwardingClient forwarding;
        private ObjectMapper mapper = new ObjectMapper();
        private Consumer<Javalin> routes = app -> { };

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
