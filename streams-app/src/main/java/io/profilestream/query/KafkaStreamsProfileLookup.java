package io.profilestream.query;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;

import io.profilestream.profile.CustomerProfile;

/**
 * Looks up profiles in a Kafka Streams key-value store through interactive queries (see {@link StoreLookup}) and
 * describes every instance of the application from Kafka Streams metadata.
 */
public final class KafkaStreamsProfileLookup implements ProfileLookup {

    private final QueryableStreams streams;
    private final StoreLookup<CustomerProfile> profiles;
    private final Duration retryAfter;

    /**
     * Creates a lookup with the default retry hint.
     *
     * @param streams the Kafka Streams client that hosts the store; it may not have started yet
     * @param self this instance's {@code application.server}
     * @param storeName the key-value store of profiles, keyed by profile id
     */
    public KafkaStreamsProfileLookup(final KafkaStreams streams, final HostInfo self, final String storeName) {
        this(QueryableStreams.of(Objects.requireNonNull(streams, "streams")),
            self,
            storeName,
            QueryableStreams.DEFAULT_RETRY_AFTER);
    }

    KafkaStreamsProfileLookup(final QueryableStreams streams,
                              final HostInfo self,
                              final String storeName,
                              final Duration retryAfter) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.profiles = new StoreLookup<>(streams, self, storeName, CustomerProfile.class, "profile", "profiles",
            retryAfter);
        this.retryAfter = retryAfter;
    }

    @Override
    public LookupResult<CustomerProfile> lookup(final String profileId) {
        return profiles.lookup(profileId);
    }

    @Override
    public LookupResult<CustomerProfile> lookupStale(final String profileId) {
        return profiles.lookupStale(profileId);
    }

    @Override
    public Optional<List<InstanceInfo>> instances() {
        final KafkaStreams.State state = streams.state();
        if (!QueryableStreams.isQueryable(state)) {
            throw new QueryUnavailableException(
                "Kafka Streams is " + state + "; instance metadata is not known yet.",
                retryAfter);
        }
        try {
            return Optional.of(streams.metadataForAllStreamsClients().stream()
                .map(InstanceInfo::from)
                .sorted(Comparator.comparing(InstanceInfo::host).thenComparingInt(InstanceInfo::port))
                .collect(Collectors.toUnmodifiableList()));
        } catch (final InvalidStateStoreException | IllegalStateException e) {
            throw new QueryUnavailableException("Instance metadata is not known yet.", retryAfter);
        }
    }
}
