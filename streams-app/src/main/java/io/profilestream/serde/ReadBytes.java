package io.profilestream.serde;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a value that passes through a processor unchanged in the bytes it was read in, instead of encoding it again:
 * {@link #remembering} wraps the input's deserializer and keeps, per thread, the bytes of the last values it read;
 * {@link #reusing} wraps an output's serializer and returns those bytes for the very same value object, or encodes as
 * usual. The identity resolver forwards every click unchanged to {@code profile-events}, where encoding it again was
 * 3.8% of the stream thread (docs/benchmarks.md). The bytes are registry-framed with the input's own schema id, which
 * a reader of the output resolves like any other writer schema, so the output's reader must accept the input's
 * schema (the {@code profile-events} union reads plain clicks).
 *
 * <p>The value must not be changed between reading and writing: this cannot be checked (comparing would cost what it
 * saves), so only a processor that forwards the value object it was given may have its output wrapped.
 *
 * <p>Kafka Streams decodes a partition's next record when it takes the current one (and each partition's head), so a
 * value waits for a few other reads of the same deserializer before it is written; the bytes of the last
 * {@value #KEPT} reads are kept per thread, and a value found in none of them is encoded again. Kafka's serde
 * interfaces have no way to carry the bytes with the value, hence this by-identity lookup.
 */
public final class ReadBytes {

    static final int KEPT = 64;

    private final ThreadLocal<Recent> recent = ThreadLocal.withInitial(Recent::new);

    /** The deserializer, keeping the bytes of each value it reads for {@link #reusing}. */
    public <T> Deserializer<T> remembering(final Deserializer<T> deserializer) {
        return (topic, data) -> {
            final T value = deserializer.deserialize(topic, data);
            if (value != null) {
                recent.get().put(value, data);
            }
            return value;
        };
    }

    /** The serializer, writing a value {@link #remembering} read on this thread in the bytes it was read in. */
    public <T> Serializer<T> reusing(final Serializer<T> serializer) {
        return (topic, value) -> {
            final byte[] read = value == null ? null : recent.get().take(value);
            return read != null ? read : serializer.serialize(topic, value);
        };
    }

    /** A ring of the last {@link #KEPT} values read on one thread and their bytes. */
    private static final class Recent {

        private final Object[] values = new Object[KEPT];
        private final byte[][] bytes = new byte[KEPT][];
        private int next;

        void put(final Object value, final byte[] data) {
            values[next] = value;
            bytes[next] = data;
            next = (next + 1) % KEPT;
        }

        /** The bytes of this very object, forgotten once taken; null when it was not read recently. */
        byte[] take(final Object value) {
            for (int back = 1; back <= KEPT; back++) {
                final int slot = Math.floorMod(next - back, KEPT);
                if (values[slot] == value) {
                    final byte[] data = bytes[slot];
                    values[slot] = null;
                    bytes[slot] = null;
                    return data;
                }
            }
            return null;
        }
    }
}
