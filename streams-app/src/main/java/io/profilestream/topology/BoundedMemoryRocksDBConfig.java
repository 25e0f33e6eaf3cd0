package io.profilestream.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

import io.profilestream.config.ConfigException;

/**
 * Bounds the memory of every RocksDB store of this JVM by one budget, after the "bounded memory" recipe of the Kafka
 * Streams documentation (Memory Management, RocksDB).
 * Every store, of every task and stream thread, reads its blocks through one shared LRU block cache of
 * {@value #TOTAL_BYTES_CONFIG} bytes, and a write-buffer manager charges all memtables to that same cache, up to
 * {@value #WRITE_BUFFER_RATIO_CONFIG} of it.
 * Index and filter blocks live in the cache too (in a high-priority pool of {@value #INDEX_FILTER_RATIO_CONFIG} of
 * it, partitioned, their top level pinned), so they count against the budget instead of growing with the state.
 * Without it each store has its own 50 MiB block cache and up to three 16 MiB memtables, so the engine's memory
 * grows with partitions times stores (and window segments), whatever the state's size.
 * <p>
 * The cache is not given a strict capacity limit: with one, RocksDB fails a read or a write whose block does not fit
 * ("Insert failed due to LRU cache being full"), which would fail the stream thread; without one, the cache can
 * exceed its capacity briefly while blocks in use are pinned, then evicts.
 * <p>
 * The cache and the write-buffer manager are static, one pair per distinct budget in a JVM (normally one), and are
 * never closed: every store opened later (a task assigned in a rebalance, a restored store, a new window segment)
 * must find the same objects, and closing them while a store uses them would free native memory under it.
 * They live as long as the JVM, as in the Kafka Streams recipe; {@link #close} has nothing of its own to release.
 * Kafka Streams closes the options and the filter it created itself.
 * With a shared cache, Kafka Streams' per-store {@code block-cache-*} metrics all report the one shared cache.
 */
public final class BoundedMemoryRocksDBConfig implements RocksDBConfigSetter {

    /** Bytes of off-heap memory for all RocksDB stores together: block cache, index and filter blocks, memtables. */
    public static final String TOTAL_BYTES_CONFIG = "rocksdb.memory.total.bytes";
    /** Share of {@link #TOTAL_BYTES_CONFIG} that memtables (write buffers) may take. */
    public static final String WRITE_BUFFER_RATIO_CONFIG = "rocksdb.memory.write.buffer.ratio";
    /** Share of {@link #TOTAL_BYTES_CONFIG} reserved for index and filter blocks (the high-priority pool). */
    public static final String INDEX_FILTER_RATIO_CONFIG = "rocksdb.memory.index.filter.ratio";

    /** 256 MiB. */
    static final long DEFAULT_TOTAL_BYTES = 256L * 1024 * 1024;
    static final double DEFAULT_WRITE_BUFFER_RATIO = 0.5;
    static final double DEFAULT_INDEX_FILTER_RATIO = 0.1;

    /** Let RocksDB choose the number of cache shards from the capacity. */
    private static final int DEFAULT_SHARD_BITS = -1;

    private static final Map<Budget, SharedMemory> SHARED = new ConcurrentHashMap<>();

    /**
     * Checks the memory settings, so that a wrong value stops the engine at start rather than a stream thread when
     * it opens a store.
     *
     * @param configs the Kafka Streams configuration
     * @throws ConfigException when a value is not a number or out of range
     */
    public static void validate(final Map<?, ?> configs) {
        Budget.from(configs);
    }

    @Override
    public void setConfig(final String storeName, final Options options, final Map<String, Object> configs) {
        final SharedMemory memory = shared(configs);
        final BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(memory.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setIndexType(IndexType.kTwoLevelIndexSearch);
        table.setPartitionFilters(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(memory.writeBuffers());
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(final String storeName, final Options options) {
        // The cache and the write-buffer manager are shared by every store of this JVM: see the class comment.
    }

    /** The cache and write-buffer manager of the budget these settings describe. */
    static SharedMemory shared(final Map<?, ?> configs) {
        return SHARED.computeIfAbsent(Budget.from(configs), SharedMemory::create);
    }

    /**
     * One memory budget.
     *
     * @param totalBytes capacity of the shared block cache, memtables included
     * @param writeBufferRatio share of it that memtables may take
     * @param indexFilterRatio share of it reserved for index and filter blocks
     */
    record Budget(long totalBytes, double writeBufferRatio, double indexFilterRatio) {

        Budget {
            if (totalBytes <= 0) {
                throw new ConfigException(TOTAL_BYTES_CONFIG + " must be a positive number of bytes, not "
                    + totalBytes + ".");
            }
            if (!(writeBufferRatio > 0 && writeBufferRatio < 1)) {
                throw new ConfigException(WRITE_BUFFER_RATIO_CONFIG + " must be between 0 and 1 (exclusive), not "
                    + writeBufferRatio + ".");
            }
            if (!(indexFilterRatio >= 0 && indexFilterRatio < 1)) {
                throw new ConfigException(INDEX_FILTER_RATIO_CONFIG + " must be at least 0 and below 1, not "
                    + indexFilterRatio + ".");
            }
        }

        static Budget from(final Map<?, ?> configs) {
            return new Budget(
                (long) number(configs, TOTAL_BYTES_CONFIG, DEFAULT_TOTAL_BYTES),
                number(configs, WRITE_BUFFER_RATIO_CONFIG, DEFAULT_WRITE_BUFFER_RATIO),
                number(configs, INDEX_FILTER_RATIO_CONFIG, DEFAULT_INDEX_FILTER_RATIO));
        }

        long writeBufferBytes() {
            return (long) (totalBytes * writeBufferRatio);
        }

        private static double number(final Map<?, ?> configs, final String key, final double fallback) {
            final Object value = configs.get(key);
            if (value == null || value.toString().isBlank()) {
                return fallback;
            }
            if (value instanceof Number number) {
                return number.doubleValue();
            }
            try {
                return Double.parseDouble(value.toString().trim());
            } catch (final NumberFormatException e) {
                throw new ConfigException("Configuration key " + key + " must be a number, not '" + value + "'.");
            }
        }
    }

    /**
     * The block cache and the write-buffer manager that charges memtables to it.
     */
    record SharedMemory(Cache cache, WriteBufferManager writeBuffers) {

        static SharedMemory create(final Budget budget) {
            RocksDB.loadLibrary();
            final Cache cache = new LRUCache(budget.totalBytes(), DEFAULT_SHARD_BITS, false,
                budget.indexFilterRatio());
            return new SharedMemory(cache, new WriteBufferManager(budget.writeBufferBytes(), cache));
        }
    }
}
