package io.profilestream.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import io.profilestream.internal.IdentityLink;
import io.profilestream.internal.LinkStatus;

class KafkaStreamsIdentityLookupTest {

    private static final String STORE = "identity-links-store";
    private static final HostInfo SELF = new HostInfo("10.0.0.1", 8080);
    private static final HostInfo OTHER = new HostInfo("10.0.0.2", 8080);

    private final FakeStreams streams = new FakeStreams(SELF);
    private final KafkaStreamsIdentityLookup lookup = new KafkaStreamsIdentityLookup(streams, SELF, STORE,
        Duration.ofSeconds(2));

    @Test
    void shouldShowALocalLinkWithoutNamingOtherCustomers() {
        streams.put(STORE, "a1", IdentityLink.newBuilder().setAnonymousId("a1").setStatus(LinkStatus.LINKED)
            .setCustomerId("c2").setLinkedAt(Instant.parse("2026-03-01T10:00:00Z")).setMerged(true)
            .setCustomers(new ArrayList<>(List.of("c1", "c2"))).setEvents(3).build());

        final LookupResult<IdentityView> result = lookup.lookup("a1");

        assertThat(result).isInstanceOf(LookupResult.Found.class);
        final IdentityView view = ((LookupResult.Found<IdentityView>) result).value();
        assertThat(view.customerId()).isEqualTo("c2");
        assertThat(view.profileId()).isEqualTo("c2");
        assertThat(view.linkedAt()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(view.distinctCustomers()).isEqualTo(2);
        assertThat(view.toString()).doesNotContain("c1");
    }

    @Test
    void shouldNeverResolveAQuarantinedId() {
        streams.put(STORE, "bot", IdentityLink.newBuilder().setAnonymousId("bot").setStatus(LinkStatus.QUARANTINED)
            .setCustomerId("c1").setCustomers(new ArrayList<>(List.of("c1"))).setQuarantineReason("too-many-events")
            .build());

        final IdentityView view = ((LookupResult.Found<IdentityView>) lookup.lookup("bot")).value();

        assertThat(view.linked()).isFalse();
        assertThat(view.customerId()).isNull();
        assertThat(view.profileId()).isEqualTo("anon:bot");
    }

    @Test
    void shouldNameTheOwnerOrSayWhyItCannotAnswer() {
        assertThat(lookup.lookup("a1")).isEqualTo(new LookupResult.NotFound<>());
        streams.owner = OTHER;
        assertThat(lookup.lookup("a1")).isEqualTo(new LookupResult.FoundElsewhere<>("10.0.0.2", 8080));
        streams.owner = SELF;
        streams.storeFailure = new InvalidStateStoreException("moving");
        assertThat(lookup.lookup("a1")).isInstanceOf(LookupResult.Unavailable.class);
        streams.state = KafkaStreams.State.PENDING_SHUTDOWN;
        assertThat(lookup.lookup("a1")).isInstanceOf(LookupResult.Unavailable.class);
    }
}
