package io.profilestream.topology;

import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.state.internals.CachingKeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * Publishes the profiles store's changes to {@code profile-updates} when Kafka Streams' record cache flushes them, at
 * each commit (or when the cache evicts), instead of once per event: a customer with ten events between two commits
 * gets one update, the last, in the same transaction as the store's changelog and the input offsets. Under
 * exactly-once a {@code read_committed} consumer sees nothing before the commit anyway, and the topic is compacted.
 * The stored bytes are published as they are, re-framed for the registry ({@code reframe}), so a profile is encoded
 * once per event, for the store, and never for the topic.
 *
 * <p>Kafka Streams' public Processor API has no hook at commit; its DSL does this for cached KTables with the
 * record cache's flush listener, which is an internal API. This class confines that use: it finds the caching layer of
 * the store, registers the listener there (raw bytes, no deserialization) and forwards from the processor's node, as
 * the DSL's own listener does. {@code ProfileUpdatesTest} checks the behaviour against the Kafka Streams version the
 * build uses. A profile written and deleted between two commits, never published, publishes nothing, not even a
 * tombstone; a deleted profile that was published gets one. Each update carries the timestamp and headers of the
 * record (or punctuation) that last changed the profile.
 */
final class ProfileUpdates {

    private ProfileUpdates() {
    }

    /**
     * Forwards every profile the store flushes to the {@link Outputs#PROFILE_UPDATES} sink.
     * Call from the processor's {@code init}, where the context's current node is the processor.
     *
     * @param context the profile processor's context
     * @param store   the profiles store, as the context returned it
     * @param reframe the {@code profile-updates} value of stored bytes (null stays null)
     * @throws IllegalStateException when the store has no record cache
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void publishOnFlush(final ProcessorContext<?, ?> context,
                               final StateStore store,
                               final UnaryOperator<byte[]> reframe) {
        final InternalProcessorContext internal = (InternalProcessorContext) context;
        final ProcessorNode<?, ?, ?, ?> node = internal.currentNode();
        caching(store).setFlushListener(record -> {
            final ProcessorNode<?, ?, ?, ?> previous = internal.currentNode();
            internal.setCurrentNode(node);
            try {
                internal.forward(new Record<>(new String(record.key(), StandardCharsets.UTF_8),
                    reframe.apply(record.value().newValue), record.timestamp(),
                    record.headers() == null ? new RecordHeaders() : record.headers()), Outputs.PROFILE_UPDATES);
            } finally {
                internal.setCurrentNode(previous);
            }
        }, false);
    }

    private static CachingKeyValueStore caching(final StateStore store) {
        StateStore layer = store;
        while (!(layer instanceof CachingKeyValueStore)) {
            if (!(layer instanceof WrappedStateStore<?, ?, ?> wrapped)) {
                throw new IllegalStateException("The store " + store.name() + " has no record cache; "
                    + "build it with withCachingEnabled().");
            }
            layer = wrapped.wrapped();
        }
        return (CachingKeyValueStore) layer;
    }
}
