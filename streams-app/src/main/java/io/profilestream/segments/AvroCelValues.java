package io.profilestream.segments;

import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

import io.profilestream.segments.AvroCelTypes.Kind;
import io.profilestream.segments.AvroCelTypes.Mapping;

/**
 * Converts Avro values to CEL runtime values, following the {@link AvroCelTypes} mapping of their schema.
 */
final class AvroCelValues {

    private static final long MILLIS_PER_DAY = TimeUnit.DAYS.toMillis(1);

    private AvroCelValues() {
    }

    /**
     * Converts an Avro value to its CEL runtime value: {@code Long}, {@code Double}, {@code Boolean}, {@code String},
     * {@code Instant}, {@code CelByteString}, lists, maps, {@link AvroStructValue} or {@link NullValue#NULL_VALUE}.
     */
    static Object toCel(final Object value, final Mapping mapping) {
        if (value == null) {
            if (mapping.kind == Kind.LIST) {
                return Collections.emptyList();
            }
            if (mapping.kind == Kind.MAP) {
                return Collections.emptyMap();
            }
            return NullValue.NULL_VALUE;
        }
        switch (mapping.kind) {
            case IDENTITY:
                return value;
            case INT:
                return value instanceof Integer ? Long.valueOf((Integer) value) : value;
            case FLOAT:
                return value instanceof Float ? Double.valueOf((Float) value) : value;
            case STRING:
                return value instanceof String ? value : value.toString();
            case TIMESTAMP_MILLIS:
                return toInstant(value, false);
            case TIMESTAMP_MICROS:
                return toInstant(value, true);
            case DATE:
                if (value instanceof LocalDate) {
                    return ((LocalDate) value).atStartOfDay(ZoneOffset.UTC).toInstant();
                }
                return Instant.ofEpochMilli(((Number) value).longValue() * MILLIS_PER_DAY);
            case DECIMAL:
                if (value instanceof Number) {
                    return ((Number) value).doubleValue();
                }
                throw new IllegalArgumentException("Undecoded decimal value of " + value.getClass().getName());
            case BYTES:
                if (value instanceof ByteBuffer) {
                    final ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                    final byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    return CelByteString.of(bytes);
                }
                if (value instanceof GenericData.Fixed) {
                    return CelByteString.of(((GenericData.Fixed) value).bytes());
                }
                return value;
            case LIST:
                return toCelList((List<?>) value, mapping.element);
            case MAP:
                return toCelMap((Map<?, ?>) value, mapping.element);
            case RECORD:
                return new AvroStructValue((IndexedRecord) value, mapping.record);
            case DYNAMIC:
                final int branch = GenericData.get().resolveUnion(mapping.schema, value);
                return toCel(value, mapping.alternatives.get(branch));
            default:
                throw new IllegalStateException("Unknown mapping " + mapping.kind);
        }
    }

    private static Instant toInstant(final Object value, final boolean micros) {
        if (value instanceof Instant) {
            return (Instant) value;
        }
        if (value instanceof LocalDateTime) {
            return ((LocalDateTime) value).toInstant(ZoneOffset.UTC);
        }
        final long raw = ((Number) value).longValue();
        return micros
            ? Instant.ofEpochSecond(Math.floorDiv(raw, 1_000_000L), Math.floorMod(raw, 1_000_000L) * 1_000L)
            : Instant.ofEpochMilli(raw);
    }

    /**
     * Converts the elements of a list; returns the list itself, without copying, when no element changes.
     */
    private static List<?> toCelList(final List<?> list, final Mapping element) {
        final int size = list.size();
        for (int i = 0; i < size; i++) {
            final Object item = list.get(i);
            final Object converted = toCel(item, element);
            if (converted != item) {
                final List<Object> copy = new ArrayList<>(size);
                for (int j = 0; j < i; j++) {
                    copy.add(list.get(j));
                }
                copy.add(converted);
                for (int j = i + 1; j < size; j++) {
                    copy.add(toCel(list.get(j), element));
                }
                return Collections.unmodifiableList(copy);
            }
        }
        return list;
    }

    /**
     * Converts the keys (to {@code String}) and values of a map; returns the map itself when nothing changes.
     */
    private static Map<?, ?> toCelMap(final Map<?, ?> map, final Mapping value) {
        boolean unchanged = true;
        for (final Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String) || toCel(entry.getValue(), value) != entry.getValue()) {
                unchanged = false;
                break;
            }
        }
        if (unchanged) {
            return map;
        }
        final Map<String, Object> converted = new HashMap<>(Math.max(4, map.size() * 2));
        for (final Map.Entry<?, ?> entry : map.entrySet()) {
            converted.put(entry.getKey().toString(), toCel(entry.getValue(), value));
        }
        return Collections.unmodifiableMap(converted);
    }
}
