package io.profilestream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.CustomEvent;
import io.profilestream.events.Device;
import io.profilestream.internal.IdentityCommand;
import io.profilestream.internal.IdentityCommandType;
import io.profilestream.registry.CompatibilityLevel;
import io.profilestream.registry.InMemorySchemaRegistryClient;

class IdentityInboxSerdeTest {

    private static final String TOPIC = "app-identity-commands";
    private static final Instant TIME = Instant.parse("2026-03-01T10:00:00Z");

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final RegistryAvroSerde<SpecificRecord> serde =
        new RegistryAvroSerde<>(registry, EngineSerdes.IDENTITY_INBOX_SCHEMA, Integer.MAX_VALUE);

    @Test
    void shouldRoundTripEveryKindOfInboxRecord() {
        final ClickEvent click = ClickEvent.newBuilder()
            .setEventId("e1")
            .setAnonymousId("a1")
            .setSessionId("s1")
            .setType(ClickType.PAGE_VIEW)
            .setTimestamp(TIME)
            .setChannel("organic")
            .setDevice(Device.DESKTOP)
            .build();
        final CustomEvent custom = CustomEvent.newBuilder()
            .setEventId("t1")
            .setAnonymousId("a1")
            .setName("ticket_opened")
            .setTimestamp(TIME)
            .build();

        for (final SpecificRecord record : List.of(command(), click, custom)) {
            assertThat(serde.deserialize(serde.serialize(TOPIC, record))).isEqualTo(record);
        }
    }

    @Test
    void shouldReadTheCommandsTheTopicCarriedBeforeItWasTheInbox() {
        final RegistryAvroSerde<IdentityCommand> before = new RegistryAvroSerde<>(registry, IdentityCommand.class,
            Integer.MAX_VALUE);

        assertThat(serde.deserialize(before.serialize(TOPIC, command()))).isEqualTo(command());
        assertThat(CompatibilityLevel.BACKWARD.check(EngineSerdes.IDENTITY_INBOX_SCHEMA,
            List.of(IdentityCommand.getClassSchema()))).isEmpty();
    }

    private static IdentityCommand command() {
        return IdentityCommand.newBuilder()
            .setAction(IdentityCommandType.UNLINK)
            .setAnonymousId("a1")
            .setCustomerId("c1")
            .setCauseEventId("erase-c1")
            .setEventTime(TIME)
            .build();
    }
}
