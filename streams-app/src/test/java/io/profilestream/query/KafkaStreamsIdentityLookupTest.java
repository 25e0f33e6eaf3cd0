package io.profilestream.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;

import io.profilestream.internal.IdentityLink;
import io.profilestream.internal.LinkStatus;

class KafkaStreamsIdentityLookupTest {

    private static final HostInfo SELF = new HostInfo("10.0.0.1", 8080);
    private static final HostInfo OTHER = new HostInfo("10.0.0.2", 8080);

    private KafkaStreams.State state = KafkaStreams.State.RUNNING;
    private HostInfo owner = SELF;
    private IdentityLink stored;
    private boolean storeMoving;

    private final KafkaStreamsIdentityLookup lookup = new KafkaStreamsIdentityLookup(new KafkaStreamsIdentityLookup
        .Links() {
        @Override
        public KafkaStreams.State state() {
            return state;
        }

        @Override
        public KeyQueryMetadata queryMetadataForKey(final String storeName, final String key) {
            return new KeyQueryMetadata(owner, Set.of(), 0);
        }

        @Override
        public ReadOnlyKeyValueStore<String, IdentityLink> store(final String storeName) {
            if (storeMoving) {
                throw new InvalidStateStoreException("moving");
            }
            return new SingleLink();
        }
    }, SELF, "identity-links-store", Duration.ofSeconds(2));

    @Test
    void shouldShowALocalLinkWithoutNamingOtherCustomers() {
        stored = IdentityLink.newBuilder().setAnonymousId("a1").setStatus(LinkStatus.LINKED).setCustomerId("c2")
            .setLinkedAt(Instant.parse("2026-03-01T10:00:00Z")).setMerged(true)
            .setCustomers(new ArrayList<>(List.of("c1", "c2"))).setEvents(3).build();

        final IdentityLookupResult result = lookup.lookup("a1");

        assertThat(result).isInstanceOf(IdentityLookupResult.Found.class);
        final IdentityView view = ((IdentityLookupResult.Found) result).identity();
        assertThat(view.customerId()).isEqualTo("c2");
        assertThat(view.profileId()).isEqualTo("c2");
        assertThat(view.linkedAt()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(view.distinctCustomers()).isEqualTo(2);
        assertThat(view.toString()).doesNotContain("c1");
    }

    @Test
    void shouldNeverResolveAQuarantinedId() {
        stored = IdentityLink.newBuilder().setAnonymousId("bot").setStatus(LinkStatus.QUARANTINED).setCustomerId("c1")
            .setCustomers(new ArrayList<>(List.of("c1"))).setQuarantineReason("too-many-events").build();

        final IdentityView view = ((IdentityLookupResult.Found) lookup.lookup("bot")).identity();

        assertThat(view.linked()).isFalse();
        assertThat(view.customerId()).isNull();
        assertThat(view.profileId()).isEqualTo("anon:bot");
    }

    @Test
    void shouldNameTheOwnerOrSayWhyItCannotAnswer() {
        assertThat(lookup.lookup("a1")).isEqualTo(new IdentityLookupResult.NotFound());
        owner = OTHER;
        assertThat(lookup.lookup("a1")).isEqualTo(new IdentityLookupResult.FoundElsewhere("10.0.0.2", 8080));
        owner = SELF;
        storeMoving = true;
        assertThat(lookup.lookup("a1")).isInstanceOf(IdentityLookupResult.Unavailable.class);
        state = KafkaStreams.State.PENDING_SHUTDOWN;
        assertThat(lookup.lookup("a1")).isInstanceOf(IdentityLookupResult.Unavailable.class);
    }

    private final class SingleLink implements ReadOnlyKeyValueStore<String, IdentityLink> {

        @Override
        public IdentityLink get(final String key) {
            return stored != null && stored.getAnonymousId().equals(key) ? stored : null;
        }

        @Override
        public KeyValueIterator<String, IdentityLink> range(final String from, final String to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public KeyValueIterator<String, IdentityLink> all() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long approximateNumEntries() {
            return stored == null ? 0 : 1;
        }
    }
}
