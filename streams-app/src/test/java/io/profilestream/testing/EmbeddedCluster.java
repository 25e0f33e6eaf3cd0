package io.profilestream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.profilestream.embedded.EmbeddedKafkaBroker;
import io.profilestream.registry.EmbeddedSchemaRegistry;

/**
 * An in-process KRaft broker and the embedded schema registry on it, with the broker's data in a directory of its
 * own; closing stops both and deletes the directory.
 */
final class EmbeddedCluster implements AutoCloseable {

    private final Path directory;
    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;

    private EmbeddedCluster(final Path directory,
                            final EmbeddedKafkaBroker broker,
                            final EmbeddedSchemaRegistry registry) {
        this.directory = directory;
        this.broker = broker;
        this.registry = registry;
    }

    /**
     * Starts a broker and a registry, the broker's data in a new directory under {@code parent}.
     */
    static EmbeddedCluster start(final Path parent,
                                 final String label) {
        final Path directory;
        try {
            directory = Files.createTempDirectory(Files.createDirectories(parent), label + "-");
        } catch (final IOException e) {
            throw new UncheckedIOException("Could not create a directory for the broker under " + parent + ".", e);
        }
        final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(directory.resolve("kafka"), 0);
        try {
            return new EmbeddedCluster(directory, broker, EmbeddedSchemaRegistry.start(broker.bootstrapServers(), 0));
        } catch (final RuntimeException e) {
            broker.close();
            Directories.delete(directory);
            throw e;
        }
    }

    KafkaCluster cluster() {
        return new KafkaCluster(broker.bootstrapServers(), registry.url());
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
