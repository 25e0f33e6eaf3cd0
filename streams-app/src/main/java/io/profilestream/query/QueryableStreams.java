package io.profilestream.query;

import java.time.Duration;
import java.util.Collection;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The part of {@link KafkaStreams} that interactive queries use, so their decisions can be tested without a broker.
 * Every store queried is a key-value store keyed by string; the value type is named by the caller.
 */
interface QueryableStreams {

    /**
     * How long callers are asked to wait when state is not queryable, unless told otherwise.
     */
    Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    KafkaStreams.State state();

    KeyQueryMetadata queryMetadataForKey(String storeName, String key);

    <V> ReadOnlyKeyValueStore<String, V> store(String storeName, Class<V> valueType);

    /**
     * One partition of a store, active on this instance: the only copy a key of that partition can be in, so a
     * lookup reads one store instead of trying each of this instance's tasks in turn.
     */
    <V> ReadOnlyKeyValueStore<String, V> store(String storeName, Class<V> valueType, int partition);

    Collection<StreamsMetadata> metadataForAllStreamsClients();

    /**
     * One partition of a store as this instance holds it, active or standby, restored or not: a stale read.
     */
    <V> ReadOnlyKeyValueStore<String, V> staleStore(String storeName, Class<V> valueType, int partition);

    /**
     * Whether state can be queried in this state: running, or rebalancing with its stores still open.
     */
    static boolean isQueryable(final KafkaStreams.State state) {
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    }

    static QueryableStreams of(final KafkaStreams streams) {
        final Serializer<String> keySerializer = Serdes.String().serializer();
        return new QueryableStreams() {
            @Override
            public KafkaStreams.State state() {
                return streams.state();
            }

            @Override
            public KeyQueryMetadata queryMetadataForKey(final String storeName, final String key) {
                return streams.queryMetadataForKey(storeName, key, keySerializer);
            }

            @Override
            public <V> ReadOnlyKeyValueStore<String, V> store(final String storeName, final Class<V> valueType) {
                return streams.store(StoreQueryParameters.fromNameAndType(
                    storeName,
                    QueryableStoreTypes.<String, V>keyValueStore()));
            }

            @Override
            public <V> ReadOnlyKeyValueStore<String, V> store(final String storeName,
                                                               final Class<V> valueType,
                                                               final int partition) {
                return streams.store(QueryableStreams.<V>partition(storeName, partition));
            }

            @Override
            public <V> ReadOnlyKeyValueStore<String, V> staleStore(final String storeName,
                                                                    final Class<V> valueType,
                                                                    final int partition) {
                return streams.store(QueryableStreams.<V>partition(storeName, partition).enableStaleStores());
            }

            @Override
            public Collection<StreamsMetadata> metadataForAllStreamsClients() {
                return streams.metadataForAllStreamsClients();
            }
        };
    }

    private static <V> StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> partition(final String storeName,
                                                                                         final int partition) {
        return StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<String, V>keyValueStore())
            .withPartition(partition);
    }
}
