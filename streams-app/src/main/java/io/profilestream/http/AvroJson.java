package io.profilestream.http;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/**
 * Turns Avro data into JSON whose shape mirrors the Avro schema: one JSON field per Avro field, with the same name.
 * The conversion follows the schema, not the Java classes, so generic records and every generated class work alike.
 * Nested records become objects; a union becomes its value or null; an enum becomes its symbol; maps become objects
 * with sorted keys; arrays become arrays.
 * Timestamps ({@code timestamp-*} logical types, as {@link Instant} or as raw numbers) become ISO-8601 UTC strings,
 * local timestamps, dates and times become ISO-8601 strings, decimals become exact numbers and other bytes become
 * base64 strings.
 * This is not the Avro JSON encoding: unions are not wrapped in a type name, which is what HTTP clients expect.
 */
public final class AvroJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Conversions.DecimalConversion DECIMALS = new Conversions.DecimalConversion();
    private static final Conversions.BigDecimalConversion BIG_DECIMALS = new Conversions.BigDecimalConversion();

    private AvroJson() {
    }

    /**
     * Converts a record (generic or generated) with its own schema.
     */
    public static ObjectNode toJson(final IndexedRecord record) {
        Objects.requireNonNull(record, "record");
        return (ObjectNode) toJson(record, record.getSchema());
    }

    /**
     * Converts any Avro datum described by a schema.
     *
     * @throws IllegalArgumentException when the datum does not fit the schema
     */
    public static JsonNode toJson(final Object datum, final Schema schema) {
        Objects.requireNonNull(schema, "schema");
        return convert(datum, schema);
    }

    private static JsonNode convert(final Object value, final Schema schema) {
        if (value == null) {
            return NODES.nullNode();
        }
        switch (schema.getType()) {
            case RECORD:
                return record(value, schema);
            case UNION:
                return convert(value, branch(value, schema));
            case ENUM:
                return NODES.textNode(value instanceof Enum<?> ? ((Enum<?>) value).name() : value.toString());
            case ARRAY:
                return array(value, schema);
            case MAP:
                return map(value, schema);
            case STRING:
                return NODES.textNode(value.toString());
            case BYTES:
            case FIXED:
                return bytes(value, schema);
            case INT:
                return intValue(value, schema);
            case LONG:
                return longValue(value, schema);
            case FLOAT:
                return NODES.numberNode(((Number) value).floatValue());
            case DOUBLE:
                return NODES.numberNode(((Number) value).doubleValue());
            case BOOLEAN:
                return NODES.booleanNode((Boolean) value);
            case NULL:
                return NODES.nullNode();
            default:
                throw new IllegalArgumentException("Unsupported Avro type " + schema.getType() + ".");
        }
    }

    private static ObjectNode record(final Object value, final Schema schema) {
        if (!(value instanceof IndexedRecord)) {
            throw mismatch(value, schema);
        }
        final IndexedRecord record = (IndexedRecord) value;
        final ObjectNode node = NODES.objectNode();
        for (final Schema.Field field : schema.getFields()) {
            node.set(field.name(), convert(record.get(field.pos()), field.schema()));
        }
        return node;
    }

    private static ArrayNode array(final Object value, final Schema schema) {
        if (!(value instanceof Collection<?>)) {
            throw mismatch(value, schema);
        }
        final ArrayNode node = NODES.arrayNode();
        for (final Object item : (Collection<?>) value) {
            node.add(convert(item, schema.getElementType()));
        }
        return node;
    }

    private static ObjectNode map(final Object value, final Schema schema) {
        if (!(value instanceof Map<?, ?>)) {
            throw mismatch(value, schema);
        }
        final Map<String, Object> sorted = new TreeMap<>();
        for (final Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
            sorted.put(entry.getKey().toString(), entry.getValue());
        }
        final ObjectNode node = NODES.objectNode();
        for (final Map.Entry<String, Object> entry : sorted.entrySet()) {
            node.set(entry.getKey(), convert(entry.getValue(), schema.getValueType()));
        }
        return node;
    }

    private static JsonNode bytes(final Object value, final Schema schema) {
        if (value instanceof BigDecimal) {
            return NODES.numberNode((BigDecimal) value);
        }
        final LogicalType logicalType = schema.getLogicalType();
        if (logicalType instanceof LogicalTypes.Decimal) {
            if (value instanceof ByteBuffer) {
                return NODES.numberNode(DECIMALS.fromBytes(((ByteBuffer) value).duplicate(), schema, logicalType));
            }
            if (value instanceof GenericFixed) {
                return NODES.numberNode(DECIMALS.fromFixed((GenericFixed) value, schema, logicalType));
            }
        }
        if (logicalType instanceof LogicalTypes.BigDecimal && value instanceof ByteBuffer) {
            return NODES.numberNode(BIG_DECIMALS.fromBytes(((ByteBuffer) value).duplicate(), schema, logicalType));
        }
        final byte[] raw;
        if (value instanceof ByteBuffer) {
            final ByteBuffer buffer = ((ByteBuffer) value).duplicate();
            raw = new byte[buffer.remaining()];
            buffer.get(raw);
        } else if (value instanceof GenericFixed) {
            raw = ((GenericFixed) value).bytes();
        } else if (value instanceof byte[]) {
            raw = (byte[]) value;
        } else {
            throw mismatch(value, schema);
        }
        return NODES.textNode(Base64.getEncoder().encodeToString(raw));
    }

    private static JsonNode intValue(final Object value, final Schema schema) {
        if (value instanceof LocalDate || value instanceof LocalTime) {
            return NODES.textNode(value.toString());
        }
        final int number = ((Number) value).intValue();
        final String logicalType = logicalTypeName(schema);
        if ("date".equals(logicalType)) {
            return NODES.textNode(LocalDate.ofEpochDay(number).toString());
        }
        if ("time-millis".equals(logicalType)) {
            return NODES.textNode(LocalTime.ofNanoOfDay(number * 1_000_000L).toString());
        }
        return NODES.numberNode(number);
    }

    private static JsonNode longValue(final Object value, final Schema schema) {
        if (value instanceof Instant) {
            return NODES.textNode(value.toString());
        }
        if (value instanceof LocalDateTime || value instanceof LocalTime) {
            return NODES.textNode(value.toString());
        }
        final long number = ((Number) value).longValue();
        final String logicalType = logicalTypeName(schema);
        if (logicalType == null) {
            return NODES.numberNode(number);
        }
        switch (logicalType) {
            case "timestamp-millis":
                return NODES.textNode(Instant.ofEpochMilli(number).toString());
            case "timestamp-micros":
                return NODES.textNode(Instant.EPOCH.plus(number, ChronoUnit.MICROS).toString());
            case "timestamp-nanos":
                return NODES.textNode(Instant.EPOCH.plus(number, ChronoUnit.NANOS).toString());
            case "local-timestamp-millis":
                return NODES.textNode(utc(Instant.ofEpochMilli(number)).toString());
            case "local-timestamp-micros":
                return NODES.textNode(utc(Instant.EPOCH.plus(number, ChronoUnit.MICROS)).toString());
            case "local-timestamp-nanos":
                return NODES.textNode(utc(Instant.EPOCH.plus(number, ChronoUnit.NANOS)).toString());
            case "time-micros":
                return NODES.textNode(LocalTime.ofNanoOfDay(number * 1_000L).toString());
            default:
                return NODES.numberNode(number);
        }
    }

    private static LocalDateTime utc(final Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /**
     * Picks the union branch a value was written with: first by exact type (and full name for named types),
     * then by compatible type.
     */
    private static Schema branch(final Object value, final Schema union) {
        for (final Schema candidate : union.getTypes()) {
            if (matchesExactly(value, candidate)) {
                return candidate;
            }
        }
        for (final Schema candidate : union.getTypes()) {
            if (matchesLoosely(value, candidate)) {
                return candidate;
            }
        }
        throw mismatch(value, union);
    }

    private static boolean matchesExactly(final Object value, final Schema schema) {
        final String logicalType = logicalTypeName(schema);
        switch (schema.getType()) {
            case RECORD:
            case ENUM:
            case FIXED:
                return value instanceof GenericContainer
                    && ((GenericContainer) value).getSchema().getFullName().equals(schema.getFullName());
            case STRING:
                return value instanceof CharSequence || value instanceof UUID;
            case BYTES:
                return value instanceof ByteBuffer || value instanceof byte[]
                    || value instanceof BigDecimal && logicalType != null;
            case INT:
                return value instanceof Integer
                    || value instanceof LocalDate
                    || value instanceof LocalTime && "time-millis".equals(logicalType);
            case LONG:
                return value instanceof Long
                    || value instanceof Instant
                    || value instanceof LocalDateTime
                    || value instanceof LocalTime && "time-micros".equals(logicalType);
            case FLOAT:
                return value instanceof Float;
            case DOUBLE:
                return value instanceof Double;
            case BOOLEAN:
                return value instanceof Boolean;
            case ARRAY:
                return value instanceof Collection<?>;
            case MAP:
                return value instanceof Map<?, ?>;
            default:
                return false;
        }
    }

    private static boolean matchesLoosely(final Object value, final Schema schema) {
        switch (schema.getType()) {
            case RECORD:
                return value instanceof IndexedRecord;
            case ENUM:
                return value instanceof Enum<?> || value instanceof CharSequence;
            case FIXED:
                return value instanceof GenericFixed || value instanceof BigDecimal;
            case INT:
            case LONG:
            case FLOAT:
            case DOUBLE:
                return value instanceof Number;
            default:
                return false;
        }
    }

    private static String logicalTypeName(final Schema schema) {
        final LogicalType logicalType = schema.getLogicalType();
        return logicalType == null ? null : logicalType.getName();
    }

    private static IllegalArgumentException mismatch(final Object value, final Schema schema) {
        return new IllegalArgumentException(
            "A value of type " + value.getClass().getName()
                + " does not fit the Avro schema " + describe(schema) + ".");
    }

    private static String describe(final Schema schema) {
        switch (schema.getType()) {
            case RECORD:
            case ENUM:
            case FIXED:
                return schema.getFullName();
            default:
                return schema.toString();
        }
    }
}
