package io.profilestream.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes, before Kafka Streams opens them, task state directories that a hard crash left unreadable, so that the
 * task's state is restored from its changelog instead of failing every start.
 * A process killed while RocksDB creates a store (a new segment of a window store, for example) can leave a
 * {@code CURRENT} file naming a {@code MANIFEST} that was never written; Kafka Streams 4.3 opens the stores it finds at
 * start ({@code StateDirectory.initializeStartupStores}), fails on that one, and the engine could never start again.
 * The chaos run found this. Only such damaged tasks are touched; the changelog holds their whole state.
 */
final class StateRepair {

    private static final Logger LOG = LoggerFactory.getLogger(StateRepair.class);
    private static final String CURRENT = "CURRENT";

    private StateRepair() {
    }

    /**
     * Removes the damaged task directories of an application.
     *
     * @param stateDir Kafka Streams' {@code state.dir}
     * @param applicationId the application id, whose directory under {@code stateDir} holds one directory per task
     * @return the task directories removed
     */
    static List<Path> removeDamagedTasks(final Path stateDir, final String applicationId) {
        final Path application = stateDir.resolve(applicationId);
        final List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(application)) {
            return removed;
        }
        try (Stream<Path> tasks = Files.list(application)) {
            for (final Path task : tasks.filter(Files::isDirectory).toList()) {
                final Path damaged = damagedStore(task);
                if (damaged != null) {
                    LOG.warn("The state of task {} cannot be opened ({} names a store file that does not exist, as "
                        + "after a crash); it is removed and will be restored from the changelog.",
                        task.getFileName(), application.relativize(damaged));
                    delete(task);
                    removed.add(task);
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("Could not check the state directory " + application + ".", e);
        }
        return removed;
    }

    /** A RocksDB {@code CURRENT} file under the task whose manifest is missing, or null when there is none. */
    private static Path damagedStore(final Path task) throws IOException {
        try (Stream<Path> files = Files.walk(task)) {
            for (final Path current : files.filter(path -> path.getFileName().toString().equals(CURRENT)).toList()) {
                final String manifest = Files.readString(current, StandardCharsets.UTF_8).strip();
                if (manifest.isEmpty() || !Files.isRegularFile(current.resolveSibling(manifest))) {
                    return current;
                }
            }
        }
        return null;
    }

    private static void delete(final Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
