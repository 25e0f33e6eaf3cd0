package io.profilestream.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Kafka Streams as far as interactive queries see it, answering what the test set.
 * A store is a list of partitions, each sorted on its own and read one after another, like a store that spans
 * several tasks.
 */
final class FakeStreams implements QueryableStreams {

    final List<String> queriedStores = new ArrayList<>();
    final List<StreamsMetadata> clients = new ArrayList<>();
    KafkaStreams.State state = KafkaStreams.State.RUNNING;
    HostInfo owner;
    KeyQueryMetadata metadata;
    RuntimeException metadataFailure;
    RuntimeException storeFailure;
    int metadataQueries;

    private final Map<String, List<NavigableMap<String, Object>>> stores = new HashMap<>();
    private final Map<String, NavigableMap<String, Object>> copies = new HashMap<>();

    FakeStreams(final HostInfo owner) {
        this.owner = owner;
    }

    /**
     * Adds a partition to a store; the test fills it.
     */
    NavigableMap<String, Object> partition(final String storeName) {
        final NavigableMap<String, Object> partition = new TreeMap<>();
        stores.computeIfAbsent(storeName, name -> new ArrayList<>()).add(partition);
        return partition;
    }

    /**
     * Adds this instance's copy of one partition of a store (a standby replica, or an active copy that restores),
     * read only by stale queries; the test fills it.
     */
    NavigableMap<String, Object> copy(final String storeName, final int partition) {
        return copies.computeIfAbsent(storeName + "#" + partition, key -> new TreeMap<>());
    }

    /**
     * Puts a value in the store's first partition.
     */
    FakeStreams put(final String storeName, final String key, final Object value) {
        final List<NavigableMap<String, Object>> partitions = stores.get(storeName);
        (partitions == null ? partition(storeName) : partitions.get(0)).put(key, value);
        return this;
    }

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
    public <V> ReadOnlyKeyValueStore<String, V> store(final String storeName, final Class<V> valueType) {
        queriedStores.add(storeName);
        if (storeFailure != null) {
            throw storeFailure;
        }
        return new PartitionedStore<>(stores.getOrDefault(storeName, List.of()), valueType);
    }

    @Override
    public <V> ReadOnlyKeyValueStore<String, V> store(final String storeName,
                                                       final Class<V> valueType,
                                                       final int partition) {
        queriedStores.add(storeName + "#" + partition);
        if (storeFailure != null) {
            throw storeFailure;
        }
        final List<NavigableMap<String, Object>> partitions = stores.getOrDefault(storeName, List.of());
        return new PartitionedStore<>(partition < partitions.size() ? List.of(partitions.get(partition)) : List.of(),
            valueType);
    }

    @Override
    public <V> ReadOnlyKeyValueStore<String, V> staleStore(final String storeName,
                                                            final Class<V> valueType,
                                                            final int partition) {
        queriedStores.add(storeName + "#" + partition + " (stale)");
        final NavigableMap<String, Object> copy = copies.get(storeName + "#" + partition);
        if (copy == null) {
            throw new InvalidStateStoreException("No copy of " + storeName + " partition " + partition + ".");
        }
        return new PartitionedStore<>(List.of(copy), valueType);
    }

    @Override
    public Collection<StreamsMetadata> metadataForAllStreamsClients() {
        return clients;
    }

    private static final class PartitionedStore<V> implements ReadOnlyKeyValueStore<String, V> {

        private final List<NavigableMap<String, Object>> partitions;
        private final Class<V> valueType;

        PartitionedStore(final List<NavigableMap<String, Object>> partitions, final Class<V> valueType) {
            this.partitions = partitions;
            this.valueType = valueType;
        }

        @Override
        public V get(final String key) {
            for (final NavigableMap<String, Object> partition : partitions) {
                if (partition.containsKey(key)) {
                    return valueType.cast(partition.get(key));
                }
            }
            return null;
        }

        @Override
        public KeyValueIterator<String, V> range(final String from, final String to) {
            final List<KeyValue<String, V>> entries = new ArrayList<>();
            for (final NavigableMap<String, Object> partition : partitions) {
                final NavigableMap<String, Object> tail = from == null ? partition : partition.tailMap(from, true);
                (to == null ? tail : tail.headMap(to, true)).forEach((key, value) ->
                    entries.add(KeyValue.pair(key, valueType.cast(value))));
            }
            return new ListIterator<>(entries.iterator());
        }

        @Override
        public KeyValueIterator<String, V> all() {
            return range(null, null);
        }

        @Override
        public long approximateNumEntries() {
            return partitions.stream().mapToLong(Map::size).sum();
        }
    }

    private static final class ListIterator<V> implements KeyValueIterator<String, V> {

        private final Iterator<KeyValue<String, V>> entries;

        ListIterator(final Iterator<KeyValue<String, V>> entries) {
            this.entries = entries;
        }

        @Override
        public boolean hasNext() {
            return entries.hasNext();
        }

        @Override
        public KeyValue<String, V> next() {
            return entries.next();
        }

        @Override
        public void close() {
        }

        @Override
        public String peekNextKey() {
            throw new UnsupportedOperationException();
        }
    }
}
