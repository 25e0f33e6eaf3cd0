package io.profilestream.http;

import io.profilestream.net.PortInUseException;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.query.InstanceInfo;
import io.profilestream.query.LookupResult;
import io.profilestream.query.ProfileLookup;
import io.profilestream.query.QueryUnavailableException;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.javalin.router.EndpointNotFound;
import io.javalin.util.JavalinBindException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The engine's HTTP server: profile lookup by id, instance metadata, health and Prometheus metrics.
 * A lookup answered by another instance is forwarded to it once and its answer relayed; a forwarded request carries
 * {@value #FORWARDED_BY_HEADER}, and if the receiving instance also thinks the profile lives elsewhere it answers 503
 * instead of forwarding again.
 * Every error is JSON {@code {"error": "..."}}.
 * Requests are logged at DEBUG with their route template, never with ids, because ids are personal data.
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
     * How long a forwarded lookup may take, connection included, unless told otherwise.
     */
    public static final Duration DEFAULT_FORWARD_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The content type of the Prometheus text exposition format.
     */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    static final String PROFILES_ROUTE = "/api/v1/profiles/{id}";
    static final String INSTANCES_ROUTE = "/api/v1/instances";

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final String RETRY_AFTER_HEADER = "Retry-After";
    private static final String UNMATCHED_ROUTE = "unmatched";
    private static final Duration FORWARD_RETRY_AFTER = Duration.ofSeconds(1);

    private final Javalin app;
    private final ProfileLookup lookup;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier readiness;
    private final HttpClient forwardClient;
    private final Duration forwardTimeout;
    private final String host;

    private ApiServer(final Builder builder) {
        this.lookup = builder.lookup;
        this.registry = builder.registry;
        this.readiness = builder.readiness;
        this.forwardTimeout = builder.forwardTimeout;
        this.host = builder.host;
        this.forwardClient = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(builder.forwardTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
        final ObjectMapper mapper = builder.mapper;
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.useVirtualThreads = false;
            config.http.defaultContentType = "application/json";
            config.jsonMapper(new JavalinJackson(mapper, false));
            config.requestLogger.http(this::logRequest);
        });
        app.get(PROFILES_ROUTE, this::getProfile);
        app.get(INSTANCES_ROUTE, this::getInstances);
        app.get("/metrics", this::getMetrics);
        app.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
        app.get("/health/ready", this::getReadiness);
        app.exception(QueryUnavailableException.class, (e, ctx) -> unavailable(ctx, e.retryAfter(), e.getMessage()));
        app.exception(EndpointNotFound.class, (e, ctx) ->
            error(ctx, HttpStatus.NOT_FOUND.getCode(), "No endpoint " + ctx.method() + " " + ctx.path() + "."));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            log.error("Request {} {} failed with an unexpected error.", ctx.method(), route(ctx), e);
            error(ctx, HttpStatus.INTERNAL_SERVER_ERROR.getCode(), "Internal server error.");
        });
        builder.routes.accept(app);
    }

    /**
     * Starts a server with the default forward timeout and JSON mapper.
     *
     * @param lookup answers profile lookups and, when it can, describes the instances
     * @param registry the registry served on {@code /metrics}; the server adds its own meters to it
     * @param readiness says whether {@code /health/ready} answers UP
     * @param host the address to listen on, for example {@code 0.0.0.0}
     * @param port the port to listen on; 0 picks a free port, see {@link #port()}
     * @param routes adds further routes before the server starts
     * @throws PortInUseException when the port is taken
     */
    public static ApiServer start(
        final ProfileLookup lookup,
        final PrometheusMeterRegistry registry,
        final BooleanSupplier readiness,
        final String host,
        final int port,
        final Consumer<Javalin> routes
    ) {
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
        log.info("HTTP server listens on {}:{}.", host, app.port());
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

    private void getProfile(final Context ctx) {
        final String id = ctx.pathParam("id");
        final LookupResult<CustomerProfile> result = lookup.lookup(id);
        if (result instanceof LookupResult.Found<CustomerProfile> found) {
            final CustomerProfile profile = found.value();
            if (!id.equals(profile.getProfileId())) {
                ctx.header(RESOLVED_FROM_HEADER, id);
                ctx.header(RESOLVED_TO_HEADER, profile.getProfileId());
            }
            ctx.json(AvroJson.toJson(profile));
        } else if (result instanceof LookupResult.NotFound) {
            error(ctx, HttpStatus.NOT_FOUND.getCode(), "No profile with id " + id + ".");
        } else if (result instanceof LookupResult.Unavailable<CustomerProfile> unavailable) {
            unavailable(ctx, unavailable.retryAfter(), unavailable.reason());
        } else if (result instanceof LookupResult.FoundElsewhere<CustomerProfile> owner) {
            if (ctx.header(FORWARDED_BY_HEADER) != null) {
                forwards("loop").increment();
                log.debug("A forwarded profile lookup was sent on again; answering 503 while ownership settles.");
                unavailable(ctx,
                    FORWARD_RETRY_AFTER,
                    "The instances disagree on who owns this profile; try again shortly.");
            } else {
                forward(ctx, owner, id);
            }
        } else {
            throw new IllegalStateException("Unknown lookup result " + result.getClass().getName() + ".");
        }
    }

    private void forward(final Context ctx, final LookupResult.FoundElsewhere<?> owner, final String id) {
        final URI uri = URI.create("http://" + uriHost(owner.host()) + ":" + owner.port()
            + "/api/v1/profiles/" + encodePathSegment(id));
        final HttpRequest request = HttpRequest.newBuilder(uri)
            .timeout(forwardTimeout)
            .header(FORWARDED_BY_HEADER, host + ":" + app.port())
            .header("Accept", "application/json")
            .GET()
            .build();
        final HttpResponse<byte[]> response;
        try {
            response = forwardClient.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (final IOException e) {
            forwards("failed").increment();
            log.warn("Forwarding a profile lookup to {}:{} failed with {}.",
                owner.host(),
                owner.port(),
                e.getClass().getSimpleName());
            unavailable(ctx,
                FORWARD_RETRY_AFTER,
                "The instance that owns this profile did not answer; try again shortly.");
            return;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            forwards("failed").increment();
            unavailable(ctx, FORWARD_RETRY_AFTER, "The lookup was interrupted; try again shortly.");
            return;
        }
        forwards("relayed").increment();
        ctx.status(response.statusCode());
        response.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
        for (final String relayed : List.of(RETRY_AFTER_HEADER, RESOLVED_FROM_HEADER, RESOLVED_TO_HEADER)) {
            response.headers().firstValue(relayed).ifPresent(value -> ctx.header(relayed, value));
        }
        ctx.result(response.body());
    }

    private void getInstances(final Context ctx) {
        final Optional<List<InstanceInfo>> instances = lookup.instances();
        if (instances.isEmpty()) {
            error(ctx, HttpStatus.NOT_IMPLEMENTED.getCode(), "This server has no instance metadata.");
            return;
        }
        ctx.json(Map.of("instances", instances.get()));
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

    private void logRequest(final Context ctx, final Float executionTimeMs) {
        final String route = route(ctx);
        final int status = ctx.statusCode();
        Timer.builder("profilestream.http.requests")
            .description("HTTP requests served, by route template and status.")
            .tag("method", ctx.method().name())
            .tag("route", route)
            .tag("status", Integer.toString(status))
            .register(registry)
            .record((long) (executionTimeMs * 1_000_000L), TimeUnit.NANOSECONDS);
        log.debug("Served {} {} with status {} in {} ms.", ctx.method(), route, status, Math.round(executionTimeMs));
    }

    private Counter forwards(final String outcome) {
        return Counter.builder("profilestream.http.forwards")
            .description("Profile lookups forwarded to the instance that owns the profile, by outcome.")
            .tag("outcome", outcome)
            .register(registry);
    }

    private static String route(final Context ctx) {
        try {
            final String route = ctx.endpointHandlerPath();
            return route == null || route.isEmpty() ? UNMATCHED_ROUTE : route;
        } catch (final RuntimeException e) {
            return UNMATCHED_ROUTE;
        }
    }

    private static void unavailable(final Context ctx, final Duration retryAfter, final String reason) {
        ctx.header(RETRY_AFTER_HEADER, Long.toString(retryAfterSeconds(retryAfter)));
        error(ctx, HttpStatus.SERVICE_UNAVAILABLE.getCode(), reason);
    }

    private static void error(final Context ctx, final int status, final String message) {
        ctx.status(status).json(Map.of("error", message));
    }

    static long retryAfterSeconds(final Duration retryAfter) {
        final long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    private static String uriHost(final String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String encodePathSegment(final String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
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
        private Duration forwardTimeout = DEFAULT_FORWARD_TIMEOUT;
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
         * Sets how long a forwarded lookup may take, connection included.
         */
        public Builder forwardTimeout(final Duration forwardTimeout) {
            if (forwardTimeout.isNegative() || forwardTimeout.isZero()) {
                throw new IllegalArgumentException("The forward timeout must be positive.");
            }
            this.forwardTimeout = forwardTimeout;
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
