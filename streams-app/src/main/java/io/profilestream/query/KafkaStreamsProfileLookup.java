package io.profilestream.query;

import io.profilestream.profile.CustomerProfile;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Looks up profiles in a Kafka Streams key-value store through interactive queries.
 * Kafka Streams metadata says which instance owns the key: this one reads its local store, others are named by their
 * {@code application.server} so the caller can forward.
 * While the client is starting, rebalancing or restoring, the answer is {@link LookupResult.Unavailable} with a retry
 * hint; the lookup never waits for state to become queryable.
 */
public class KafkaStreamsProfileLookup implements ProfileLookup {

    /**
     * How long callers are asked to wait when state is not queryable, unless told otherwise.
     */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(KafkaStreamsProfileLookup.class);

    private final QueryableStreams streams;
    private final HostInfo self;
    private final String storeName;
    private final Duration retryAfter;

    /**
     * Creates a lookup with the default retry hint.
     *
     * @param streams the Kafka Streams client that hosts the store; it may not have started yet
     * @param self this instance's {@code application.server}
     * @param storeName the key-value store of profiles, keyed by profile id
     */
    public KafkaStreamsProfileLookup(
        final KafkaStreams streams,
        final HostInfo self,
        final String storeName
    ) {
        this(streams, self, storeName, DEFAULT_RETRY_AFTER);
    }

    /**
     * Creates a lookup.
     *
     * @param streams the Kafka Streams client that hosts the store; it may not have started yet
     * @param self this instance's {@code application.server}
     * @param storeName the key-value store of profiles, keyed by profile id
     * @param retryAfter how long callers are asked to wait when state is not queryable
     */
    public KafkaStreamsProfileLookup(
        final KafkaStreams streams,
        final HostInfo self,
        final String storeName,
        final Duration retryAfter
    ) {
        this(QueryableStreams.of(Objects.requireNonNull(streams, "streams")), self, storeName, retryAfter);
    }

    KafkaStreamsProfileLookup(
        final QueryableStreams streams,
        final HostInfo self,
        final String storeName,
        final Duration retryAfter
    ) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.self = Objects.requireNonNull(self, "self");
        this.storeName = Objects.requireNonNull(storeName, "storeName");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    @Override
    public LookupResult lookup(final String profileId) {
        Objects.requireNonNull(profileId, "profileId");
        final KafkaStreams.State state = streams.state();
        if (!isQueryable(state)) {
            return unavailable("Kafka Streams is " + state + "; profiles cannot be read yet.");
        }
        final KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(storeName, profileId);
        } catch (final InvalidStateStoreException | IllegalStateException e) {
            log.debug("Metadata for store {} is not available ({}).", storeName, e.getMessage());
            return unavailable("The owner of this profile is not known yet; partitions are being assigned.");
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            return unavailable("The owner of this profile is not known yet; partitions are being assigned.");
        }
        final HostInfo owner = metadata.activeHost();
        if (!self.equals(owner)) {
            return new LookupResult.FoundElsewhere(owner.host(), owner.port());
        }
        return readLocally(profileId);
    }

    @Override
    public Optional<List<InstanceInfo>> instances() {
        final KafkaStreams.State state = streams.state();
        if (!isQueryable(state)) {
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

    private LookupResult readLocally(final String profileId) {
        final CustomerProfile profile;
        try {
            profile = streams.store(storeName).get(profileId);
        } catch (final InvalidStateStoreException e) {
            log.debug("Store {} is not queryable ({}).", storeName, e.getMessage());
            return unavailable("Profiles on this instance are being restored or moved; try again shortly.");
        }
        return profile == null ? new LookupResult.NotFound() : new LookupResult.Found(profile);
    }

    private LookupResult unavailable(final String reason) {
        return new LookupResult.Unavailable(retryAfter, reason);
    }

    private static boolean isQueryable(final KafkaStreams.State state) {
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    }
}
