package io.profilestream.query;

import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up one key of a key-value store through interactive queries, wherever the key lives.
 * Kafka Streams metadata says which instance owns the key: this one reads its local store, others are named by their
 * {@code application.server} so the caller can forward.
 * While the client is starting or rebalancing, the answer is {@link LookupResult.Unavailable} with a retry hint; the
 * lookup never waits for state to become queryable.
 * While this instance's active copy restores, a value found in it is answered as stale; {@link #lookupStale} reads
 * standby replicas when the active copy cannot answer.
 * Reasons name what the store holds, never the key.
 *
 * @param <V> the type of the store's values
 */
final class StoreLookup<V> {

    private static final Logger LOG = LoggerFactory.getLogger(StoreLookup.class);

    private final QueryableStreams streams;
    private final HostInfo self;
    private final String storeName;
    private final Class<V> valueType;
    private final String one;
    private final String many;
    private final Duration retryAfter;

    /**
     * Creates a lookup.
     *
     * @param streams the Kafka Streams client that hosts the store; it may not have started yet
     * @param self this instance's {@code application.server}
     * @param storeName the key-value store
     * @param valueType the type of the store's values
     * @param one what one value is called in reasons, for example {@code profile}
     * @param many what several values are called in reasons, for example {@code profiles}
     * @param retryAfter how long callers are asked to wait when state is not queryable
     */
    StoreLookup(final QueryableStreams streams,
                final HostInfo self,
                final String storeName,
                final Class<V> valueType,
                final String one,
                final String many,
                final Duration retryAfter) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.self = Objects.requireNonNull(self, "self");
        this.storeName = Objects.requireNonNull(storeName, "storeName");
        this.valueType = Objects.requireNonNull(valueType, "valueType");
        this.one = Objects.requireNonNull(one, "one");
        this.many = Objects.requireNonNull(many, "many");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    LookupResult<V> lookup(final String key) {
        final KafkaStreams.State state = streams.state();
        if (!QueryableStreams.isQueryable(state)) {
            return unavailable("Kafka Streams is " + state + "; " + many + " cannot be read yet.");
        }
        final KeyQueryMetadata metadata = metadata(key);
        if (metadata == null) {
            return ownerUnknown();
        }
        final HostInfo owner = metadata.activeHost();
        if (!self.equals(owner)) {
            return new LookupResult.FoundElsewhere<>(owner.host(), owner.port());
        }
        final V value;
        try {
            value = streams.store(storeName, valueType, metadata.partition()).get(key);
        } catch (final InvalidStateStoreException e) {
            LOG.debug("Store {} is not queryable ({}); trying this instance's copy.", storeName, e.getMessage());
            return readCopy(key, metadata.partition());
        }
        return value == null ? new LookupResult.NotFound<>() : new LookupResult.Found<>(value);
    }

    /**
     * Looks a key up in a copy that may lag: this instance's own (a standby replica or an active task that restores),
     * or else names an instance that keeps a standby replica of the key's partition.
     * Used when the active copy cannot answer; only a value found is an answer, since a copy that lags may not have
     * the key yet.
     */
    LookupResult<V> lookupStale(final String key) {
        final KafkaStreams.State state = streams.state();
        if (!QueryableStreams.isQueryable(state)) {
            return unavailable("Kafka Streams is " + state + "; " + many + " cannot be read yet.");
        }
        final KeyQueryMetadata metadata = metadata(key);
        if (metadata == null) {
            return ownerUnknown();
        }
        if (self.equals(metadata.activeHost()) || metadata.standbyHosts().contains(self)) {
            return readCopy(key, metadata.partition());
        }
        return metadata.standbyHosts().stream()
            .sorted(Comparator.comparing(HostInfo::host).thenComparingInt(HostInfo::port))
            .findFirst()
            .<LookupResult<V>>map(standby -> new LookupResult.FoundElsewhere<>(standby.host(), standby.port()))
            .orElseGet(() -> unavailable("No instance keeps a copy of this " + one + " that can be read now; try "
                + "again shortly."));
    }

    /** Where the key's partition lives, or null while that is not known. */
    private KeyQueryMetadata metadata(final String key) {
        Objects.requireNonNull(key, "key");
        final KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(storeName, key);
        } catch (final InvalidStateStoreException | IllegalStateException e) {
            LOG.debug("Metadata for store {} is not available ({}).", storeName, e.getMessage());
            return null;
        }
        return KeyQueryMetadata.NOT_AVAILABLE.equals(metadata) ? null : metadata;
    }

    private LookupResult<V> readCopy(final String key, final int partition) {
        final V value = copyValue(key, partition);
        if (value == null) {
            return unavailable(many.substring(0, 1).toUpperCase(Locale.ROOT) + many.substring(1)
                + " on this instance are being restored or moved; try again shortly.");
        }
        return new LookupResult.Found<>(value, true);
    }

    private V copyValue(final String key, final int partition) {
        try {
            return streams.staleStore(storeName, valueType, partition).get(key);
        } catch (final InvalidStateStoreException e) {
            LOG.debug("No copy of store {} can be read on this instance ({}).", storeName, e.getMessage());
            return null;
        }
    }

    private LookupResult<V> ownerUnknown() {
        return unavailable("The owner of this " + one + " is not known yet; partitions are being assigned.");
    }

    private LookupResult<V> unavailable(final String reason) {
        return new LookupResult.Unavailable<>(retryAfter, reason);
    }
}
