package io.profilestream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.IndexType;
import org.rocksdb.Options;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.profilestream.config.ConfigException;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.metrics.EngineMetrics;

class BoundedMemoryRocksDBConfigTest {

    /** A budget no other test uses, so that its shared cache holds only this test's stores. */
    private static final String OWN_BUDGET = Long.toString(64L * 1024 * 1024 + 4096);

    @Test
    void shouldGiveEveryStoreTheSameCacheAndWriteBufferManager() {
        final Map<String, Object> configs = Map.of(BoundedMemoryRocksDBConfig.TOTAL_BYTES_CONFIG, "33554432",
            BoundedMemoryRocksDBConfig.WRITE_BUFFER_RATIO_CONFIG, "0.25");
        final RocksDBConfigSetter setter = new BoundedMemoryRocksDBConfig();
        try (Options first = storeOptions(); Options second = storeOptions()) {
            setter.setConfig("profiles-store", first, configs);
            setter.setConfig("identity-links-store", second, configs);

            final BoundedMemoryRocksDBConfig.SharedMemory shared = BoundedMemoryRocksDBConfig.shared(configs);
            assertThat(first.writeBufferManager()).isSameAs(shared.writeBuffers());
            assertThat(second.writeBufferManager()).isSameAs(shared.writeBuffers());
            final BlockBasedTableConfig table = (BlockBasedTableConfig) first.tableFormatConfig();
            assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(table.cacheIndexAndFilterBlocksWithHighPriority()).isTrue();
            assertThat(table.pinTopLevelIndexAndFilter()).isTrue();
            assertThat(table.indexType()).isEqualTo(IndexType.kTwoLevelIndexSearch);
            assertThat(table.partitionFilters()).isTrue();
            setter.close("profiles-store", first);
            setter.close("identity-links-store", second);
        }
    }

    @Test
    void shouldShareOneBudgetPerSettingsAndReadTheDefaultsWhenUnset() {
        assertThat(BoundedMemoryRocksDBConfig.shared(Map.of()))
            .isSameAs(BoundedMemoryRocksDBConfig.shared(Map.of(BoundedMemoryRocksDBConfig.TOTAL_BYTES_CONFIG,
                BoundedMemoryRocksDBConfig.DEFAULT_TOTAL_BYTES)));
        assertThat(BoundedMemoryRocksDBConfig.Budget.from(Map.of()))
            .isEqualTo(new BoundedMemoryRocksDBConfig.Budget(256L * 1024 * 1024, 0.5, 0.1));
        assertThat(BoundedMemoryRocksDBConfig.Budget.from(ProfileStreamConfig.of(Map.of()).kafkaSettings()))
            .isEqualTo(BoundedMemoryRocksDBConfig.Budget.from(Map.of()));
    }

    @Test
    void shouldBeTheEnginesSetterUnlessAnotherOrNoneIsConfigured() {
        final StreamsConfig defaults = new StreamsConfig(properties(Map.of()));
        assertThat(defaults.getClass(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
            .isEqualTo(BoundedMemoryRocksDBConfig.class);

        final StreamsConfig own = new StreamsConfig(properties(Map.of(
            StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, OtherSetter.class.getName())));
        assertThat(own.getClass(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo(OtherSetter.class);

        final StreamsConfig none = new StreamsConfig(properties(Map.of(
            StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, "")));
        assertThat(none.getClass(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isNull();
    }

    @Test
    void shouldRejectABudgetThatCannotBeUsedAtStart() {
        assertThatThrownBy(() -> properties(Map.of(BoundedMemoryRocksDBConfig.TOTAL_BYTES_CONFIG, "0")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("rocksdb.memory.total.bytes");
        assertThatThrownBy(() -> properties(Map.of(BoundedMemoryRocksDBConfig.WRITE_BUFFER_RATIO_CONFIG, "1.5")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("rocksdb.memory.write.buffer.ratio");
        assertThatThrownBy(() -> properties(Map.of(BoundedMemoryRocksDBConfig.INDEX_FILTER_RATIO_CONFIG, "lots")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("rocksdb.memory.index.filter.ratio");
    }

    @Test
    void shouldRunTheEnginesStoresInTheSharedCache() {
        final Map<String, String> budget = Map.of(BoundedMemoryRocksDBConfig.TOTAL_BYTES_CONFIG, OWN_BUDGET);
        try (TopologyFixture fixture = new TopologyFixture(budget, null)) {
            fixture.purchases.pipeInput("c1", TestEvents.order("p1", "c1", TopologyFixture.START, 100,
                TestEvents.item("books", 1, 100)));

            assertThat(fixture.profile("c1")).isNotNull();
            // The write-buffer manager charges the profile store's memtable to the shared cache.
            assertThat(BoundedMemoryRocksDBConfig.shared(budget).cache().getUsage()).isPositive();
        }
    }

    private static Options storeOptions() {
        final Options options = new Options();
        options.setTableFormatConfig(new BlockBasedTableConfig());
        return options;
    }

    private static Properties properties(final Map<String, String> overrides) {
        return StreamsProperties.from(ProfileStreamConfig.of(Map.of("application.id", "rocksdb-memory-test")).with(
            overrides), new EngineMetrics(new SimpleMeterRegistry()));
    }

    /** A user's own setter. */
    public static final class OtherSetter implements RocksDBConfigSetter {

        @Override
        public void setConfig(final String storeName, final Options options, final Map<String, Object> configs) {
        }

        @Override
        public void close(final String storeName, final Options options) {
        }
    }
}
