package io.profilestream.query;

import java.util.List;
import java.util.Objects;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

import io.profilestream.metrics.EngineMetrics;
import io.profilestream.topology.Stores;

/**
 * Gauges of how many entries the state stores of this instance hold ({@code profilestream_store_entries}), over the
 * partitions it hosts as active.
 * The counts are RocksDB's estimates, read when the registry is scraped; while a store cannot be queried (start-up,
 * rebalance, restore) its gauge reads NaN.
 */
public final class StoreSizes {

    /**
     * The stores whose sizes are published: the ones that grow with customers, events and memberships.
     */
    public static final List<String> STORES = List.of(Stores.PROFILES, Stores.EVENT_DEDUP, Stores.IDENTITY_LINKS,
        Stores.REEVALUATION_SCHEDULE, Stores.SEGMENT_MEMBERS);

    private StoreSizes() {
    }

    /**
     * Registers one gauge per store of {@link #STORES}, tagged with the store and this instance.
     *
     * @param registry where the gauges are registered
     * @param streams the Kafka Streams client that hosts the stores
     * @param instance this instance's {@code application.server}
     */
    public static void bind(final MeterRegistry registry, final KafkaStreams streams, final String instance) {
        bind(registry, QueryableStreams.of(Objects.requireNonNull(streams, "streams")), instance);
    }

    static void bind(final MeterRegistry registry, final QueryableStreams streams, final String instance) {
        for (final String store : STORES) {
            Gauge.builder("profilestream.store.entries", () -> entries(streams, store))
                .description("Estimated entries of each state store over the partitions this instance hosts.")
                .tag("store", store)
                .tag(EngineMetrics.INSTANCE_TAG, instance)
                .register(registry);
        }
    }

    private static double entries(final QueryableStreams streams, final String store) {
        if (!QueryableStreams.isQueryable(streams.state())) {
            return Double.NaN;
        }
        try {
            return streams.store(store, Object.class).approximateNumEntries();
        } catch (final InvalidStateStoreException e) {
            return Double.NaN;
        }
    }
}
