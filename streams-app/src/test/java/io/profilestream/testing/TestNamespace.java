package io.profilestream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.config.Topics;

/**
 * One test's own names on a cluster that other tests share: an application id, a directory for its state, and every
 * topic of the engine with a suffix of its own.
 * The suffix is applied to every name of {@link Topics}, the engine's own {@code profile-events} and
 * {@code identity-commands} topics included, so two tests never meet in a topic, a consumer group, a transactional
 * id or a schema registry subject.
 */
public final class TestNamespace {

    private final String id;
    private final Path directory;

    private TestNamespace(final String id,
                          final Path directory) {
        this.id = id;
        this.directory = directory;
    }

    /**
     * Creates a namespace with a fresh id and a new directory under {@code parent}.
     *
     * @param parent where the test's directory is created
     * @param label the start of the directory's name, for people looking for it
     */
    public static TestNamespace create(final Path parent,
                                       final String label) {
        final String id = UUID.randomUUID().toString().substring(0, 8);
        try {
            Files.createDirectories(parent);
            return new TestNamespace(id, Files.createDirectory(parent.resolve(label + "-" + id)));
        } catch (final IOException e) {
            throw new UncheckedIOException("Could not create a test directory under " + parent + ".", e);
        }
    }

    /**
     * Returns the id that makes this test's names unique.
     */
    public String id() {
        return id;
    }

    /**
     * Returns this test's Kafka Streams application id (and so consumer group and internal topic prefix).
     */
    public String applicationId() {
        return "it-" + id;
    }

    /**
     * Returns this test's own directory.
     */
    public Path directory() {
        return directory;
    }

    /**
     * Returns this test's Kafka Streams state directory, inside {@link #directory()}.
     */
    public Path stateDir() {
        return directory.resolve("state");
    }

    /**
     * Returns a topic name of this test's own, made from a plain name.
     */
    public String topic(final String name) {
        return name + "-" + id;
    }

    /**
     * Returns every topic of the engine, its default name renamed with {@link #topic(String)}.
     */
    public Topics topics() {
        final Map<String, String> renamed = new HashMap<>(Topics.from(ProfileStreamConfig.of(Map.of())).settings());
        renamed.replaceAll((key, name) -> topic(name));
        return Topics.from(ProfileStreamConfig.of(renamed));
    }

    /**
     * Returns the engine settings that give it this test's names: the application id, the state and work
     * directories, and every topic of {@link #topics()}.
     */
    public Map<String, String> settings() {
        final Map<String, String> settings = new HashMap<>(topics().settings());
        settings.put("application.id", applicationId());
        settings.put("state.dir", stateDir().toString());
        settings.put("work.dir", directory.resolve("work").toString());
        return settings;
    }

    @Override
    public String toString() {
        return "test namespace " + id + " in " + directory;
    }
}
