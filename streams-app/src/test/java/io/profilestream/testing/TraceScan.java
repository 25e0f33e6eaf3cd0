package io.profilestream.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * Looks for personal ids in state stores and topic records, whatever their types: every key and value is turned into
 * text (strings as they are, bytes as UTF-8, which is how Avro and the engine's composite keys hold strings, records
 * by their {@code toString}, which lists every field) and searched for each id.
 */
public final class TraceScan {

    private final List<String> ids;

    public TraceScan(final Collection<String> ids) {
        this.ids = List.copyOf(ids);
    }

    /**
     * Every entry of a key-value or window store that mentions one of the ids, as {@code store: key = value}.
     *
     * @throws IllegalArgumentException for a store of another kind, so no store is skipped unnoticed
     */
    public List<String> store(final String name, final Object store) {
        final List<String> found = new ArrayList<>();
        if (store instanceof ReadOnlyKeyValueStore<?, ?> keyValues) {
            try (KeyValueIterator<?, ?> all = keyValues.all()) {
                all.forEachRemaining(entry -> check(name, entry, found));
            }
        } else if (store instanceof ReadOnlyWindowStore<?, ?> windows) {
            try (KeyValueIterator<? extends Windowed<?>, ?> all = windows.all()) {
                all.forEachRemaining(entry -> check(name, KeyValue.pair(entry.key.key(), entry.value), found));
            }
        } else {
            throw new IllegalArgumentException("Store " + name + " is neither a key-value nor a window store: "
                + store.getClass().getName());
        }
        return found;
    }

    /** Whether a key or value mentions one of the ids. */
    public boolean mentions(final Object keyOrValue) {
        final String text = text(keyOrValue);
        return ids.stream().anyMatch(text::contains);
    }

    private void check(final String name, final KeyValue<?, ?> entry, final List<String> found) {
        if (mentions(entry.key) || mentions(entry.value)) {
            found.add(name + ": " + text(entry.key) + " = " + text(entry.value));
        }
    }

    /** The text of a key or value. */
    public static String text(final Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof Bytes bytes) {
            return new String(bytes.get(), StandardCharsets.UTF_8);
        }
        return value.toString();
    }
}
