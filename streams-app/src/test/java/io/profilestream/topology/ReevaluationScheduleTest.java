package io.profilestream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The schedule's floor, below which every entry was processed, survives a restart; entries scheduled below it after
 * the restart are still found. Entries are filed at the start of their due time's hour until that hour begins.
 */
class ReevaluationScheduleTest {

    private static final long HOUR = ReevaluationSchedule.HOUR;
    /** A due time in the eleventh hour, well ahead of the engine's now in these tests. */
    private static final long DUE = 10 * HOUR + 20 * 60_000;

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
        before.reschedule("c1", null, Instant.ofEpochMilli(1_000), 0);
        before.reschedule("c2", null, Instant.ofEpochMilli(9_000), 0);
        assertThat(before.takeDue(5_000)).containsExactly("c1");
        assertThat(before.floorMs()).isEqualTo(5_001);

        final ReevaluationSchedule restarted = new ReevaluationSchedule(store, 10);

        assertThat(restarted.floorMs()).isEqualTo(5_001);
        restarted.reschedule("c3", null, Instant.ofEpochMilli(2_000), 5_000);
        assertThat(restarted.floorMs()).isEqualTo(2_000);
        assertThat(new ReevaluationSchedule(store, 10).takeDue(10_000)).containsExactly("c3", "c2");
    }

    @Test
    void shouldWriteNothingWhileADueTimeMovesWithinItsHour() {
        final AtomicInteger writes = new AtomicInteger();
        final ReevaluationSchedule schedule = new ReevaluationSchedule(countingWrites(writes), 10);
        schedule.reschedule("c1", null, Instant.ofEpochMilli(DUE), 0);
        final Instant later = Instant.ofEpochMilli(DUE + 30 * 60_000);
        final Instant earlier = Instant.ofEpochMilli(DUE - 15 * 60_000);
        final int filed = writes.get();

        schedule.reschedule("c1", Instant.ofEpochMilli(DUE), later, 1_000);
        schedule.reschedule("c1", later, earlier, 2_000);

        assertThat(writes.get()).isEqualTo(filed);
        assertThat(entries()).containsExactly(KeyValue.pair(10 * HOUR, "c1"));
        schedule.reschedule("c1", earlier, Instant.ofEpochMilli(DUE + HOUR), 3_000);
        assertThat(entries()).containsExactly(KeyValue.pair(11 * HOUR, "c1"));
    }

    @Test
    void shouldFileAnEntryAtItsDueTimeOnceItsHourHasBegun() {
        final ReevaluationSchedule schedule = new ReevaluationSchedule(store, 10);
        schedule.reschedule("c1", null, Instant.ofEpochMilli(DUE), 0);

        // Taken at the start of the hour, before the profile is due: filed again at the due time itself.
        assertThat(schedule.takeDue(10 * HOUR)).containsExactly("c1");
        schedule.reschedule("c1", null, Instant.ofEpochMilli(DUE), 10 * HOUR);
        assertThat(entries()).containsExactly(KeyValue.pair(DUE, "c1"));
        assertThat(schedule.takeDue(DUE - 1)).isEmpty();
        assertThat(schedule.takeDue(DUE)).containsExactly("c1");

        // A due time in an hour that has begun is filed at the time itself.
        schedule.reschedule("c2", null, Instant.ofEpochMilli(DUE + 60_000), DUE);
        assertThat(entries()).containsExactly(KeyValue.pair(DUE + 60_000, "c2"));
        // Moved within that hour, it moves: an entry filed at its due time must not come up after an earlier one.
        schedule.reschedule("c2", Instant.ofEpochMilli(DUE + 60_000), Instant.ofEpochMilli(DUE + 30_000), DUE);
        assertThat(entries()).containsExactly(KeyValue.pair(DUE + 30_000, "c2"));
    }

    @Test
    void shouldRemoveAnEntryWhereverItWasFiled() {
        final ReevaluationSchedule schedule = new ReevaluationSchedule(store, 10);
        schedule.reschedule("c1", null, Instant.ofEpochMilli(DUE), 0);
        schedule.reschedule("c2", null, Instant.ofEpochMilli(DUE), 10 * HOUR);
        assertThat(entries()).containsExactly(KeyValue.pair(10 * HOUR, "c1"), KeyValue.pair(DUE, "c2"));

        schedule.remove("c1", Instant.ofEpochMilli(DUE));
        schedule.remove("c2", Instant.ofEpochMilli(DUE));

        assertThat(entries()).isEmpty();
    }

    /** The store, counting the puts and deletes that reach it. */
    @SuppressWarnings("unchecked")
    private KeyValueStore<Bytes, byte[]> countingWrites(final AtomicInteger writes) {
        return (KeyValueStore<Bytes, byte[]>) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                if (method.getName().equals("put") || method.getName().equals("delete")) {
                    writes.incrementAndGet();
                }
                try {
                    return method.invoke(store, args);
                } catch (final InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }

    /** Every entry as (filed at, profile id), in key order. */
    private List<KeyValue<Long, String>> entries() {
        final List<KeyValue<Long, String>> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            all.forEachRemaining(entry -> {
                if (!entry.key.equals(ReevaluationSchedule.FLOOR_KEY)) {
                    final byte[] key = entry.key.get();
                    entries.add(KeyValue.pair(ByteBuffer.wrap(key).getLong(),
                        new String(key, Long.BYTES, key.length - Long.BYTES, StandardCharsets.UTF_8)));
                }
            });
        }
        return entries;
    }
}
