package io.profilestream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import io.profilestream.domain.ProfileAggregator;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.Device;
import io.profilestream.internal.MergeRequest;
import io.profilestream.internal.ProfileMerge;
import io.profilestream.registry.CompatibilityLevel;
import io.profilestream.registry.InMemorySchemaRegistryClient;

class ProfileEventSerdeTest {

    private static final String TOPIC = "app-profile-events-repartition";
    private static final Instant TIME = Instant.parse("2026-03-01T10:00:00Z");

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final RegistryAvroSerde<SpecificRecord> serde =
        new RegistryAvroSerde<>(registry, EngineSerdes.PROFILE_EVENT_SCHEMA, Integer.MAX_VALUE);

    @Test
    void shouldRoundTripEveryKindOfProfileEvent() {
        final ProfileMerge merge = ProfileMerge.newBuilder()
            .setAnonymousId("a1")
            .setCustomerId("c1")
            .setCauseEventId("e1")
            .setEventTime(TIME)
            .setRequestedAt(TIME)
            .setProfile(ProfileAggregator.newProfile("anon:a1"))
            .build();
        final MergeRequest request = MergeRequest.newBuilder()
            .setAnonymousId("a1")
            .setCustomerId("c1")
            .setCauseEventId("e1")
            .setEventTime(TIME)
            .setRequestedAt(TIME)
            .build();

        for (final SpecificRecord event : List.of(click(), request, merge)) {
            assertThat(serde.deserialize(serde.serialize(TOPIC, event))).isEqualTo(event);
        }
    }

    @Test
    void shouldReadTheClicksTheTopicCarriedBeforeIdentityResolution() {
        final RegistryAvroSerde<ClickEvent> before = new RegistryAvroSerde<>(registry, ClickEvent.class, 1 << 20);
        final byte[] inFlight = before.serialize(TOPIC, click());

        assertThat(serde.deserialize(inFlight)).isEqualTo(click());
        assertThat(CompatibilityLevel.BACKWARD.check(EngineSerdes.PROFILE_EVENT_SCHEMA,
            List.of(ClickEvent.getClassSchema()))).isEmpty();
    }

    private static ClickEvent click() {
        return ClickEvent.newBuilder()
            .setEventId("e1")
            .setAnonymousId("a1")
            .setCustomerId("c1")
            .setSessionId("s1")
            .setType(ClickType.LOGIN)
            .setTimestamp(TIME)
            .setChannel("organic")
            .setDevice(Device.APP)
            .build();
    }
}
