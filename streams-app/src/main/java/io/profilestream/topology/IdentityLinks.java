package io.profilestream.topology;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

import io.profilestream.config.EngineSettings;
import io.profilestream.internal.IdentityLink;

/**
 * The identity task's links, kept decoded and written back once per commit ({@link WriteBackStore}).
 *
 * <p>Three processors of the task read and write the links store: the identity resolver (every click), the unlinker
 * (erasures and merges) and the custom-event router. They must see each other's changes before the task commits, so
 * they share one {@link WriteBackStore}, kept with the store's {@link FlushHookStore} layer, which writes it back
 * before the store's cache flushes at each commit.
 */
final class IdentityLinks {

    private IdentityLinks() {
    }

    /** The task's links, the same object for every processor of the task. */
    static WriteBackStore<IdentityLink> of(final ProcessorContext<?, ?> context, final EngineSettings settings) {
        final KeyValueStore<String, IdentityLink> store = context.getStateStore(Stores.IDENTITY_LINKS);
        final FlushHookStore<String, IdentityLink> hook = FlushHookStore.of(store);
        return hook.shared(() -> {
            // IdentityPolicy returns a new link for every change, so nothing is changed in place.
            final WriteBackStore<IdentityLink> links = new WriteBackStore<>(store, settings.linkCacheSize(),
                WriteBackStore.RecordContexts.of(context), false);
            hook.beforeFlush(links::writeBack);
            return links;
        });
    }
}
