package io.profilestream.registry;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.profilestream.embedded.Ports;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry that speaks the Confluent Schema Registry REST API (v1), runs in this JVM and listens only on
 * 127.0.0.1.
 * Confluent's clients, serializers and tools, and {@link RestSchemaRegistryClient}, work against it unchanged.
 * It keeps its schemas in a compacted, single-partition Kafka topic ({@value #DEFAULT_TOPIC} by default) in the
 * record format Confluent's registry uses, so it survives restarts: at start it reads the topic to its end, and it
 * writes every registration and compatibility change to the topic (idempotent producer, acks=all) before it answers.
 * Ids are global: the same schema gets the same id under every subject, and ids continue after a restart.
 * Two schemas are the same when their parsed forms print the same (whitespace and key order do not matter; docs,
 * defaults and other properties do), as in Confluent's registry.
 * New versions are checked with Avro's own {@link org.apache.avro.SchemaCompatibility} under the subject's
 * compatibility level, BACKWARD by default.
 * It holds Avro schemas only, without schema references, and it offers no deletion.
 * Only one instance may serve a topic at a time: there is no leader election, and an instance does not follow what
 * another one writes after its start, so two instances on one topic could give one id to two different schemas.
 * That suits embedded mode, where one engine runs one registry; a cluster of engines needs a real registry.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    /** The topic that holds the schemas unless another is given, as in Confluent's registry. */
    public static final String DEFAULT_TOPIC = "_schemas";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final String CONTENT_TYPE = RestSchemaRegistryClient.CONTENT_TYPE;
    private static final String ERROR_SENT = "profilestream.registry.error";
    private static final String INVALID_LEVEL = "Invalid compatibility level. Valid values are none, backward, "
        + "forward, full, backward_transitive, forward_transitive, and full_transitive";

    private final Javalin server;
    private final KafkaSchemaLog log;
    private final RegistryState state;
    private final SchemaRecordCodec codec;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Object lock = new Object();
    private final int port;
    private boolean closed;

    private EmbeddedSchemaRegistry(final KafkaSchemaLog log,
                                   final RegistryState state,
                                   final SchemaRecordCodec codec,
                                   final int port) {
        this.log = log;
        this.state = state;
        this.codec = codec;
        this.server = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.defaultContentType = CONTENT_TYPE;
            final QueuedThreadPool threads = new QueuedThreadPool(16, 2);
            threads.setName("schema-registry");
            config.jetty.threadPool = threads;
        });
        routes();
        this.port = listen(port);
    }

    /**
     * Starts a registry that keeps its schemas in the topic {@value #DEFAULT_TOPIC}.
     *
     * @param bootstrapServers the Kafka cluster that holds the schemas topic
     * @param port the port on 127.0.0.1, or 0 for a free one
     * @return the running registry
     */
    public static EmbeddedSchemaRegistry start(final String bootstrapServers,
                                               final int port) {
        return builder(bootstrapServers).port(port).start();
    }

    /**
     * Starts a registry that keeps its schemas in the given topic.
     *
     * @param bootstrapServers the Kafka cluster that holds the schemas topic
     * @param port the port on 127.0.0.1, or 0 for a free one
     * @param topic the schemas topic, created compacted with one partition when absent
     * @return the running registry
     */
    public static EmbeddedSchemaRegistry start(final String bootstrapServers,
                                               final int port,
                                               final String topic) {
        return builder(bootstrapServers).port(port).topic(topic).start();
    }

    /**
     * Returns a builder for a registry with settings other than the defaults.
     *
     * @param bootstrapServers the Kafka cluster that holds the schemas topic
     */
    public static Builder builder(final String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    /**
     * Returns the base URL of the registry, {@code http://127.0.0.1:PORT}.
     */
    public String url() {
        return "http://" + Ports.LOOPBACK + ":" + port();
    }

    /**
     * Returns the port the registry listens on.
     */
    public int port() {
        return port;
    }

    /**
     * Returns the Kafka topic that holds the schemas.
     */
    public String topic() {
        return log.topic();
    }

    /**
     * Stops answering, then closes the producer; a second call does nothing.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        server.stop();
        log.close();
        LOG.info("The schema registry on {} has stopped.", url());
    }

    private static EmbeddedSchemaRegistry start(final Builder builder) {
        final long startNanos = System.nanoTime();
        final KafkaSchemaLog log = KafkaSchemaLog.open(builder.topic, builder.replicationFactor,
            builder.kafkaConfig(), builder.timeout);
        try {
            final RegistryState state = new RegistryState(CompatibilityLevel.BACKWARD);
            final SchemaRecordCodec codec = new SchemaRecordCodec(builder.topic);
            final long records = log.replay((key, value) -> codec.restore(state, key, value));
            final EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(log, state, codec, builder.port);
            LOG.info("The schema registry is listening on {}; it restored {} schemas and {} subjects from {} records "
                    + "of topic {} in {} ms.", registry.url(), state.schemaCount(), state.subjects().size(), records,
                builder.topic, Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
            return registry;
        } catch (final RuntimeException e) {
            log.close();
            throw e;
        }
    }

    private int listen(final int port) {
        try {
            server.start(Ports.LOOPBACK, port);
            return server.port();
        } catch (final RuntimeException e) {
            server.stop();
            throw new IllegalStateException("The schema registry cannot listen on " + Ports.LOOPBACK + ":" + port
                + ": " + e.getMessage(), e);
        }
    }

    private void routes() {
        server.get("/", ctx -> json(ctx, mapper.createObjectNode()));
        server.get("/schemas/types", ctx -> json(ctx, mapper.createArrayNode().add("AVRO")));
        server.get("/schemas/ids/{id}", this::getSchemaById);
        server.get("/schemas/ids/{id}/versions", this::getVersionsById);
        server.get("/schemas/ids/{id}/subjects", this::getSubjectsById);
        server.get("/subjects", this::getSubjects);
        server.get("/subjects/{subject}/versions", this::getVersions);
        server.get("/subjects/{subject}/versions/{version}", this::getVersion);
        server.get("/subjects/{subject}/versions/{version}/schema", this::getVersionSchema);
        server.post("/subjects/{subject}/versions", this::register);
        server.post("/subjects/{subject}", this::lookUp);
        server.post("/compatibility/subjects/{subject}/versions/{version}", this::testCompatibility);
        server.get("/config", ctx -> getConfig(ctx, null));
        server.put("/config", ctx -> putConfig(ctx, null));
        server.get("/config/{subject}", ctx -> getConfig(ctx, ctx.pathParam("subject")));
        server.put("/config/{subject}", ctx -> putConfig(ctx, ctx.pathParam("subject")));
        server.exception(SchemaRegistryException.class, (e, ctx) -> error(ctx, e.status(), e.errorCode(),
            e.getMessage()));
        server.exception(Exception.class, (e, ctx) -> {
            LOG.error("The schema registry failed to answer {} {}.", ctx.method(), ctx.path(), e);
            error(ctx, 500, 500, "Internal server error: " + e);
        });
        server.error(404, ctx -> {
            if (ctx.attribute(ERROR_SENT) == null) {
                error(ctx, 404, 404, "HTTP 404 Not Found");
            }
        });
    }

    private void getSchemaById(final Context ctx) {
        final int id = idParam(ctx);
        final RegistryState.StoredSchema schema;
        synchronized (lock) {
            schema = state.requireSchema(id);
        }
        json(ctx, mapper.createObjectNode().put("schema", schema.text()));
    }

    private void getVersionsById(final Context ctx) {
        final int id = idParam(ctx);
        final ArrayNode answer = mapper.createArrayNode();
        synchronized (lock) {
            state.requireSchema(id);
            for (final RegistryState.SubjectVersion use : state.usesOf(id)) {
                answer.addObject().put("subject", use.subject()).put("version", use.version());
            }
        }
        json(ctx, answer);
    }

    private void getSubjectsById(final Context ctx) {
        final int id = idParam(ctx);
        final ArrayNode answer = mapper.createArrayNode();
        synchronized (lock) {
            state.requireSchema(id);
            state.usesOf(id).stream().map(RegistryState.SubjectVersion::subject).distinct().forEach(answer::add);
        }
        json(ctx, answer);
    }

    private void getSubjects(final Context ctx) {
        final ArrayNode answer = mapper.createArrayNode();
        synchronized (lock) {
            state.subjects().forEach(answer::add);
        }
        json(ctx, answer);
    }

    private void getVersions(final Context ctx) {
        final String subject = ctx.pathParam("subject");
        final ArrayNode answer = mapper.createArrayNode();
        synchronized (lock) {
            final List<Integer> versions = state.versions(subject);
            if (versions.isEmpty()) {
                throw SchemaRegistryException.subjectNotFound(subject);
            }
            versions.forEach(answer::add);
        }
        json(ctx, answer);
    }

    private void getVersion(final Context ctx) {
        json(ctx, describe(findVersion(ctx)));
    }

    private void getVersionSchema(final Context ctx) {
        ctx.contentType(CONTENT_TYPE).result(findVersion(ctx).schema().text());
    }

    private RegistryState.SubjectVersion findVersion(final Context ctx) {
        final String subject = ctx.pathParam("subject");
        final int version = versionParam(ctx);
        synchronized (lock) {
            return state.requireVersion(subject, version);
        }
    }

    private void register(final Context ctx) {
        final String subject = ctx.pathParam("subject");
        final Schema schema = schemaFromBody(ctx);
        final RegistryState.Registration registration;
        synchronized (lock) {
            registration = state.plan(subject, schema);
            if (registration.isNew()) {
                log.append(codec.schemaKey(registration), codec.schemaValue(registration));
                state.apply(registration);
                LOG.info("Registered schema id {} as version {} of subject {}.", registration.id(),
                    registration.version(), subject);
            }
        }
        json(ctx, mapper.createObjectNode().put("id", registration.id()));
    }

    private void lookUp(final Context ctx) {
        final String subject = ctx.pathParam("subject");
        final Schema schema = schemaFromBody(ctx);
        final RegistryState.SubjectVersion found;
        synchronized (lock) {
            if (!state.hasSubject(subject)) {
                throw SchemaRegistryException.subjectNotFound(subject);
            }
            found = state.find(subject, schema.toString())
                .orElseThrow(() -> new SchemaRegistryException(404, 40403, "Schema not found"));
        }
        json(ctx, describe(found));
    }

    private void testCompatibility(final Context ctx) {
        final String subject = ctx.pathParam("subject");
        final int version = versionParam(ctx);
        final Schema schema = schemaFromBody(ctx);
        final List<String> problems;
        synchronized (lock) {
            if (version == RegistryState.LATEST) {
                problems = state.problems(subject, schema);
            } else {
                final RegistryState.SubjectVersion against = state.requireVersion(subject, version);
                problems = state.effectiveLevel(subject).check(schema, List.of(against.schema().schema()));
            }
        }
        final ObjectNode answer = mapper.createObjectNode().put("is_compatible", problems.isEmpty());
        if ("true".equals(ctx.queryParam("verbose"))) {
            final ArrayNode messages = answer.putArray("messages");
            problems.forEach(messages::add);
        }
        json(ctx, answer);
    }

    private void getConfig(final Context ctx,
                           final String subject) {
        final CompatibilityLevel level;
        synchronized (lock) {
            if (subject == null) {
                level = state.globalLevel();
            } else if ("true".equals(ctx.queryParam("defaultToGlobal"))) {
                level = state.effectiveLevel(subject);
            } else {
                level = state.subjectLevel(subject).orElseThrow(() -> new SchemaRegistryException(404, 40408,
                    "Subject '" + subject + "' does not have subject-level compatibility configured"));
            }
        }
        json(ctx, mapper.createObjectNode().put("compatibilityLevel", level.name()));
    }

    private void putConfig(final Context ctx,
                           final String subject) {
        final JsonNode body = body(ctx);
        final CompatibilityLevel level = CompatibilityLevel.forName(body.path("compatibility").asText(null))
            .orElseThrow(() -> new SchemaRegistryException(422, 42203, INVALID_LEVEL));
        synchronized (lock) {
            log.append(codec.configKey(subject), codec.configValue(level));
            state.setLevel(subject, level);
        }
        LOG.info("Set the compatibility level of {} to {}.", subject == null ? "the registry" : "subject " + subject,
            level);
        json(ctx, mapper.createObjectNode().put("compatibility", level.name()));
    }

    private ObjectNode describe(final RegistryState.SubjectVersion version) {
        return mapper.createObjectNode()
            .put("subject", version.subject())
            .put("version", version.version())
            .put("id", version.schema().id())
            .put("schema", version.schema().text());
    }

    private Schema schemaFromBody(final Context ctx) {
        final JsonNode body = body(ctx);
        final JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
            throw new SchemaRegistryException(422, 42201, "Invalid schema: schema type " + type.asText()
                + " is not supported; this registry holds AVRO schemas only");
        }
        final JsonNode references = body.get("references");
        if (references != null && references.size() > 0) {
            throw new SchemaRegistryException(422, 42201, "Invalid schema: schema references are not supported");
        }
        final JsonNode text = body.get("schema");
        if (text == null || !text.isTextual() || text.textValue().isBlank()) {
            throw new SchemaRegistryException(422, 42201, "Invalid schema: the request has no schema");
        }
        try {
            return new Schema.Parser().parse(text.textValue());
        } catch (final SchemaParseException e) {
            throw new SchemaRegistryException(422, 42201, "Invalid schema: " + e.getMessage());
        }
    }

    private JsonNode body(final Context ctx) {
        try {
            final JsonNode body = mapper.readTree(ctx.body());
            if (body == null || !body.isObject()) {
                throw new SchemaRegistryException(400, 400, "The request body must be a JSON object");
            }
            return body;
        } catch (final JsonProcessingException e) {
            throw new SchemaRegistryException(400, 400, "The request body is not valid JSON: "
                + e.getOriginalMessage());
        }
    }

    private static int idParam(final Context ctx) {
        final String id = ctx.pathParam("id");
        try {
            return Integer.parseInt(id);
        } catch (final NumberFormatException e) {
            throw SchemaRegistryException.schemaNotFound(id);
        }
    }

    private static int versionParam(final Context ctx) {
        final String version = ctx.pathParam("version");
        if ("latest".equals(version)) {
            return RegistryState.LATEST;
        }
        try {
            final int number = Integer.parseInt(version);
            if (number == RegistryState.LATEST || number >= 1) {
                return number;
            }
        } catch (final NumberFormatException e) {
            // Not a number: answered below like a number out of range.
        }
        throw new SchemaRegistryException(422, 42202, "The specified version '" + version + "' is not a valid "
            + "version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    private void json(final Context ctx,
                      final JsonNode answer) {
        ctx.contentType(CONTENT_TYPE).result(answer.toString());
    }

    private void error(final Context ctx,
                       final int status,
                       final int errorCode,
                       final String message) {
        ctx.attribute(ERROR_SENT, Boolean.TRUE);
        ctx.status(status).contentType(CONTENT_TYPE).result(mapper.createObjectNode()
            .put("error_code", errorCode).put("message", message).toString());
    }

    /**
     * Settings of an embedded registry, with defaults: a free port, the topic {@value #DEFAULT_TOPIC} with
     * replication factor 1, and 30 seconds for each Kafka operation.
     */
    public static final class Builder {

        private final String bootstrapServers;
        private final Map<String, Object> kafkaConfig = new HashMap<>();
        private int port;
        private String topic = DEFAULT_TOPIC;
        private short replicationFactor = 1;
        private Duration timeout = Duration.ofSeconds(30);

        private Builder(final String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        }

        /**
         * Sets the port on 127.0.0.1; 0, the default, picks a free one.
         */
        public Builder port(final int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Port " + port + " is not between 0 and 65535.");
            }
            this.port = port;
            return this;
        }

        /**
         * Sets the topic that holds the schemas.
         */
        public Builder topic(final String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /**
         * Sets the replication factor the schemas topic is created with when it is absent.
         */
        public Builder replicationFactor(final short replicationFactor) {
            if (replicationFactor < 1) {
                throw new IllegalArgumentException("The replication factor must be at least 1.");
            }
            this.replicationFactor = replicationFactor;
            return this;
        }

        /**
         * Adds Kafka client settings (for example security settings) for the registry's admin, producer and consumer.
         */
        public Builder kafkaConfig(final Map<String, ?> config) {
            kafkaConfig.putAll(config);
            return this;
        }

        /**
         * Sets how long each Kafka operation may take: checking the topic, reading it at start, each write.
         */
        public Builder timeout(final Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Reads the schemas topic and starts answering.
         *
         * @return the running registry
         * @throws org.apache.kafka.common.KafkaException when the schemas topic cannot be checked, created or read
         * @throws IllegalStateException when the topic is unfit or the port is taken
         */
        public EmbeddedSchemaRegistry start() {
            return EmbeddedSchemaRegistry.start(this);
        }

        private Map<String, Object> kafkaConfig() {
            final Map<String, Object> config = new HashMap<>(kafkaConfig);
            config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            return config;
        }
    }
}
