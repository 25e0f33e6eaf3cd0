package io.profilestream.registry;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import io.javalin.Javalin;
import io.profilestream.net.Ports;

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

    private final Javalin server;
    private final KafkaSchemaLog log;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int port;

    private EmbeddedSchemaRegistry(final KafkaSchemaLog log,
                                   final RegistryRoutes routes,
                                   final int port) {
        this.log = log;
        this.server = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.defaultContentType = RegistryRoutes.CONTENT_TYPE;
            final QueuedThreadPool threads = new QueuedThreadPool(16, 2);
            threads.setName("schema-registry");
            config.jetty.threadPool = threads;
        });
        routes.addTo(server);
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
        if (!closed.compareAndSet(false, true)) {
            return;
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
            final int schemas = state.schemaCount();
            final int subjects = state.subjects().size();
            final RegistryRoutes routes = new RegistryRoutes(new RegistryService(state, log, codec));
            final EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(log, routes, builder.port);
            LOG.info("The schema registry is listening on {}; it restored {} schemas and {} subjects from {} records "
                    + "of topic {} in {} ms.", registry.url(), schemas, subjects, records, builder.topic,
                Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
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
