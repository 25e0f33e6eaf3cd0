package io.profilestream.topology;

import static io.profilestream.topology.TestEvents.click;
import static io.profilestream.topology.TopologyFixture.START;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.profilestream.events.ClickType;
import io.profilestream.events.CustomerTraits;
import io.profilestream.identity.EmailHasher;
import io.profilestream.profile.CustomerProfile;

class CustomerTraitsTopologyTest {

    private static final String SALT = "a-secret-salt";

    private final TopologyFixture fixture = new TopologyFixture(Map.of("identity.email.hash.salt", SALT), null);

    @AfterEach
    void close() {
        fixture.close();
    }

    private static Instant at(final long minutes) {
        return START.plus(Duration.ofMinutes(minutes));
    }

    private static CustomerTraits.Builder traits(final String customerId, final Instant updatedAt) {
        return CustomerTraits.newBuilder().setCustomerId(customerId).setUpdatedAt(updatedAt);
    }

    @Test
    void shouldKeepTraitsInTheProfileAndTheEmailOnlyAsAHash() {
        fixture.traits.pipeInput("c1", traits("c1", at(1)).setEmail("ann@example.com").setBirthYear(1980)
            .setGender("f").setCity("Utrecht").setCountry("NL").setLoyaltyTier("gold").setSmsConsent(true)
            .setAttributes(Map.of("store", "centre")).build());

        final CustomerProfile profile = fixture.profile("c1");
        assertThat(profile.getDemographics().getAgeBand()).isEqualTo("45-54");
        assertThat(profile.getDemographics().getCity()).isEqualTo("Utrecht");
        assertThat(profile.getDemographics().getCountry()).isEqualTo("NL");
        assertThat(profile.getDemographics().getLoyaltyTier()).isEqualTo("gold");
        assertThat(profile.getDemographics().getAttributes()).containsEntry("store", "centre");
        assertThat(profile.getConsent().getSms()).isTrue();
        assertThat(profile.getIdentity().getEmailHash()).isEqualTo(EmailHasher.withSalt(SALT).hash("ann@example.com"));
        final List<TestRecord<String, byte[]>> published = fixture.driver
            .createOutputTopic(fixture.topics.profileUpdates(), new StringDeserializer(), new ByteArrayDeserializer())
            .readRecordsToList();
        assertThat(published).hasSize(1);
        assertThat(new String(published.get(0).value(), StandardCharsets.ISO_8859_1)).doesNotContain("ann@");
        assertThat(fixture.counter("profilestream.events", "topic", "customer-traits", "outcome", "applied"))
            .isEqualTo(1.0);
    }

    @Test
    void shouldTakeTheCountryFromClicksWhenCrmHasNone() {
        fixture.clicks.pipeInput("a1", click("e1", "a1", ClickType.PAGE_VIEW, at(1)).setCustomerId("c1")
            .setCountry("de").build());
        fixture.traits.pipeInput("c1", traits("c1", at(2)).setCity("Berlin").build());

        assertThat(fixture.profile("c1").getDemographics().getCountry()).isEqualTo("DE");
        assertThat(fixture.profile("c1").getDemographics().getLocationSource()).isEqualTo("clickstream");
    }

    @Test
    void shouldTakeAWithdrawnCustomerOutOfEmailAudiences() {
        fixture.traits.pipeInput("c1", traits("c1", at(1)).setEmailConsent(true).build());
        assertThat(fixture.profile("c1").getEmail().getSubscribed()).isTrue();

        fixture.traits.pipeInput("c1", traits("c1", at(2)).setEmailConsent(false).build());

        assertThat(fixture.profile("c1").getEmail().getSubscribed()).isFalse();
        assertThat(fixture.profile("c1").getConsent().getEmail()).isFalse();
    }

    @Test
    void shouldApplyTheSameTraitsOnce() {
        final CustomerTraits same = traits("c1", at(1)).setCity("Utrecht").build();
        fixture.traits.pipeInput("c1", same);
        fixture.traits.pipeInput("c1", same);

        assertThat(fixture.profile("c1").getIdentity().getVersion()).isEqualTo(1);
        assertThat(fixture.counter("profilestream.events", "topic", "customer-traits", "outcome", "duplicate"))
            .isEqualTo(1.0);
    }

    static Stream<Arguments> invalidTraits() {
        final Map<String, String> tooMany = new HashMap<>();
        for (int i = 0; i < 51; i++) {
            tooMany.put("k" + i, "v");
        }
        return Stream.of(
            Arguments.of("key differs from customerId", "c2", traits("c1", at(1)).build(), "key-mismatch"),
            Arguments.of("blank customer id", " ", traits(" ", at(1)).build(), "missing-field"),
            Arguments.of("birth year before 1900", "c1", traits("c1", at(1)).setBirthYear(1850).build(),
                "invalid-field"),
            Arguments.of("birth year in the future", "c1", traits("c1", at(1)).setBirthYear(2999).build(),
                "invalid-field"),
            Arguments.of("not a country code", "c1", traits("c1", at(1)).setCountry("Netherlands").build(),
                "invalid-field"),
            Arguments.of("not an email address", "c1", traits("c1", at(1)).setEmail("nobody").build(),
                "invalid-field"),
            Arguments.of("too many attributes", "c1", traits("c1", at(1)).setAttributes(tooMany).build(),
                "invalid-field"),
            Arguments.of("overlong city", "c1", traits("c1", at(1)).setCity("x".repeat(300)).build(),
                "invalid-field"),
            Arguments.of("updated in the future", "c1",
                traits("c1", TopologyFixture.WALL_CLOCK.plus(Duration.ofDays(1))).build(), "future-timestamp"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTraits")
    void shouldSendInvalidTraitsToTheDeadLetterQueue(final String description,
                                                     final String key,
                                                     final CustomerTraits invalid,
                                                     final String reason) {
        final byte[] bytes = fixture.serdes.traits().serialize(fixture.topics.customerTraits(), invalid);
        fixture.raw(fixture.topics.customerTraits()).pipeInput(key, bytes);
        fixture.traits.pipeInput("c1", traits("c1", at(2)).setCity("Utrecht").build());

        final TestRecord<String, byte[]> dead = fixture.dlq.readRecord();
        assertThat(dead.value()).isEqualTo(bytes);
        assertThat(new String(dead.headers().lastHeader(DeadLetterQueueHandler.HEADER_REASON).value(),
            StandardCharsets.UTF_8)).isEqualTo(reason);
        assertThat(fixture.profile("c1").getDemographics().getCity()).isEqualTo("Utrecht");
    }
}
