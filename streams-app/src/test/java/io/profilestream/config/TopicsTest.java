package io.profilestream.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void shouldNameTheEnginesOwnTopicsAfterTheApplicationIdByDefault() {
        final Topics topics = Topics.from(ProfileStreamConfig.of(Map.of("application.id", "shop")));

        assertThat(topics.profileEvents()).isEqualTo("shop-profile-events");
        assertThat(topics.identityCommands()).isEqualTo("shop-identity-commands");
    }

    @Test
    void shouldGiveEveryTopicItsKeyInSettingsThatReadBackUnchanged() {
        final Topics defaults = Topics.from(ProfileStreamConfig.of(Map.of()));
        final Map<String, String> renamed = new HashMap<>(defaults.settings());
        renamed.replaceAll((key, name) -> "other-" + name);

        final Topics topics = Topics.from(ProfileStreamConfig.of(renamed));

        assertThat(defaults.settings().values()).containsExactlyInAnyOrderElementsOf(defaults.all());
        assertThat(defaults.settings().keySet()).allSatisfy(key -> assertThat(key).startsWith("topics."));
        assertThat(topics.all()).hasSameSizeAs(defaults.all())
            .allSatisfy(name -> assertThat(name).startsWith("other-"));
        assertThat(topics.settings()).isEqualTo(renamed);
    }
}
