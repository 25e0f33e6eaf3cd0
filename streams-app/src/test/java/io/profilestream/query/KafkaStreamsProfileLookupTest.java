package io.profilestream.query;

import io.profilestream.profile.Behaviour;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.EmailEngagement;
import io.profilestream.profile.Identity;
import io.profilestream.profile.Scores;
import io.profilestream.profile.Transactions;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaStreamsProfileLookupTest {

    private static final String STORE = "profiles-store";
    private static final HostInfo SELF = new HostInfo("10.0.0.1", 8080);
    private static final HostInfo OTHER = new HostInfo("10.0.0.2", 8081);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(3);

    private final FakeStreams streams = new FakeStreams();
    private final KafkaStreamsProfileLookup lookup = new KafkaStreamsProfileLookup(streams, SELF, STORE, RETRY_AFTER);

    @Test
    void shouldReadTheLocalStoreWhenThisInstanceOwnsTheKey() {
        final CustomerProfile profile = profile("c-1");
        streams.owner = SELF;
        streams.profiles.put("c-1", profile);

        assertThat(lookup.lookup("c-1")).isEqualTo(new LookupResult.Found(profile));
        assertThat(streams.queriedStores).containsExactly(STORE);
    }

    @Test
    void shouldAnswerNotFoundWhenTheLocalStoreHasNoProfile() {
        streams.owner = SELF;

        assertThat(lookup.lookup("c-1")).isEqualTo(new LookupResult.NotFound());
    }

    @Test
    void shouldNameTheOwnerWhenAnotherInstanceOwnsTheKey() {
        streams.owner = OTHER;

        assertThat(lookup.lookup("c-1")).isEqualTo(new LookupResult.FoundElsewhere("10.0.0.2", 8081));
        assertThat(streams.queriedStores).isEmpty();
    }

    @Test
    void shouldBeUnavailableWhileMetadataIsNotAvailable() {
        streams.metadata = KeyQueryMetadata.NOT_AVAILABLE;

        assertUnavailable(lookup.lookup("c-1"));
        assertThat(streams.queriedStores).isEmpty();
    }

    @Test
    void shouldBeUnavailableWhenTheMetadataQueryFails() {
        streams.metadataFailure = new IllegalStateException("KafkaStreams is not running. State is PENDING_SHUTDOWN.");

        assertUnavailable(lookup.lookup("c-1"));
    }

    @Test
    void shouldBeUnavailableWhileTheStoreIsRestoring() {
        streams.owner = SELF;
        streams.storeFailure = new InvalidStateStoreException("The state store, profiles-store, may have migrated.");

        assertUnavailable(lookup.lookup("c-1"));
    }

    @ParameterizedTest
    @EnumSource(value = KafkaStreams.State.class, names = {"RUNNING", "REBALANCING"}, mode = EnumSource.Mode.EXCLUDE)
    void shouldBeUnavailableWithoutAskingStreamsUnlessRunningOrRebalancing(final KafkaStreams.State state) {
        streams.state = state;
        streams.owner = SELF;

        assertUnavailable(lookup.lookup("c-1"));
        assertThat(streams.metadataQueries).isZero();
        assertThat(streams.queriedStores).isEmpty();
    }

    @Test
    void shouldAnswerWhileRebalancing() {
        streams.state = KafkaStreams.State.REBALANCING;
        streams.owner = OTHER;

        assertThat(lookup.lookup("c-1")).isInstanceOf(LookupResult.FoundElsewhere.class);
    }

    @Test
    void shouldListInstancesSortedByHostAndPort() {
        streams.clients.add(client(OTHER, Set.of(), Set.of()));
        streams.clients.add(client(SELF,
            Set.of(STORE, "identity-links-store"),
            Set.of(new TopicPartition("profile-events", 1), new TopicPartition("profile-events", 0))));

        final List<InstanceInfo> instances = lookup.instances().orElseThrow();

        assertThat(instances).extracting(InstanceInfo::port).containsExactly(8080, 8081);
        assertThat(instances.get(0).stores()).containsExactly("identity-links-store", STORE);
        assertThat(instances.get(0).topicPartitions()).containsExactly("profile-events-0", "profile-events-1");
        assertThat(instances.get(0).standbyStores()).containsExactly(STORE);
    }

    @Test
    void shouldRefuseToListInstancesBeforeStreamsRuns() {
        streams.state = KafkaStreams.State.CREATED;

        assertThatThrownBy(lookup::instances)
            .isInstanceOf(QueryUnavailableException.class)
            .satisfies(e -> assertThat(((QueryUnavailableException) e).retryAfter()).isEqualTo(RETRY_AFTER));
    }

    private static void assertUnavailable(final LookupResult result) {
        assertThat(result).isInstanceOf(LookupResult.Unavailable.class);
        final LookupResult.Unavailable unavailable = (LookupResult.Unavailable) result;
        assertThat(unavailable.retryAfter()).isEqualTo(RETRY_AFTER);
        assertThat(unavailable.reason()).isNotBlank().doesNotContain("c-1");
    }

    private static CustomerProfile profile(final String id) {
        return CustomerProfile.newBuilder()
            .setProfileId(id)
            .setIdentity(Identity.newBuilder().build())
            .setBehaviour(Behaviour.newBuilder().build())
            .setTransactions(Transactions.newBuilder().build())
            .setEmail(EmailEngagement.newBuilder().build())
            .setScores(Scores.newBuilder().build())
            .build();
    }

    private static StreamsMetadata client(
        final HostInfo host,
        final Set<String> stores,
        final Set<TopicPartition> partitions
    ) {
        return new StreamsMetadata() {
            @Override
            public HostInfo hostInfo() {
                return host;
            }

            @Override
            public Set<String> stateStoreNames() {
                return stores;
            }

            @Override
            public Set<TopicPartition> topicPartitions() {
                return partitions;
            }

            @Override
            public Set<TopicPartition> standbyTopicPartitions() {
                return Set.of();
            }

            @Override
            public Set<String> standbyStateStoreNames() {
                return Set.of(STORE);
            }

            @Override
            public String host() {
                return host.host();
            }

            @Override
            public int port() {
                return host.port();
            }
        };
    }

    /**
     * Kafka Streams as far as interactive queries see it, answering what the test set.
     */
    private static final class FakeStreams implements QueryableStreams {

        private final Map<String, CustomerProfile> profiles = new HashMap<>();
        private final List<String> queriedStores = new ArrayList<>();
        private final List<StreamsMetadata> clients = new ArrayList<>();
        private KafkaStreams.State state = KafkaStreams.State.RUNNING;
        private HostInfo owner = SELF;
        private KeyQueryMetadata metadata;
        private RuntimeException metadataFailure;
        private RuntimeException storeFailure;
        private int metadataQueries;

        @Override
        public KafkaStreams.State state() {
            return state;
        }

        @Override
        public KeyQueryMetadata queryMetadataForKey(final String storeName, final String key) {
            metadataQueries++;
            if (metadataFailure != null) {
                throw metadataFailure;
            }
            return metadata != null ? metadata : new KeyQueryMetadata(owner, Set.of(), 0);
        }

        @Override
        public ReadOnlyKeyValueStore<String, CustomerProfile> store(final String storeName) {
            queriedStores.add(storeName);
            if (storeFailure != null) {
                throw storeFailure;
            }
            return new ReadOnlyKeyValueStore<>() {
                @Override
                public CustomerProfile get(final String key) {
                    return profiles.get(key);
                }

                @Override
                public KeyValueIterator<String, CustomerProfile> range(final String from, final String to) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public KeyValueIterator<String, CustomerProfile> all() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public long approximateNumEntries() {
                    return profiles.size();
                }
            };
        }

        @Override
        public Collection<StreamsMetadata> metadataForAllStreamsClients() {
            return clients;
        }
    }
}
