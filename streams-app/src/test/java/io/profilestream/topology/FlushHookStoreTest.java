package io.profilestream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class FlushHookStoreTest {

    private static KeyValueStore<String, String> openStore() {
        final KeyValueStore<String, String> store = FlushHookStore.builder(
                org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                    org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore("hooked"),
                    Serdes.String(), Serdes.String()))
            .withLoggingDisabled()
            .build();
        store.init(new MockProcessorContext<String, String>().getStateStoreContext(), store);
        return store;
    }

    @Test
    void shouldRunTheLastGivenActionBeforeEachFlush() {
        final KeyValueStore<String, String> store = openStore();
        final FlushHookStore<String, String> hook = FlushHookStore.of(store);
        final List<String> ran = new ArrayList<>();
        hook.beforeFlush(() -> ran.add("first"));
        hook.beforeFlush(() -> ran.add("second"));

        hook.flushCache();
        hook.flushCache();

        assertThat(ran).containsExactly("second", "second");
        store.close();
    }

    @Test
    void shouldShareOneObjectUntilTheStoreIsClosedOrInitialisedAgain() {
        final KeyValueStore<String, String> store = openStore();
        final FlushHookStore<String, String> hook = FlushHookStore.of(store);

        final Object first = hook.shared(Object::new);
        assertThat(hook.<Object>shared(Object::new)).as("every processor of the task gets the same").isSameAs(first);

        store.close();
        store.init(new MockProcessorContext<String, String>().getStateStoreContext(), store);
        final Object afterRestart = hook.shared(Object::new);
        assertThat(afterRestart).as("a revived task starts without it").isNotSameAs(first);

        hook.init(new MockProcessorContext<String, String>().getStateStoreContext(), store);
        assertThat(hook.<Object>shared(Object::new)).isNotSameAs(afterRestart);
        store.close();
    }
}
