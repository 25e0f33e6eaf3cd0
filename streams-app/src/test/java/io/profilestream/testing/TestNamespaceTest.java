package io.profilestream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.config.Topics;

class TestNamespaceTest {

    @TempDir
    Path dir;

    @Test
    void shouldRenameEveryTopicOfTheEngineIncludingItsOwn() {
        final TestNamespace namespace = TestNamespace.create(dir, "test");
        final Topics defaults = Topics.from(ProfileStreamConfig.of(Map.of()));

        final Topics topics = namespace.topics();

        assertThat(topics.all()).hasSameSizeAs(defaults.all())
            .allSatisfy(name -> assertThat(name).endsWith("-" + namespace.id()))
            .doesNotContainAnyElementsOf(defaults.all());
        assertThat(topics.profileEvents()).isEqualTo(defaults.profileEvents() + "-" + namespace.id());
        assertThat(topics.identityCommands()).isEqualTo(defaults.identityCommands() + "-" + namespace.id());
    }

    @Test
    void shouldGiveTheEngineItsNamesAndADirectoryOfItsOwn() {
        final TestNamespace namespace = TestNamespace.create(dir, "test");

        final ProfileStreamConfig config = ProfileStreamConfig.of(namespace.settings());

        assertThat(Topics.from(config)).isEqualTo(namespace.topics());
        assertThat(config.get("application.id")).isEqualTo(namespace.applicationId()).contains(namespace.id());
        assertThat(namespace.directory()).isDirectory().hasParent(dir);
        assertThat(Path.of(config.get("state.dir"))).isEqualTo(namespace.stateDir())
            .startsWithRaw(namespace.directory());
        assertThat(Path.of(config.get("work.dir"))).startsWithRaw(namespace.directory());
    }

    @Test
    void shouldShareNoNameWithAnotherNamespace() {
        final TestNamespace first = TestNamespace.create(dir, "test");
        final TestNamespace second = TestNamespace.create(dir, "test");

        assertThat(first.id()).isNotEqualTo(second.id());
        assertThat(first.applicationId()).isNotEqualTo(second.applicationId());
        assertThat(first.directory()).isNotEqualTo(second.directory());
        assertThat(first.topics().all()).doesNotContainAnyElementsOf(second.topics().all());
    }
}
