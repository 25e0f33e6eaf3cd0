package io.profilestream.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.profilestream.topology.Stores;

class StoreSizesTest {

    private final FakeStreams streams = new FakeStreams(new HostInfo("10.0.0.1", 8080));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void shouldPublishTheEntriesOfEachStoreTaggedWithStoreAndInstance() {
        streams.partition(Stores.PROFILES).put("c1", "profile");
        streams.partition(Stores.PROFILES).put("c2", "profile");
        StoreSizes.bind(registry, streams, "10.0.0.1:8080");

        assertThat(entries(Stores.PROFILES)).isEqualTo(2.0);
        assertThat(entries(Stores.SEGMENT_MEMBERS)).isZero();
        assertThat(registry.get("profilestream.store.entries").gauges()).hasSize(StoreSizes.STORES.size());
        assertThat(registry.get("profilestream.store.entries").tag("application_server", "10.0.0.1:8080").gauges())
            .hasSize(StoreSizes.STORES.size());
    }

    @Test
    void shouldReadNotANumberWhileStateCannotBeQueried() {
        StoreSizes.bind(registry, streams, "10.0.0.1:8080");

        streams.state = KafkaStreams.State.PENDING_SHUTDOWN;
        assertThat(entries(Stores.PROFILES)).isNaN();
        streams.state = KafkaStreams.State.REBALANCING;
        streams.storeFailure = new InvalidStateStoreException("moving");
        assertThat(entries(Stores.PROFILES)).isNaN();
    }

    private double entries(final String store) {
        return registry.get("profilestream.store.entries").tag("store", store).gauge().value();
    }
}
