package io.profilestream.topology;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The outermost layer of a key-value store that runs an action of its processor before the store's record cache
 * flushes: Kafka Streams flushes every store's cache when a task commits (before it flushes the producer and commits
 * the offsets or the transaction), so the action can write what the processor kept in memory since the last commit
 * into the store, and it reaches the changelog, and anything published from the cache, in the same commit.
 * Every other call passes through unchanged, so interactive queries read the store as of the last flush.
 *
 * <p>Kafka Streams' public Processor API has no hook at commit. This layer uses the internal
 * {@code CachedStateStore#flushCache} contract of {@link WrappedStateStore}, which the state manager calls on each
 * registered store at every commit; {@code WriteBackStoreTest}, {@code FlushHookStoreTest} and
 * {@code ProfileUpdatesTest} check the behaviour against the Kafka Streams version the build uses.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class FlushHookStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V>
    implements KeyValueStore<K, V> {

    private Runnable beforeFlush = () -> { };
    /** What the task's processors share through this layer ({@link #shared}); null until first asked for. */
    private Object shared;

    private FlushHookStore(final KeyValueStore<K, V> wrapped) {
        super(wrapped);
    }

    /**
     * Runs the action on the stream thread each time the store's cache flushes, before it flushes; the last action
     * given replaces the one before (a processor initialised again registers again).
     */
    void beforeFlush(final Runnable action) {
        this.beforeFlush = action;
    }

    /**
     * The object the task's processors share through this store, made by {@code create} for the first one that asks.
     * It is dropped when the store is initialised again or closed (a task revived after a failure restores its state
     * from the changelog, and must not find the kept values of before), so the next processor to ask makes a new one.
     */
    @SuppressWarnings("unchecked")
    <T> T shared(final Supplier<T> create) {
        if (shared == null) {
            shared = create.get();
        }
        return (T) shared;
    }

    @Override
    public void init(final StateStoreContext stateStoreContext, final StateStore root) {
        shared = null;
        super.init(stateStoreContext, root);
    }

    @Override
    public void close() {
        shared = null;
        super.close();
    }

    @Override
    public void flushCache() {
        beforeFlush.run();
        super.flushCache();
    }

    /**
     * The hook layer of a store as a processor's context returned it (Kafka Streams wraps it in a decorator).
     *
     * @throws IllegalStateException when the store was not built with {@link #builder}
     */
    @SuppressWarnings("unchecked")
    static <K, V> FlushHookStore<K, V> of(final StateStore store) {
        StateStore layer = store;
        while (!(layer instanceof FlushHookStore<?, ?>)) {
            if (!(layer instanceof WrappedStateStore<?, ?, ?> wrapped)) {
                throw new IllegalStateException("The store " + store.name() + " has no flush hook; build it with "
                    + "FlushHookStore.builder.");
            }
            layer = wrapped.wrapped();
        }
        return (FlushHookStore<K, V>) layer;
    }

    /** A builder of the store that puts this layer on top of what the given builder builds. */
    static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(final StoreBuilder<KeyValueStore<K, V>> inner) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
                inner.withCachingEnabled();
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
                inner.withCachingDisabled();
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(final Map<String, String> config) {
                inner.withLoggingEnabled(config);
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
                inner.withLoggingDisabled();
                return this;
            }

            @Override
            public KeyValueStore<K, V> build() {
                return new FlushHookStore<>(inner.build());
            }

            @Override
            public Map<String, String> logConfig() {
                return inner.logConfig();
            }

            @Override
            public boolean loggingEnabled() {
                return inner.loggingEnabled();
            }

            @Override
            public String name() {
                return inner.name();
            }
        };
    }

    @Override
    public void put(final K key, final V value) {
        wrapped().put(key, value);
    }

    @Override
    public V putIfAbsent(final K key, final V value) {
        return wrapped().putIfAbsent(key, value);
    }

    @Override
    public void putAll(final List<KeyValue<K, V>> entries) {
        wrapped().putAll(entries);
    }

    @Override
    public V delete(final K key) {
        return wrapped().delete(key);
    }

    @Override
    public V get(final K key) {
        return wrapped().get(key);
    }

    @Override
    public KeyValueIterator<K, V> range(final K from, final K to) {
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(final K from, final K to) {
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        return wrapped().reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(final P prefix,
                                                                           final PS prefixKeySerializer) {
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }
}
