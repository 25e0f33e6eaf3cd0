package io.profilestream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.profilestream.domain.ProfileAggregator;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.serde.StoreAvroSerde;

class ProfileStoreTest {

    private KeyValueStore<String, CustomerProfile> store;

    @BeforeEach
    void openStore() {
        store = org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(Stores.PROFILES),
                Serdes.String(), new StoreAvroSerde<>(CustomerProfile.class))
            .withLoggingDisabled()
            .build();
        final MockProcessorContext<String, CustomerProfile> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void shouldWriteThroughAndKeepTheWrittenProfileDecoded() {
        final ProfileStore profiles = new ProfileStore(store, 10);
        final CustomerProfile written = profile("c1", 3);

        profiles.put("c1", written);

        assertThat(profiles.get("c1")).isSameAs(written);
        assertThat(store.get("c1")).as("written to the store at once").isEqualTo(written).isNotSameAs(written);
    }

    @Test
    void shouldKeepAProfileReadFromTheStoreForTheNextRead() {
        store.put("c1", profile("c1", 1));
        final ProfileStore profiles = new ProfileStore(store, 10);

        final CustomerProfile first = profiles.get("c1");

        assertThat(first.getIdentity().getVersion()).isEqualTo(1);
        assertThat(profiles.get("c1")).isSameAs(first);
        assertThat(profiles.get("unknown")).isNull();
    }

    @Test
    void shouldDecodeAgainOnceTheLeastRecentlyUsedProfileIsEvicted() {
        final ProfileStore profiles = new ProfileStore(store, 2);
        final CustomerProfile c1 = profile("c1", 1);
        profiles.put("c1", c1);
        profiles.put("c2", profile("c2", 1));
        profiles.get("c1");
        profiles.put("c3", profile("c3", 1));

        assertThat(profiles.get("c1")).as("used after c2, so kept").isSameAs(c1);
        assertThat(profiles.get("c2")).as("evicted: decoded from the store").isEqualTo(profile("c2", 1));
    }

    @Test
    void shouldReadWhatTheStoreHoldsAfterForgettingAChangeThatWasNotWritten() {
        final ProfileStore profiles = new ProfileStore(store, 10);
        profiles.put("c1", profile("c1", 1));
        profiles.get("c1").getIdentity().setVersion(99);

        profiles.forgetAll();

        assertThat(profiles.get("c1").getIdentity().getVersion()).isEqualTo(1);
    }

    @Test
    void shouldForgetADeletedProfile() {
        final ProfileStore profiles = new ProfileStore(store, 10);
        profiles.put("c1", profile("c1", 1));

        assertThat(profiles.delete("c1")).isEqualTo(profile("c1", 1));

        assertThat(profiles.get("c1")).isNull();
        assertThat(store.get("c1")).isNull();
    }

    @Test
    void shouldKeepNothingWithCapacityZero() {
        final ProfileStore profiles = new ProfileStore(store, 0);
        final CustomerProfile written = profile("c1", 1);
        profiles.put("c1", written);

        assertThat(profiles.get("c1")).isEqualTo(written).isNotSameAs(written);
    }

    private static CustomerProfile profile(final String id, final long version) {
        final CustomerProfile profile = ProfileAggregator.newProfile(id);
        profile.getIdentity().setVersion(version);
        return profile;
    }
}
