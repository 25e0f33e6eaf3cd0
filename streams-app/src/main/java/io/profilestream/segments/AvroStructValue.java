package io.profilestream.segments;

import java.util.Optional;

import org.apache.avro.generic.IndexedRecord;

import dev.cel.common.exceptions.CelAttributeNotFoundException;
import dev.cel.common.types.CelType;
import dev.cel.common.values.NullValue;
import dev.cel.common.values.StructValue;

/**
 * An Avro record as a CEL struct value, for the planner runtime (which selects fields of any
 * {@link dev.cel.common.values.SelectableValue}).
 * A field is converted to its CEL value on first access and kept, so the many rules evaluated against one
 * profile convert each field they read once; a nested record's wrapper is kept the same way.
 * An instance belongs to one evaluation on one thread: it is not thread-safe and must not outlive the record.
 */
final class AvroStructValue extends StructValue<String, AvroStructValue> {

    private final IndexedRecord record;
    private final AvroCelTypes.RecordBinding binding;
    private final Object[] memo;

    AvroStructValue(final IndexedRecord record, final AvroCelTypes.RecordBinding binding) {
        this.record = record;
        this.binding = binding;
        this.memo = new Object[binding.slotCount()];
    }

    /**
     * The wrapper itself, not the record: the runtime unwraps values after each field selection, and a struct must
     * stay selectable (for instance the elements of a list of records inside a comprehension).
     */
    @Override
    public AvroStructValue value() {
        return this;
    }

    IndexedRecord record() {
        return record;
    }

    @Override
    public boolean isZeroValue() {
        return false;
    }

    @Override
    public CelType celType() {
        return binding.type;
    }

    @Override
    public Object select(final String field) {
        final int index = binding.indexOf(field);
        if (index < 0) {
            throw CelAttributeNotFoundException.forFieldResolution(field);
        }
        return at(index);
    }

    AvroCelTypes.RecordBinding binding() {
        return binding;
    }

    /**
     * Presence test, as used by {@code has(profile.scores.churnRisk)}: empty when the field is unknown or null.
     */
    @Override
    public Optional<Object> find(final String field) {
        final int index = binding.indexOf(field);
        if (index < 0) {
            return Optional.empty();
        }
        final Object value = at(index);
        return value == NullValue.NULL_VALUE ? Optional.empty() : Optional.of(value);
    }

    /** The value of the field at the binding's index, converted on first access. */
    Object at(final int index) {
        Object value = memo[index];
        if (value == null) {
            final AvroCelTypes.Slot slot = binding.slot(index);
            value = slot.derived != null
                ? PlainValue.wrap(slot.derived.compute().apply(record), slot.derived.type())
                : PlainValue.wrap(AvroCelValues.toCel(record.get(slot.position), slot.mapping), slot.mapping.type);
            memo[index] = value;
        }
        return value;
    }
}
