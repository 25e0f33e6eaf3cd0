package io.profilestream.query;

import java.time.Duration;
import java.util.Objects;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.internal.IdentityLink;

/**
 * Looks up identity links in the identity resolver's key-value store, keyed by anonymous id, through interactive
 * queries: this instance reads its local store, others are named by their {@code application.server}.
 * The store lives on the resolver's partitions (those of {@code clickstream-events}), not on the profile's, so a
 * profile lookup by anonymous id needs this lookup first.
 */
public final class KafkaStreamsIdentityLookup implements IdentityLookup {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaStreamsIdentityLookup.class);

    private final Links streams;
    private final HostInfo self;
    private final String storeName;
    private final Duration retryAfter;

    /**
     * Creates a lookup.
     *
     * @param streams the Kafka Streams client that hosts the store; it may not have started yet
     * @param self this instance's {@code application.server}
     * @param storeName the identity links store
     */
    public KafkaStreamsIdentityLookup(final KafkaStreams streams, final HostInfo self, final String storeName) {
        this(Links.of(Objects.requireNonNull(streams, "streams")), self, storeName,
            KafkaStreamsProfileLookup.DEFAULT_RETRY_AFTER);
    }

    KafkaStreamsIdentityLookup(final Links streams,
                               final HostInfo self,
                               final String storeName,
                               final Duration retryAfter) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.self = Objects.requireNonNull(self, "self");
        this.storeName = Objects.requireNonNull(storeName, "storeName");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    @Override
    public IdentityLookupResult lookup(final String anonymousId) {
        Objects.requireNonNull(anonymousId, "anonymousId");
        final KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            return unavailable("Kafka Streams is " + state + "; identities cannot be read yet.");
        }
        final KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(storeName, anonymousId);
        } catch (final InvalidStateStoreException | IllegalStateException e) {
            LOG.debug("Metadata for store {} is not available ({}).", storeName, e.getMessage());
            return unavailable("The owner of this identity is not known yet; partitions are being assigned.");
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            return unavailable("The owner of this identity is not known yet; partitions are being assigned.");
        }
        final HostInfo owner = metadata.activeHost();
        if (!self.equals(owner)) {
            return new IdentityLookupResult.FoundElsewhere(owner.host(), owner.port());
        }
        final IdentityLink link;
        try {
            link = streams.store(storeName).get(anonymousId);
        } catch (final InvalidStateStoreException e) {
            LOG.debug("Store {} is not queryable ({}).", storeName, e.getMessage());
            return unavailable("Identities on this instance are being restored or moved; try again shortly.");
        }
        return link == null
            ? new IdentityLookupResult.NotFound()
            : new IdentityLookupResult.Found(IdentityView.of(link));
    }

    private IdentityLookupResult unavailable(final String reason) {
        return new IdentityLookupResult.Unavailable(retryAfter, reason);
    }

    /**
     * The part of {@link KafkaStreams} this lookup uses, so its decisions can be tested without a broker.
     */
    interface Links {

        KafkaStreams.State state();

        KeyQueryMetadata queryMetadataForKey(String storeName, String key);

        ReadOnlyKeyValueStore<String, IdentityLink> store(String storeName);

        static Links of(final KafkaStreams streams) {
            final Serializer<String> keySerializer = Serdes.String().serializer();
            return new Links() {
                @Override
                public KafkaStreams.State state() {
                    return streams.state();
                }

                @Override
                public KeyQueryMetadata queryMetadataForKey(final String storeName, final String key) {
                    return streams.queryMetadataForKey(storeName, key, keySerializer);
                }

                @Override
                public ReadOnlyKeyValueStore<String, IdentityLink> store(final String storeName) {
                    return streams.store(StoreQueryParameters.fromNameAndType(storeName,
                        QueryableStoreTypes.<String, IdentityLink>keyValueStore()));
                }
            };
        }
    }
}
