package io.profilestream.registry;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaRegistryClient} that speaks the Confluent Schema Registry REST API (v1) over HTTP.
 * It works against a Confluent Schema Registry and against {@link EmbeddedSchemaRegistry}.
 * Ids and their schemas never change, so the schema of an id and the id of a (subject, schema) pair are cached
 * for the life of the client; the latest version of a subject is asked for every time.
 * The URL may be a comma-separated list: when a registry cannot be reached, the next one is tried, and the one that
 * answered is tried first next time.
 * Basic authentication credentials come from the user-info part of a URL ({@code http://user:password@host:8081})
 * or from an explicit {@code user:password} string; they are never logged nor put in exception messages.
 * Instances are safe for concurrent use.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    /** How long to wait for a TCP connection to a registry by default. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long to wait for a registry's answer by default. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** The media type of the Confluent Schema Registry API, version 1. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final String ACCEPT =
        "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final Pattern USER_INFO = Pattern.compile("//[^/@]*@");
    private static final int MAX_BODY_IN_MESSAGE = 200;

    private final List<Endpoint> endpoints;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicInteger preferred = new AtomicInteger();
    private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final ConcurrentMap<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

    /**
     * Creates a client with the default timeouts.
     *
     * @param urls one registry URL or a comma-separated list of them
     */
    public RestSchemaRegistryClient(final String urls) {
        this(urls, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * Creates a client.
     *
     * @param urls one registry URL or a comma-separated list of them; a URL may carry {@code user:password@}
     * @param userInfo {@code user:password} for basic authentication with the registries whose URL carries none,
     *     or {@code null}
     * @param connectTimeout how long to wait for a TCP connection
     * @param requestTimeout how long to wait for an answer, per registry tried
     */
    public RestSchemaRegistryClient(final String urls,
                                    final String userInfo,
                                    final Duration connectTimeout,
                                    final Duration requestTimeout) {
        Objects.requireNonNull(urls, "urls");
        this.endpoints = parseEndpoints(urls, userInfo);
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Objects.requireNonNull(connectTimeout, "connectTimeout"))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    }

    /**
     * Returns the registry URLs in the order they are tried first, without credentials.
     */
    public List<String> urls() {
        final List<String> urls = new ArrayList<>(endpoints.size());
        for (final Endpoint endpoint : endpoints) {
            urls.add(endpoint.url());
        }
        return List.copyOf(urls);
    }

    @Override
    public int register(final String subject, final Schema schema) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        final SubjectSchema key = new SubjectSchema(subject, schema);
        final Integer known = idsBySubjectSchema.get(key);
        if (known != null) {
            return known;
        }
        final JsonNode answer = call("POST", subjectPath(subject) + "/versions", schemaBody(schema));
        final int id = requiredInt(answer, "id");
        schemasById.putIfAbsent(id, schema);
        idsBySubjectSchema.putIfAbsent(key, id);
        return id;
    }

    @Override
    public Schema getSchemaById(final int id) {
        final Schema known = schemasById.get(id);
        if (known != null) {
            return known;
        }
        final JsonNode answer = call("GET", "/schemas/ids/" + id, null);
        final Schema schema = parseSchema(answer, "schema id " + id);
        final Schema raced = schemasById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    @Override
    public RegisteredSchema getLatest(final String subject) {
        Objects.requireNonNull(subject, "subject");
        final JsonNode answer = call("GET", subjectPath(subject) + "/versions/latest", null);
        final int id = requiredInt(answer, "id");
        final int version = requiredInt(answer, "version");
        final Schema known = schemasById.get(id);
        final Schema schema = known != null ? known : parseSchema(answer, "schema id " + id);
        schemasById.putIfAbsent(id, schema);
        return new RegisteredSchema(subject, version, id, schema);
    }

    @Override
    public boolean testCompatibility(final String subject, final Schema schema) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        try {
            final JsonNode answer = call("POST", "/compatibility" + subjectPath(subject) + "/versions/latest",
                schemaBody(schema));
            final JsonNode compatible = answer.get("is_compatible");
            if (compatible == null || !compatible.isBoolean()) {
                throw new SchemaRegistryException(200, 0,
                    "The schema registry's compatibility answer has no boolean is_compatible: " + truncate(answer));
            }
            return compatible.booleanValue();
        } catch (final SchemaRegistryException e) {
            if (e.status() == 404 && (e.errorCode() == 40401 || e.errorCode() == 40402)) {
                // Nothing registered under the subject yet: there is nothing to be incompatible with.
                return true;
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return "RestSchemaRegistryClient" + urls();
    }

    private JsonNode call(final String method, final String path, final String body) {
        final int size = endpoints.size();
        final int first = preferred.get();
        final List<IOException> failures = new ArrayList<>(size);
        for (int attempt = 0; attempt < size; attempt++) {
            final int index = (first + attempt) % size;
            final Endpoint endpoint = endpoints.get(index);
            final HttpResponse<String> response;
            try {
                response = http.send(request(endpoint, method, path, body),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (final IOException e) {
                failures.add(e);
                if (attempt + 1 < size) {
                    LOG.warn("Schema registry at {} is unreachable ({}); trying {}.", endpoint.url(), describe(e),
                        endpoints.get((index + 1) % size).url());
                }
                continue;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("Interrupted while calling the schema registry at "
                    + endpoint.url() + ".", e);
            }
            preferred.compareAndSet(first, index);
            return answer(endpoint, method, path, response);
        }
        final IOException last = failures.get(failures.size() - 1);
        final SchemaRegistryException unreachable = new SchemaRegistryException("Schema registry at "
            + String.join(", ", urls()) + " is unreachable: " + describe(last), last);
        for (int i = 0; i < failures.size() - 1; i++) {
            unreachable.addSuppressed(failures.get(i));
        }
        throw unreachable;
    }

    private HttpRequest request(final Endpoint endpoint,
                                final String method,
                                final String path,
                                final String body) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(endpoint.url() + path))
            .timeout(requestTimeout)
            .header("Accept", ACCEPT);
        if (endpoint.authorization() != null) {
            builder.header("Authorization", endpoint.authorization());
        }
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", CONTENT_TYPE)
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private JsonNode answer(final Endpoint endpoint,
                            final String method,
                            final String path,
                            final HttpResponse<String> response) {
        final int status = response.statusCode();
        final JsonNode json = parseJson(response.body());
        if (status >= 200 && status < 300) {
            if (json == null) {
                throw new SchemaRegistryException(status, 0, "Schema registry at " + endpoint.url()
                    + " answered " + method + " " + path + " with a body that is not JSON: "
                    + truncate(response.body()));
            }
            return json;
        }
        if (json != null && json.hasNonNull("message")) {
            throw new SchemaRegistryException(status, json.path("error_code").asInt(0), json.get("message").asText());
        }
        throw new SchemaRegistryException(status, 0, "Schema registry at " + endpoint.url() + " answered HTTP "
            + status + " to " + method + " " + path + ": " + truncate(response.body()));
    }

    private JsonNode parseJson(final String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return mapper.readTree(body);
        } catch (final JsonProcessingException e) {
            return null;
        }
    }

    private String schemaBody(final Schema schema) {
        final ObjectNode body = mapper.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private static Schema parseSchema(final JsonNode answer,
                                      final String what) {
        final JsonNode type = answer.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
            throw new SchemaRegistryException(200, 0, "The schema registry's " + what + " is a " + type.asText()
                + " schema, not an Avro schema.");
        }
        final JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException(200, 0, "The schema registry's answer for " + what
                + " has no schema: " + truncate(answer));
        }
        try {
            return new Schema.Parser().parse(text.textValue());
        } catch (final SchemaParseException e) {
            throw new SchemaRegistryException("The schema registry's " + what + " is not a valid Avro schema: "
                + e.getMessage(), e);
        }
    }

    private static int requiredInt(final JsonNode answer,
                                   final String field) {
        final JsonNode value = answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException(200, 0, "The schema registry's answer has no integer " + field + ": "
                + truncate(answer));
        }
        return value.intValue();
    }

    private static String subjectPath(final String subject) {
        return "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String truncate(final Object body) {
        final String text = String.valueOf(body);
        return text.length() <= MAX_BODY_IN_MESSAGE ? text : text.substring(0, MAX_BODY_IN_MESSAGE) + "...";
    }

    /**
     * Describes a connection failure in a few words.
     * The java.net.http exceptions often carry no message of their own:
     * a refused connection is a bare ConnectException.
     */
    private static String describe(final Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        if (failure instanceof ConnectException) {
            return "connection refused";
        }
        return failure.getClass().getSimpleName();
    }

    private static List<Endpoint> parseEndpoints(final String urls,
                                                 final String userInfo) {
        final List<Endpoint> parsed = new ArrayList<>();
        for (final String part : urls.split(",")) {
            final String url = part.trim();
            if (!url.isEmpty()) {
                parsed.add(parseEndpoint(url, userInfo));
            }
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("No schema registry URL given.");
        }
        return List.copyOf(parsed);
    }

    private static Endpoint parseEndpoint(final String url,
                                          final String userInfo) {
        final String redacted = USER_INFO.matcher(url).replaceFirst("//");
        final URI uri;
        try {
            uri = new URI(url);
        } catch (final URISyntaxException e) {
            throw new IllegalArgumentException("Invalid schema registry URL " + redacted + ".");
        }
        final String scheme = uri.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || uri.getHost() == null) {
            throw new IllegalArgumentException("Invalid schema registry URL " + redacted
                + ": expected http://host:port or https://host:port.");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        final String base = scheme.toLowerCase(Locale.ROOT) + "://" + uri.getHost()
            + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + path;
        final String credentials = uri.getRawUserInfo() != null
            ? URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8)
            : userInfo;
        final String authorization = credentials == null || credentials.isEmpty()
            ? null
            : "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        return new Endpoint(base, authorization);
    }

    /**
     * One registry: its base URL, without credentials, and the Authorization header to send it.
     */
    private record Endpoint(String url, String authorization) {

        @Override
        public String toString() {
            return url;
        }
    }

    private record SubjectSchema(String subject, Schema schema) {
    }
}
