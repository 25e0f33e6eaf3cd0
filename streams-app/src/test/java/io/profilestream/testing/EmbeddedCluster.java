package io.profilestream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.profilestream.embedded.EmbeddedKafkaBroker;
import io.profilestream.embedded.SaslListener;
import io.profilestream.registry.EmbeddedSchemaRegistry;

/**
 * An in-process KRaft broker and the embedded schema registry on it, with the broker's data in a directory of its
 * own; closing stops both and deletes the directory.
 * With SASL the broker has a second listener that needs SCRAM-SHA-256 authentication as {@value #SASL_USER}, and the
 * cluster hands out that listener with the client settings for it; the registry uses it too.
 */
final class EmbeddedCluster implements AutoCloseable {

    /** The user clients of a SASL cluster log in as. */
    static final String SASL_USER = "profilestream";
    /** That user's password. */
    static final String SASL_PASSWORD = "profilestream-test-secret";

    private final Path directory;
    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final Map<String, String> clientSettings;

    private EmbeddedCluster(final Path directory,
                            final EmbeddedKafkaBroker broker,
                            final EmbeddedSchemaRegistry registry,
                            final Map<String, String> clientSettings) {
        this.directory = directory;
        this.broker = broker;
        this.registry = registry;
        this.clientSettings = clientSettings;
    }

    /**
     * The client settings for a SASL cluster's listener.
     */
    static Map<String, String> saslClientSettings() {
        return Map.of("security.protocol", SaslListener.NAME,
            "sasl.mechanism", "SCRAM-SHA-256",
            "sasl.jaas.config", SaslListener.clientJaasConfig("SCRAM-SHA-256", SASL_USER, SASL_PASSWORD));
    }

    /**
     * Starts a broker and a registry, the broker's data in a new directory under {@code parent}.
     */
    static EmbeddedCluster start(final Path parent,
                                 final String label) {
        return start(parent, label, false);
    }

    /**
     * Starts a broker, with a SASL listener that clients must use when asked, and a registry.
     */
    static EmbeddedCluster start(final Path parent,
                                 final String label,
                                 final boolean sasl) {
        final Path directory;
        try {
            directory = Files.createTempDirectory(Files.createDirectories(parent), label + "-");
        } catch (final IOException e) {
            throw new UncheckedIOException("Could not create a directory for the broker under " + parent + ".", e);
        }
        final EmbeddedKafkaBroker broker = sasl
            ? EmbeddedKafkaBroker.start(directory.resolve("kafka"), 0, Map.of(),
                new SaslListener(Map.of(SASL_USER, SASL_PASSWORD)))
            : EmbeddedKafkaBroker.start(directory.resolve("kafka"), 0);
        final Map<String, String> clientSettings = sasl ? saslClientSettings() : Map.of();
        try {
            return new EmbeddedCluster(directory, broker, EmbeddedSchemaRegistry
                .builder(sasl ? broker.saslBootstrapServers() : broker.bootstrapServers())
                .kafkaConfig(clientSettings)
                .start(), clientSettings);
        } catch (final RuntimeException e) {
            broker.close();
            Directories.delete(directory);
            throw e;
        }
    }

    KafkaCluster cluster() {
        return new KafkaCluster(clientSettings.isEmpty() ? broker.bootstrapServers() : broker.saslBootstrapServers(),
            registry.url(), clientSettings);
    }

    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            broker.close();
            Directories.delete(directory);
        }
    }
}
