package io.profilestream.app;

import java.nio.file.Path;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.config.ConfigException;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.embedded.EmbeddedKafkaBroker;
import io.profilestream.net.Ports;
import io.profilestream.registry.EmbeddedSchemaRegistry;

/**
 * Everything in one process: a single-node KRaft broker and a schema registry on 127.0.0.1, then the engine.
 * Data lives under the work directory ({@code kafka/} for the broker, {@code state/} for the engine), so a restart
 * resumes from the same state.
 */
public final class EmbeddedRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRuntime.class);

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final ProfileStreamApp app;
    private final ProfileStreamConfig config;

    private EmbeddedRuntime(final EmbeddedKafkaBroker broker,
                            final EmbeddedSchemaRegistry registry,
                            final ProfileStreamApp app,
                            final ProfileStreamConfig config) {
        this.broker = broker;
        this.registry = registry;
        this.app = app;
        this.config = config;
    }

    /**
     * Starts broker, registry and engine.
     *
     * @param config the engine configuration; bootstrap servers and registry URL are replaced by the embedded ones
     * @param kafkaPort broker port on 127.0.0.1 (0 = any free port)
     * @param registryPort registry port on 127.0.0.1 (0 = any free port)
     */
    public static EmbeddedRuntime start(final ProfileStreamConfig config, final int kafkaPort, final int registryPort) {
        final String protocol = config.get("security.protocol", "PLAINTEXT");
        if (!"PLAINTEXT".equalsIgnoreCase(protocol)) {
            throw new ConfigException("security.protocol=" + protocol + " is for a cluster of your own: the embedded "
                + "broker listens on 127.0.0.1 with PLAINTEXT only. Remove it, or run without --embedded.");
        }
        if (kafkaPort != 0) {
            Ports.requireFree(kafkaPort, "--kafka-port");
        }
        if (registryPort != 0) {
            Ports.requireFree(registryPort, "--registry-port");
        }
        if (config.getInt("http.port") != 0) {
            Ports.requireFree(config.getInt("http.port"), "--http-port");
        }
        final Path workDir = Path.of(config.get("work.dir")).toAbsolutePath();
        final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"), kafkaPort);
        EmbeddedSchemaRegistry registry = null;
        try {
            registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), registryPort);
            final ProfileStreamConfig embedded = config.with(Map.of(
                "bootstrap.servers", broker.bootstrapServers(),
                "schema.registry.url", registry.url()));
            LOG.info("Embedded Kafka broker on {}; schema registry on {}.", broker.bootstrapServers(), registry.url());
            final ProfileStreamApp app = ProfileStreamApp.start(embedded, ProfileStreamApp.registryClient(embedded));
            return new EmbeddedRuntime(broker, registry, app, embedded);
        } catch (final RuntimeException e) {
            if (registry != null) {
                registry.close();
            }
            broker.close();
            throw e;
        }
    }

    public ProfileStreamApp app() {
        return app;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    /** The effective configuration, with the embedded addresses. */
    public ProfileStreamConfig config() {
        return config;
    }

    /**
     * Stops the engine, then the registry, then the broker.
     */
    @Override
    public void close() {
        app.close();
        registry.close();
        broker.close();
    }
}
