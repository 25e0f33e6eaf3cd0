package io.profilestream.query;

import java.time.Duration;
import java.util.Objects;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

import io.profilestream.internal.IdentityLink;

/**
 * Looks up identity links in the identity resolver's key-value store, keyed by anonymous id, through interactive
 * queries (see {@link StoreLookup}): this instance reads its local store, others are named by their
 * {@code application.server}.
 * The store lives on the resolver's partitions (those of {@code clickstream-events}), not on the profile's, so a
 * profile lookup by anonymous id needs this lookup first.
 */
public final class KafkaStreamsIdentityLookup implements IdentityLookup {

    private final StoreLookup<IdentityLink> links;

    /**
     * Creates a lookup.
     *
     * @param streams the Kafka Streams client that hosts the store; it may not have started yet
     * @param self this instance's {@code application.server}
     * @param storeName the identity links store
     */
    public KafkaStreamsIdentityLookup(final KafkaStreams streams, final HostInfo self, final String storeName) {
        this(QueryableStreams.of(Objects.requireNonNull(streams, "streams")),
            self,
            storeName,
            QueryableStreams.DEFAULT_RETRY_AFTER);
    }

    KafkaStreamsIdentityLookup(final QueryableStreams streams,
                               final HostInfo self,
                               final String storeName,
                               final Duration retryAfter) {
        this.links = new StoreLookup<>(streams, self, storeName, IdentityLink.class, "identity", "identities",
            retryAfter);
    }

    @Override
    public LookupResult<IdentityView> lookup(final String anonymousId) {
        return links.lookup(anonymousId).map(IdentityView::of);
    }
}
