package io.profilestream.topology;

import static io.profilestream.topology.WriteBackStore.RecordContexts.NONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.profilestream.domain.ProfileAggregator;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.serde.StoreAvroSerde;

class WriteBackStoreTest {

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
    void shouldKeepAWrittenProfileDecodedAndWriteItBackOnce() {
        final WriteBackStore<CustomerProfile> profiles = new WriteBackStore<>(store, 10, NONE);
        final CustomerProfile written = profile("c1", 3);

        profiles.put("c1", written);
        written.getIdentity().setVersion(4);
        profiles.put("c1", written);

        assertThat(profiles.get("c1")).isSameAs(written);
        assertThat(store.get("c1")).as("not written before the commit").isNull();
        assertThat(profiles.changed()).isEqualTo(1);

        profiles.writeBack();

        assertThat(store.get("c1")).as("the last version, at the commit").isEqualTo(profile("c1", 4))
            .isNotSameAs(written);
        assertThat(profiles.changed()).isZero();
        assertThat(profiles.get("c1")).as("still kept decoded").isSameAs(written);
    }

    @Test
    void shouldWriteNothingBackWhenNothingChanged() {
        store.put("c1", profile("c1", 1));
        final List<Object> stamped = new ArrayList<>();
        final WriteBackStore<CustomerProfile> profiles = new WriteBackStore<>(store, 10, recording(stamped));

        profiles.get("c1");
        profiles.writeBack();

        assertThat(stamped).isEmpty();
    }

    @Test
    void shouldStampEachWriteWithTheRecordContextOfTheLastChange() {
        final List<Object> stamped = new ArrayList<>();
        final Object[] current = {"first event"};
        final WriteBackStore<CustomerProfile> profiles = new WriteBackStore<>(store, 10, new WriteBackStore.RecordContexts() {
            @Override
            public Object current() {
                return current[0];
            }

            @Override
            public void set(final Object context) {
                stamped.add(context);
                current[0] = context;
            }
        });
        profiles.put("c1", profile("c1", 1));
        current[0] = "second event";
        profiles.put("c1", profile("c1", 2));
        current[0] = "commit";

        profiles.writeBack();

        assertThat(stamped).as("set for the write, then restored").containsExactly("second event", "commit",
            "commit");
        assertThat(current[0]).isEqualTo("commit");
    }

    @Test
    void shouldKeepAProfileReadFromTheStoreForTheNextRead() {
        store.put("c1", profile("c1", 1));
        final WriteBackStore<CustomerProfile> profiles = new WriteBackStore<>(store, 10, NONE);

        final CustomerProfile first = profiles.get("c1");

        assertThat(first.getIdentity().getVersion()).isEqualTo(1);
        assertThat(profiles.get("c1")).isSameAs(first);
        assertThat(profiles.get("unknown")).isNull();
    }

    @Test
    void shouldWriteAChangedProfileWhenItIsEvicted() {
        final WriteBackStore<CustomerProfile> profiles = new WriteBackStore<>(store, 2, NONE);
        final CustomerProfile c1 = profile("c1", 1);
        profiles.put("c1", c1);
        profiles.put("c2", profile("c2", 1));
        profiles.get("c1");
        profiles.put("c3", profile("c3", 1));

        assertThat(store.get("c2")).as("evicted, so written").isEqualTo(profile("c2", 1));
        assertThat(store.get("c1")).as("kept, so not written yet").isNull();
        assertThat(profiles.changed()).isEqualTo(2);
        assertThat(profiles.get("c1")).as("used after c2, so kept").isSameAs(c1);
        assertThat(profiles.get("c2")).as("evicted: decoded from the store").isEqualTo(profile("c2", 1));
    }

    @Test
    void shouldReadWhatTheStoreHoldsAfterAFailedRecordChangedAnUnchangedProfile() {
        store.put("c1", profile("c1", 1));
        final WriteBackStore<CustomerProfile> profiles = new WriteBackStore<>(store, 10, NONE);
        profiles.get("c1");
        profiles.recordDone();

        profiles.get("c1").getIdentity().setVersion(99);

        assertThat(profiles.forgetTouched()).isEmpty();
        assertThat(profiles.get("c1").getIdentity().getVersion()).isEqualTo(1);
    }

    @Test
    void shouldForgetWhatAFailedRecordTouchedAfterABatchOfManyProfiles() {
        final WriteBackStore<CustomerProfile> profiles = new WriteBackStore<>(store, 1_000, NONE);
        for (int i = 0; i < 100; i++) {
            store.put("c" + i, profile("c" + i, 1));
            profiles.get("c" + i);
        }
        profiles.get("c0").getIdentity().setVersion(2);
        profiles.put("c0", profiles.get("c0"));
        profiles.recordDone();

        profiles.get("c1").getIdentity().setVersion(99);
        profiles.get("c0").getIdentity().setVersion(3);

        assertThat(profiles.forgetTouched()).as("changed before the failed record").containsExactly("c0");
        assertThat(profiles.get("c1").getIdentity().getVersion()).as("read again from the store").isEqualTo(1);
        assertThat(profiles.get("c0").getIdentity().getVersion()).isEqualTo(3);
    }

    @Test
    void shouldForgetANewProfileOfAFailedRecord() {
        final WriteBackStore<CustomerProfile> profiles = new WriteBackStore<>(store, 10, NONE);
        profiles.put("c1", profile("c1", 1));

        assertThat(profiles.forgetTouched()).isEmpty();

        assertThat(profiles.changed()).isZero();
        assertThat(profiles.get("c1")).isNull();
    }

    @Test
    void shouldKeepAProfileChangedByEarlierRecordsWhenALaterRecordFails() {
        final WriteBackStore<CustomerProfile> profiles = new WriteBackStore<>(store, 10, NONE);
        profiles.put("c1", profile("c1", 1));
        profiles.recordDone();

        profiles.get("c1").getIdentity().setVersion(2);

        assertThat(profiles.forgetTouched()).containsExactly("c1");
        profiles.writeBack();
        assertThat(store.get("c1").getIdentity().getVersion()).isEqualTo(2);
    }

    @Test
    void shouldKeepAProfileChangedByEarlierRecordsWhenALaterRecordReplacesItUnreadAndFails() {
        final WriteBackStore<CustomerProfile> profiles = new WriteBackStore<>(store, 10, NONE);
        profiles.put("c1", profile("c1", 1));
        profiles.recordDone();

        profiles.put("c1", profile("c1", 2));

        assertThat(profiles.forgetTouched()).as("changed before the failed record").containsExactly("c1");
        profiles.writeBack();
        assertThat(store.get("c1").getIdentity().getVersion()).isEqualTo(2);
    }

    @Test
    void shouldDeleteAndReturnTheLatestVersionEvenIfNotWritten() {
        store.put("c1", profile("c1", 1));
        final WriteBackStore<CustomerProfile> profiles = new WriteBackStore<>(store, 10, NONE);
        profiles.put("c1", profile("c1", 2));

        assertThat(profiles.delete("c1")).isEqualTo(profile("c1", 2));
        profiles.writeBack();

        assertThat(profiles.changed()).isZero();
        assertThat(profiles.get("c1")).isNull();
        assertThat(store.get("c1")).isNull();
    }

    @Test
    void shouldWriteChangedValuesBackBeforeARangeScan() {
        store.put("c1", profile("c1", 1));
        store.put("c3", profile("c3", 1));
        final WriteBackStore<CustomerProfile> profiles = new WriteBackStore<>(store, 10, NONE);
        profiles.put("c1", profile("c1", 2));
        profiles.put("c2", profile("c2", 1));

        final List<String> scanned = new ArrayList<>();
        try (KeyValueIterator<String, CustomerProfile> range = profiles.range("c1", "c2")) {
            range.forEachRemaining(entry -> scanned.add(entry.key + "@" + entry.value.getIdentity().getVersion()));
        }

        assertThat(scanned).containsExactly("c1@2", "c2@1");
        assertThat(profiles.changed()).isZero();
    }

    @Test
    void shouldNotTrackTouchedValuesWhenCallersOnlyReplaceThem() {
        store.put("c1", profile("c1", 1));
        final WriteBackStore<CustomerProfile> replaced = new WriteBackStore<>(store, 10, NONE, false);
        replaced.get("c1");
        replaced.put("c1", profile("c1", 2));

        assertThatThrownBy(replaced::forgetTouched).isInstanceOf(IllegalStateException.class);
        replaced.writeBack();
        assertThat(store.get("c1").getIdentity().getVersion()).isEqualTo(2);
    }

    @Test
    void shouldWriteThroughWithCapacityZero() {
        final WriteBackStore<CustomerProfile> profiles = new WriteBackStore<>(store, 0, NONE);
        final CustomerProfile written = profile("c1", 1);
        profiles.put("c1", written);

        assertThat(profiles.changed()).isZero();
        assertThat(store.get("c1")).isEqualTo(written);
        assertThat(profiles.get("c1")).isEqualTo(written).isNotSameAs(written);
    }

    private static WriteBackStore.RecordContexts recording(final List<Object> stamped) {
        return new WriteBackStore.RecordContexts() {
            @Override
            public Object current() {
                return null;
            }

            @Override
            public void set(final Object context) {
                stamped.add(context);
            }
        };
    }

    private static CustomerProfile profile(final String id, final long version) {
        final CustomerProfile profile = ProfileAggregator.newProfile(id);
        profile.getIdentity().setVersion(version);
        return profile;
    }
}
