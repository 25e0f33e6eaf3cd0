package io.profilestream.segments;

import dev.cel.common.types.CelType;
import dev.cel.common.types.NullableType;
import dev.cel.common.values.CelValue;

/**
 * A field value other than a record or null (an int, double, bool, string, timestamp, list or map) as the record
 * view hands it to the CEL runtime.
 *
 * <p>Why wrap: after every field selection the planner runtime passes the value through its value converter,
 * which tests a plain value against {@code List}, {@code Collection} and {@code Map}, twice, and walks every element
 * of a list or map to convert it; on JDK 17 each failed interface test takes the slow secondary-supertype scan.
 * These tests were half the cost of a simple rule such as {@code profile.transactions.orders >= 2}, and most of the
 * cost of reading a list or map.
 * A {@code CelValue} skips them and is unwrapped to the plain value by a class test before any function sees it.
 * The record view keeps the wrapper for the rest of the profile's evaluation, so it costs one small object per
 * field read, not per rule.
 */
final class PlainValue extends CelValue {

    private final Object value;
    private final CelType type;

    private PlainValue(final Object value, final CelType type) {
        this.value = value;
        this.type = type;
    }

    /**
     * Wraps a plain value of the given static type; returns CEL values (records, null) as they are.
     */
    static Object wrap(final Object value, final CelType type) {
        if (value instanceof CelValue) {
            return value;
        }
        return new PlainValue(value, type instanceof NullableType ? ((NullableType) type).targetType() : type);
    }

    @Override
    public Object value() {
        return value;
    }

    @Override
    public boolean isZeroValue() {
        return false;
    }

    @Override
    public CelType celType() {
        return type;
    }

    @Override
    public String toString() {
        return String.valueOf(value);
    }
}
