package io.profilestream.topology;

import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.WindowStore;

import io.profilestream.internal.IdentityLink;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.serde.EngineSerdes;

/**
 * Names and builders of the engine's state stores; changelog topics are named after them.
 */
public final class Stores {

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

    private Stores() {
    }

    /** RocksDB store of profiles, values in single-object Avro encoding. */
    public static StoreBuilder<KeyValueStore<String, CustomerProfile>> profiles(final EngineSerdes serdes) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.persistentKeyValueStore(PROFILES),
            serdes.key(),
            serdes.storedProfile());
    }

    /** RocksDB window store of event ids; segments older than the retention are dropped whole. */
    public static StoreBuilder<WindowStore<String, Long>> eventDedup(final EngineSerdes serdes,
                                                                     final Duration retention) {
        return org.apache.kafka.streams.state.Stores.windowStoreBuilder(
            org.apache.kafka.streams.state.Stores.persistentWindowStore(EVENT_DEDUP, retention, retention, false),
            serdes.key(),
            Serdes.Long());
    }

    /** RocksDB store of identity links, values in single-object Avro encoding. */
    public static StoreBuilder<KeyValueStore<String, IdentityLink>> identityLinks(final EngineSerdes serdes) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.persistentKeyValueStore(IDENTITY_LINKS),
            serdes.key(),
            serdes.storedLink());
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
}
