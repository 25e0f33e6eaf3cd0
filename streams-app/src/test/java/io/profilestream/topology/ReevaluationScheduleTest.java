package io.profilestream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The schedule's floor, below which every entry was processed, survives a restart; entries scheduled below it after
 * the restart are still found.
 */
class ReevaluationScheduleTest {

    private KeyValueStore<Bytes, byte[]> store;

    @BeforeEach
    void openStore() {
        store = org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(Stores.REEVALUATION_SCHEDULE),
                Serdes.Bytes(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void shouldKeepItsFloorAcrossARestart() {
        final ReevaluationSchedule before = new ReevaluationSchedule(store, 10);
        before.reschedule("c1", null, Instant.ofEpochMilli(1_000));
        before.reschedule("c2", null, Instant.ofEpochMilli(9_000));
        assertThat(before.takeDue(5_000)).extracting(ReevaluationSchedule.Due::profileId).containsExactly("c1");
        assertThat(before.floorMs()).isEqualTo(5_001);

        final ReevaluationSchedule restarted = new ReevaluationSchedule(store, 10);

        assertThat(restarted.floorMs()).isEqualTo(5_001);
        restarted.reschedule("c3", null, Instant.ofEpochMilli(2_000));
        assertThat(restarted.floorMs()).isEqualTo(2_000);
        assertThat(new ReevaluationSchedule(store, 10).takeDue(10_000)).extracting(ReevaluationSchedule.Due::profileId)
            .containsExactly("c3", "c2");
    }
}
