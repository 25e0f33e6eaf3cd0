package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task directory that a crash left with a RocksDB {@code CURRENT} naming a missing {@code MANIFEST} is removed;
 * sound tasks stay.
 */
class StateRepairTest {

    @TempDir
    private Path stateDir;

    @Test
    void shouldRemoveOnlyTheTaskWhoseStoreNamesAMissingManifest() throws Exception {
        final Path damaged = store("4_0", "event-dedup-store/event-dedup-store.1793836800000", false);
        final Path sound = store("4_1", "event-dedup-store/event-dedup-store.1793836800000", true);
        final Path plain = store("1_0", "rocksdb/profiles-store", true);

        assertThat(StateRepair.removeDamagedTasks(stateDir, "app")).containsExactly(stateDir.resolve("app/4_0"));

        assertThat(damaged).doesNotExist();
        assertThat(stateDir.resolve("app/4_0")).doesNotExist();
        assertThat(sound.resolve("MANIFEST-000005")).exists();
        assertThat(plain.resolve("CURRENT")).exists();
        assertThat(StateRepair.removeDamagedTasks(stateDir, "app")).isEmpty();
        assertThat(StateRepair.removeDamagedTasks(stateDir, "other-app")).isEmpty();
    }

    private Path store(final String task, final String store, final boolean withManifest) throws Exception {
        final Path directory = Files.createDirectories(stateDir.resolve("app").resolve(task).resolve(store));
        Files.writeString(directory.resolve("CURRENT"), "MANIFEST-000005\n");
        Files.writeString(directory.resolve("000004.log"), "");
        if (withManifest) {
            Files.writeString(directory.resolve("MANIFEST-000005"), "m");
        }
        return directory;
    }
}
