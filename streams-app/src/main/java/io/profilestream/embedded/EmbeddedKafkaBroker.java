package io.profilestream.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.net.Ports;

/**
 * A real single-node Kafka broker in KRaft mode, running in this JVM, that listens only on 127.0.0.1.
 * The one node is both broker and controller, with every internal topic at replication factor 1.
 * Its storage is formatted on first start and reused on later starts from the same directory, whatever the ports.
 * The data directory belongs to the broker alone: it holds meta.properties, the metadata log and the topic logs.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** The node id of the single node, broker and controller at once. */
    public static final int NODE_ID = 1;
    /** The name of the listener that clients and the broker itself use. */
    public static final String BROKER_LISTENER = "PLAINTEXT";
    /** The name of the listener of the KRaft controller. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String META_PROPERTIES = "meta.properties";
    private static final int LOG_CLEANER_DEDUPE_BUFFER_BYTES = 2 * 1024 * 1024;
    private static final int INTERNAL_TOPIC_PARTITIONS = 5;
    private static final int MAX_PORT = 65535;

    /** Settings that tie the node to its directory, its ports and its quorum: overriding them would break it. */
    private static final Set<String> FIXED_SETTINGS = Set.of(
        "process.roles",
        "node.id",
        "listeners",
        "advertised.listeners",
        "listener.security.protocol.map",
        "controller.listener.names",
        "inter.broker.listener.name",
        "controller.quorum.voters",
        "controller.quorum.bootstrap.servers",
        "log.dirs",
        "log.dir",
        "metadata.log.dir");

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final String clusterId;
    private final KafkaRaftServer server;
    private final int saslPort;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaBroker(final Path dataDir,
                                final int port,
                                final int controllerPort,
                                final String clusterId,
                                final KafkaRaftServer server,
                                final int saslPort) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.clusterId = clusterId;
        this.server = server;
        this.saslPort = saslPort;
    }

    /**
     * Starts a broker on the given directory and port with the default settings.
     *
     * @param dataDir the broker's own directory, created and formatted when it holds no meta.properties yet
     * @param port the client port on 127.0.0.1, or 0 for a free one
     * @return the running broker
     */
    public static EmbeddedKafkaBroker start(final Path dataDir,
                                            final int port) {
        return start(dataDir, port, Map.of());
    }

    /**
     * Starts a broker on the given directory and port, with extra broker settings over the defaults.
     * The settings that fix the node's identity, listeners, quorum and directories cannot be overridden.
     *
     * @param dataDir the broker's own directory, created and formatted when it holds no meta.properties yet
     * @param port the client port on 127.0.0.1, or 0 for a free one
     * @param overrides broker settings that replace the defaults, for example {@code log.retention.hours}
     * @return the running broker
     * @throws IllegalArgumentException when the port is out of range or an override touches a fixed setting
     * @throws KafkaException when the broker cannot start, for example on a taken port; it has been shut down
     */
    public static EmbeddedKafkaBroker start(final Path dataDir,
                                            final int port,
                                            final Map<String, String> overrides) {
        return start(dataDir, port, 0, overrides);
    }

    /**
     * Starts a broker with a chosen controller port, so that tests can move the controller between runs.
     */
    static EmbeddedKafkaBroker start(final Path dataDir,
                                     final int port,
                                     final int controllerPort,
                                     final Map<String, String> overrides) {
        return start(dataDir, port, controllerPort, overrides, null);
    }

    /**
     * Starts a broker with a second client listener that needs SASL authentication (see {@link SaslListener}) on a
     * free port, next to the PLAINTEXT one; {@link #saslBootstrapServers()} names it.
     *
     * @throws KafkaException when the broker cannot start or the users' SCRAM credentials cannot be stored
     */
    public static EmbeddedKafkaBroker start(final Path dataDir,
                                            final int port,
                                            final Map<String, String> overrides,
                                            final SaslListener sasl) {
        return start(dataDir, port, 0, overrides, Objects.requireNonNull(sasl, "sasl"));
    }

    private static EmbeddedKafkaBroker start(final Path dataDir,
                                             final int port,
                                             final int controllerPort,
                                             final Map<String, String> overrides,
                                             final SaslListener sasl) {
        requireValidPort(port);
        requireValidPort(controllerPort);
        if (port != 0 && port == controllerPort) {
            throw new IllegalArgumentException("The client port and the controller port are both " + port + ".");
        }
        for (final String key : overrides.keySet()) {
            if (FIXED_SETTINGS.contains(key)) {
                throw new IllegalArgumentException("The broker setting " + key + " is fixed by the embedded broker "
                    + "and cannot be overridden.");
            }
        }
        final long startNanos = System.nanoTime();
        final Path dir = dataDir.toAbsolutePath().normalize();
        createDirectories(dir);
        final int brokerPort = port == 0 ? freePortOtherThan(controllerPort) : port;
        final int quorumPort = controllerPort == 0 ? freePortOtherThan(brokerPort) : controllerPort;

        final Properties properties = defaults(dir, brokerPort, quorumPort);
        final int saslPort = sasl == null ? 0 : freePortOtherThan(brokerPort, quorumPort);
        if (sasl != null) {
            properties.putAll(sasl.brokerSettings(BROKER_LISTENER + "://" + Ports.LOOPBACK + ":" + brokerPort,
                CONTROLLER_LISTENER + "://" + Ports.LOOPBACK + ":" + quorumPort, saslPort));
        }
        properties.putAll(overrides);
        final KafkaConfig config = new KafkaConfig(properties, false);

        final String existingClusterId = readClusterId(dir);
        final boolean formatted = existingClusterId == null;
        final String clusterId = formatted ? format(dir) : existingClusterId;

        final KafkaRaftServer server;
        try {
            server = new KafkaRaftServer(config, Time.SYSTEM);
        } catch (final RuntimeException e) {
            throw startFailure(brokerPort, quorumPort, e);
        }
        try {
            server.startup();
        } catch (final RuntimeException e) {
            shutdown(server);
            throw startFailure(brokerPort, quorumPort, e);
        }
        final EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, brokerPort, quorumPort, clusterId, server,
            saslPort);
        if (sasl != null) {
            try {
                sasl.createScramCredentials(broker.bootstrapServers());
            } catch (final RuntimeException e) {
                broker.close();
                throw e;
            }
        }
        LOG.info("The embedded Kafka broker is listening on {} (controller port {}, cluster {}).",
            broker.bootstrapServers(), quorumPort, clusterId);
        LOG.info("The embedded Kafka broker started in {} ms from {} storage in {}.",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
            formatted ? "newly formatted" : "existing",
            dir);
        return broker;
    }

    /**
     * Returns the address for {@code bootstrap.servers}.
     *
     * @return {@code 127.0.0.1:PORT}
     */
    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    /**
     * Returns the address of the SASL listener for {@code bootstrap.servers}.
     *
     * @return {@code 127.0.0.1:PORT}
     * @throws IllegalStateException when the broker was started without a SASL listener
     */
    public String saslBootstrapServers() {
        if (saslPort == 0) {
            throw new IllegalStateException("This broker has no SASL listener.");
        }
        return Ports.LOOPBACK + ":" + saslPort;
    }

    /**
     * Returns the broker's directory, which holds meta.properties, the metadata log and the topic logs.
     *
     * @return the absolute data directory
     */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Returns the client port on 127.0.0.1.
     *
     * @return the port of the PLAINTEXT listener
     */
    public int port() {
        return port;
    }

    /**
     * Returns the port of the KRaft controller listener on 127.0.0.1, chosen free at start.
     *
     * @return the port of the CONTROLLER listener
     */
    public int controllerPort() {
        return controllerPort;
    }

    /**
     * Returns the id of the cluster, generated when the storage was formatted and kept in meta.properties.
     *
     * @return the cluster id
     */
    public String clusterId() {
        return clusterId;
    }

    /**
     * Shuts the broker down and waits until it has stopped.
     * Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        final long startNanos = System.nanoTime();
        shutdown(server);
        LOG.info("The embedded Kafka broker on {} stopped in {} ms.",
            bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    private static Properties defaults(final Path dir,
                                       final int brokerPort,
                                       final int quorumPort) {
        final Map<String, String> settings = new TreeMap<>();
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", Integer.toString(NODE_ID));
        settings.put("listeners", BROKER_LISTENER + "://" + Ports.LOOPBACK + ":" + brokerPort + ","
            + CONTROLLER_LISTENER + "://" + Ports.LOOPBACK + ":" + quorumPort);
        settings.put("advertised.listeners", BROKER_LISTENER + "://" + Ports.LOOPBACK + ":" + brokerPort);
        settings.put("listener.security.protocol.map",
            BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        settings.put("controller.listener.names", CONTROLLER_LISTENER);
        settings.put("inter.broker.listener.name", BROKER_LISTENER);
        settings.put("controller.quorum.voters", NODE_ID + "@" + Ports.LOOPBACK + ":" + quorumPort);
        settings.put("log.dirs", dir.toString());
        settings.put("metadata.log.dir", dir.toString());

        settings.put("auto.create.topics.enable", "false");
        settings.put("num.partitions", "1");
        settings.put("default.replication.factor", "1");
        settings.put("min.insync.replicas", "1");
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("transaction.state.log.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
        settings.put("share.coordinator.state.topic.replication.factor", "1");
        settings.put("share.coordinator.state.topic.min.isr", "1");
        settings.put("share.coordinator.state.topic.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("log.cleaner.dedupe.buffer.size", Integer.toString(LOG_CLEANER_DEDUPE_BUFFER_BYTES));
        settings.put("log.retention.hours", "168");
        settings.put("log.retention.bytes", "-1");

        final Properties properties = new Properties();
        properties.putAll(settings);
        return properties;
    }

    private static String format(final Path dir) {
        final String clusterId = Uuid.randomUuid().toString();
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            new Formatter()
                .setPrintStream(printStream)
                .setNodeId(NODE_ID)
                .setClusterId(clusterId)
                .addDirectory(dir.toString())
                .setMetadataLogDirectory(dir.toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .run();
        } catch (final Exception e) {
            throw new IllegalStateException("The storage of the embedded Kafka broker in " + dir
                + " could not be formatted.", e);
        }
        LOG.info("Formatted the storage of the embedded Kafka broker in {} for cluster {}.", dir, clusterId);
        LOG.debug("The storage formatter said: {}", output.toString(StandardCharsets.UTF_8).strip());
        return clusterId;
    }

    private static String readClusterId(final Path dir) {
        final Path metaProperties = dir.resolve(META_PROPERTIES);
        if (!Files.isRegularFile(metaProperties)) {
            return null;
        }
        final Properties properties = new Properties();
        try (InputStream input = Files.newInputStream(metaProperties)) {
            properties.load(input);
        } catch (final IOException e) {
            throw new UncheckedIOException("The file " + metaProperties + " could not be read.", e);
        }
        final String clusterId = properties.getProperty("cluster.id");
        if (clusterId == null || clusterId.isBlank()) {
            throw new IllegalStateException("The file " + metaProperties + " has no cluster.id; "
                + "the directory does not hold the storage of a KRaft broker.");
        }
        return clusterId;
    }

    private static void createDirectories(final Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (final IOException e) {
            throw new UncheckedIOException("The directory " + dir + " could not be created.", e);
        }
    }

    private static KafkaException startFailure(final int brokerPort,
                                               final int quorumPort,
                                               final RuntimeException failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        final String reason = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
        return new KafkaException("The embedded Kafka broker could not start on " + Ports.LOOPBACK + ":" + brokerPort
            + " (controller port " + quorumPort + "): " + reason, failure);
    }

    private static void requireValidPort(final int port) {
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("Port " + port + " is not between 0 and " + MAX_PORT + ".");
        }
    }

    private static int freePortOtherThan(final int... taken) {
        while (true) {
            final int candidate = Ports.freePort();
            if (Arrays.stream(taken).noneMatch(port -> port == candidate)) {
                return candidate;
            }
        }
    }

    private static void shutdown(final KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }
}
