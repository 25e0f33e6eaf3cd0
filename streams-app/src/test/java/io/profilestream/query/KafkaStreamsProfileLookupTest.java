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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaStreamsProfileLookupTest {

    private static final String STORE = "profiles-store";
    private static final HostInfo SELF = new HostInfo("10.0.0.1", 8080);
    private static final HostInfo OTHER = new HostInfo("10.0.0.2", 8081);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(3);

    private final FakeStreams streams = new FakeStreams(SELF);
    private final KafkaStreamsProfileLookup lookup = new KafkaStreamsProfileLookup(streams, SELF, STORE, RETRY_AFTER);

    @Test
    void shouldReadTheLocalStoreWhenThisInstanceOwnsTheKey() {
        final CustomerProfile profile = profile("c-1");
        streams.owner = SELF;
        streams.put(STORE, "c-1", profile);

        assertThat(lookup.lookup("c-1")).isEqualTo(new LookupResult.Found<>(profile));
        assertThat(streams.queriedStores).containsExactly(STORE + "#0");
    }

    @Test
    void shouldReadOnlyThePartitionOfTheKey() {
        final CustomerProfile profile = profile("c-1");
        streams.partition(STORE).put("c-1", profile("elsewhere"));
        streams.partition(STORE).put("c-1", profile);
        streams.metadata = new KeyQueryMetadata(SELF, Set.of(), 1);

        assertThat(lookup.lookup("c-1")).isEqualTo(new LookupResult.Found<>(profile));
        assertThat(streams.queriedStores).containsExactly(STORE + "#1");
    }

    @Test
    void shouldAnswerNotFoundWhenTheLocalStoreHasNoProfile() {
        streams.owner = SELF;

        assertThat(lookup.lookup("c-1")).isEqualTo(new LookupResult.NotFound<>());
    }

    @Test
    void shouldNameTheOwnerWhenAnotherInstanceOwnsTheKey() {
        streams.owner = OTHER;

        assertThat(lookup.lookup("c-1")).isEqualTo(new LookupResult.FoundElsewhere<>("10.0.0.2", 8081));
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
    void shouldBeUnavailableWhileTheStoreIsRestoringAndItsCopyHasNoProfile() {
        streams.owner = SELF;
        streams.storeFailure = new InvalidStateStoreException("The state store, profiles-store, may have migrated.");

        assertUnavailable(lookup.lookup("c-1"));
        streams.copy(STORE, 0);
        assertUnavailable(lookup.lookup("c-1"));
    }

    @Test
    void shouldServeAStaleProfileFromTheCopyThatRestores() {
        final CustomerProfile profile = profile("c-1");
        streams.metadata = new KeyQueryMetadata(SELF, Set.of(OTHER), 3);
        streams.storeFailure = new InvalidStateStoreException("Restoring.");
        streams.copy(STORE, 3).put("c-1", profile);

        assertThat(lookup.lookup("c-1")).isEqualTo(new LookupResult.Found<>(profile, true));
        assertThat(streams.queriedStores).containsExactly(STORE + "#3", STORE + "#3 (stale)");
    }

    @Test
    void shouldReadTheStandbyCopyOfThisInstanceWhenAskedForAStaleProfile() {
        final CustomerProfile profile = profile("c-1");
        streams.metadata = new KeyQueryMetadata(OTHER, Set.of(SELF), 2);
        streams.copy(STORE, 2).put("c-1", profile);

        assertThat(lookup.lookupStale("c-1")).isEqualTo(new LookupResult.Found<>(profile, true));
        assertUnavailable(lookup.lookupStale("c-2"));
    }

    @Test
    void shouldNameAnInstanceWithAStandbyCopyWhenThisOneHasNone() {
        final HostInfo third = new HostInfo("10.0.0.3", 8082);
        streams.metadata = new KeyQueryMetadata(OTHER, Set.of(third), 2);

        assertThat(lookup.lookupStale("c-1")).isEqualTo(new LookupResult.FoundElsewhere<>("10.0.0.3", 8082));
        streams.metadata = new KeyQueryMetadata(OTHER, Set.of(), 2);
        assertUnavailable(lookup.lookupStale("c-1"));
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

    private static void assertUnavailable(final LookupResult<CustomerProfile> result) {
        assertThat(result).isInstanceOf(LookupResult.Unavailable.class);
        final LookupResult.Unavailable<CustomerProfile> unavailable = (LookupResult.Unavailable<CustomerProfile>)
            result;
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
}
