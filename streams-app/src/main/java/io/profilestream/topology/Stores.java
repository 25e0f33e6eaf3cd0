package io.profilestream.topology;

import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.WindowStore;

import io.profilestream.internal.CategoryPairs;
import io.profilestream.internal.IdentityLink;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.ModelParameters;
import io.profilestream.profile.SegmentDefinition;
import io.profilestream.profile.SegmentSnapshot;
import io.profilestream.profile.TraitDefinition;
import io.profilestream.serde.EngineSerdes;

/**
 * Names and builders of the engine's state stores; changelog topics are named after them.
 * The stores written on most events (profiles, identity links, the re-evaluation schedule) have Kafka Streams'
 * record cache: a key written several times between two commits, like a visitor's clicks in one session, reaches
 * RocksDB and the changelog once, when the task commits ({@code statestore.cache.max.bytes} bounds the cache).
 */
public final class Stores {

    /**
     * Separates the parts of composite string keys (definition id and profile id, customer id and anonymous id,
     * profile id and event id); ids never contain it.
     */
    public static final char KEY_SEPARATOR = '\u0000';

    /** Profiles by profile id. */
    public static final String PROFILES = "profiles-store";
    /** Recently seen event ids, keyed by profile id and event id, expiring after the dedup retention. */
    public static final String EVENT_DEDUP = "event-dedup-store";
    /** What the identity resolver knows about each anonymous id (link, quarantine), keyed by anonymousId. */
    public static final String IDENTITY_LINKS = "identity-links-store";
    /** Recently seen click event ids, keyed by anonymousId and event id, expiring after the dedup retention. */
    public static final String CLICK_DEDUP = "click-dedup-store";
    /** Every anonymous id seen with a customer, keyed by customerId and anonymousId, so erasure can unlink them. */
    public static final String CUSTOMER_LINKS = "customer-links-store";

    /** Index of profiles by the time they are next due for re-evaluation: (due time, profile id). */
    public static final String REEVALUATION_SCHEDULE = "reevaluation-schedule-store";

    /** Global store of published model parameters by model name ({@code bgnbd}, {@code gamma-gamma}). */
    public static final String MODEL_PARAMETERS = "model-parameters-store";

    /** Global store of the segment and persona catalogue by definition id. */
    public static final String SEGMENT_DEFINITIONS = "segment-definitions-store";
    /** Members of each segment and persona, keyed by definition id, {@link #KEY_SEPARATOR}, then profile id. */
    public static final String SEGMENT_MEMBERS = "segment-members-store";
    /** Progress of each definition's backfill over this task's profiles, keyed by definition id. */
    public static final String SEGMENT_BACKFILL = "segment-backfill-store";

    /** Global store of the computed trait catalogue by trait id. */
    public static final String TRAIT_DEFINITIONS = "trait-definitions-store";
    /** Which trait catalogue this task's profiles were last computed with, and the progress of a recomputation. */
    public static final String TRAIT_BACKFILL = "trait-backfill-store";

    /** Global store of the daily segment snapshots, keyed by segment id, {@code @}, then the UTC day. */
    public static final String SEGMENT_SNAPSHOTS = "segment-snapshots-store";

    /** This task's co-purchase counts (category names and counts only), keyed by source category. */
    public static final String CO_PURCHASE_COUNTS = "co-purchase-counts-store";
    /** Global store of every task's co-purchase rows, keyed {@code <partition>/<source category>}. */
    public static final String CO_PURCHASE = "co-purchase-store";

    private Stores() {
    }

    /** Global store of segment definitions; restored from its source topic, so it keeps no changelog. */
    public static StoreBuilder<KeyValueStore<String, SegmentDefinition>> segmentDefinitions(final EngineSerdes serdes) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(SEGMENT_DEFINITIONS),
            serdes.key(),
            serdes.segmentDefinition()).withLoggingDisabled();
    }

    /** Global store of trait definitions; restored from its source topic, so it keeps no changelog. */
    public static StoreBuilder<KeyValueStore<String, TraitDefinition>> traitDefinitions(final EngineSerdes serdes) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(TRAIT_DEFINITIONS),
            serdes.key(),
            serdes.traitDefinition()).withLoggingDisabled();
    }

    /** Global store of segment snapshots; restored from its source topic, so it keeps no changelog. */
    public static StoreBuilder<KeyValueStore<String, SegmentSnapshot>> segmentSnapshots(final EngineSerdes serdes) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(SEGMENT_SNAPSHOTS),
            serdes.key(),
            serdes.segmentSnapshot()).withLoggingDisabled();
    }

    /** The trait catalogue's recomputation progress, as text (see {@code TraitCatalogue}). */
    public static StoreBuilder<KeyValueStore<String, String>> traitBackfill() {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.persistentKeyValueStore(TRAIT_BACKFILL),
            Serdes.String(),
            Serdes.String());
    }

    /** RocksDB index of memberships; values are empty. */
    public static StoreBuilder<KeyValueStore<String, byte[]>> segmentMembers() {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.persistentKeyValueStore(SEGMENT_MEMBERS),
            Serdes.String(),
            Serdes.ByteArray());
    }

    /** Backfill progress per definition, as text (see {@code Backfill}). */
    public static StoreBuilder<KeyValueStore<String, String>> segmentBackfill() {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.persistentKeyValueStore(SEGMENT_BACKFILL),
            Serdes.String(),
            Serdes.String());
    }

    /** Global store of model parameters; it is restored from its source topic, so it keeps no changelog. */
    public static StoreBuilder<KeyValueStore<String, ModelParameters>> modelParameters(final EngineSerdes serdes) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(MODEL_PARAMETERS),
            serdes.key(),
            serdes.modelParameters()).withLoggingDisabled();
    }

    /** RocksDB index keyed by due time then profile id; values are empty. */
    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> reevaluationSchedule() {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.persistentKeyValueStore(REEVALUATION_SCHEDULE),
            Serdes.Bytes(),
            Serdes.ByteArray()).withCachingEnabled();
    }

    /**
     * RocksDB store of profiles, values in single-object Avro encoding, cached, under a {@link FlushHookStore} through
     * which the profile processor writes its changed profiles back at each commit ({@link WriteBackStore}).
     */
    public static StoreBuilder<KeyValueStore<String, CustomerProfile>> profiles(final EngineSerdes serdes) {
        return FlushHookStore.builder(org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.persistentKeyValueStore(PROFILES),
            serdes.key(),
            serdes.storedProfile()).withCachingEnabled());
    }

    /** RocksDB window store of event ids; segments older than the retention are dropped whole. */
    public static StoreBuilder<WindowStore<String, Long>> eventDedup(final EngineSerdes serdes,
                                                                     final Duration retention) {
        return org.apache.kafka.streams.state.Stores.windowStoreBuilder(
            org.apache.kafka.streams.state.Stores.persistentWindowStore(EVENT_DEDUP, retention, retention, false),
            serdes.key(),
            Serdes.Long());
    }

    /**
     * RocksDB store of identity links, values in single-object Avro encoding, cached, under a {@link FlushHookStore}
     * through which the identity task's processors write their changed links back at each commit
     * ({@link IdentityLinks}).
     */
    public static StoreBuilder<KeyValueStore<String, IdentityLink>> identityLinks(final EngineSerdes serdes) {
        return FlushHookStore.builder(org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.persistentKeyValueStore(IDENTITY_LINKS),
            serdes.key(),
            serdes.storedLink()).withCachingEnabled());
    }

    /** RocksDB window store of click event ids, like {@link #eventDedup} but keyed by anonymous id. */
    public static StoreBuilder<WindowStore<String, Long>> clickDedup(final EngineSerdes serdes,
                                                                     final Duration retention) {
        return org.apache.kafka.streams.state.Stores.windowStoreBuilder(
            org.apache.kafka.streams.state.Stores.persistentWindowStore(CLICK_DEDUP, retention, retention, false),
            serdes.key(),
            Serdes.Long());
    }

    /** RocksDB store of the anonymous ids seen with each customer; the value is when the pair was first seen. */
    public static StoreBuilder<KeyValueStore<String, Long>> customerLinks(final EngineSerdes serdes) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.persistentKeyValueStore(CUSTOMER_LINKS),
            serdes.key(),
            Serdes.Long());
    }

    /** RocksDB store of this task's co-purchase rows, values in single-object Avro encoding. */
    public static StoreBuilder<KeyValueStore<String, CategoryPairs>> coPurchaseCounts(final EngineSerdes serdes) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.persistentKeyValueStore(CO_PURCHASE_COUNTS),
            serdes.key(),
            serdes.storedCategoryPairs()).withCachingEnabled();
    }

    /** Global store of every task's co-purchase rows; restored from its source topic, so it keeps no changelog. */
    public static StoreBuilder<KeyValueStore<String, CategoryPairs>> coPurchase(final EngineSerdes serdes) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(CO_PURCHASE),
            serdes.key(),
            serdes.categoryPairs()).withLoggingDisabled();
    }
}
