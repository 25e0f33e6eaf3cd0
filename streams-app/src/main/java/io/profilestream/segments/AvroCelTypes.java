package io.profilestream.segments;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.NullableType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.common.types.StructTypeReference;

/**
 * The CEL view of an Avro schema: one CEL struct type per Avro record, derived from the schema alone.
 * A field added to the profile schema is visible to rules without code changes, and a misspelt field is a
 * compile error with its position, because the type checker knows every field and its type.
 * Records keep their Avro full names ({@code io.profilestream.profile.Scores}); fields keep their Avro names.
 *
 * <p>Type mapping: boolean to {@code bool}; int and long to {@code int}; float and double to {@code double};
 * string and enum (its symbol) to {@code string}; bytes and fixed to {@code bytes}; decimal to {@code double};
 * timestamp and date logical types to {@code timestamp}; array to {@code list}; map to {@code map(string, V)};
 * record to a struct.
 * A union of null and one scalar type is that type, nullable (like a protobuf wrapper: it compares with
 * {@code null} and {@code has()} is false when it is null); a nullable timestamp or record may also be null;
 * a nullable array or map reads as empty when null; any other union is {@code dyn}.
 *
 * <p>We map the schema by hand rather than going through protobuf descriptors because CEL-Java's only
 * built-in struct support is protobuf; generating descriptors from Avro would add a second schema language
 * and a copy of every profile per evaluation.
 */
final class AvroCelTypes implements CelTypeProvider {

    private static final long MILLIS_PER_DAY = TimeUnit.DAYS.toMillis(1);

    private final ImmutableMap<String, CelType> types;
    private final Map<String, RecordBinding> bindings;
    private final RecordBinding root;

    private AvroCelTypes(final ImmutableMap<String, CelType> types,
                         final Map<String, RecordBinding> bindings,
                         final RecordBinding root) {
        this.types = types;
        this.bindings = bindings;
        this.root = root;
    }

    /**
     * Maps a record schema and its nested records, adding the derived fields to the records they name and leaving
     * out the hidden fields of the root record.
     */
    static AvroCelTypes of(final Schema rootSchema,
                           final List<DerivedField> derivedFields,
                           final Set<String> hiddenRootFields) {
        if (rootSchema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("The root schema must be a record, not " + rootSchema.getType());
        }
        final Map<String, RecordBinding> bindings = new LinkedHashMap<>();
        collectRecords(rootSchema, bindings);
        final ImmutableMap.Builder<String, CelType> types = ImmutableMap.builder();
        for (final RecordBinding binding : bindings.values()) {
            final Map<String, CelType> fieldTypes = new LinkedHashMap<>();
            final List<Slot> slots = new ArrayList<>();
            for (final Schema.Field field : binding.schema.getFields()) {
                if (binding.schema.getFullName().equals(rootSchema.getFullName())
                    && hiddenRootFields.contains(field.name())) {
                    continue;
                }
                final Mapping mapping = mapping(field.schema(), bindings);
                fieldTypes.put(field.name(), mapping.type);
                slots.add(new Slot(field.name(), field.pos(), mapping, null));
            }
            for (final DerivedField derived : derivedFields) {
                if (derived.recordName().equals(binding.schema.getFullName())) {
                    if (fieldTypes.containsKey(derived.name())) {
                        throw new IllegalArgumentException("Derived field " + derived.name()
                            + " hides a field of record " + derived.recordName());
                    }
                    fieldTypes.put(derived.name(), derived.type());
                    slots.add(new Slot(derived.name(), -1, null, derived));
                }
            }
            binding.init(slots);
            final ImmutableMap<String, CelType> frozen = ImmutableMap.copyOf(fieldTypes);
            types.put(binding.schema.getFullName(), StructType.create(
                binding.schema.getFullName(),
                frozen.keySet(),
                fieldName -> Optional.ofNullable(frozen.get(fieldName))));
        }
        return new AvroCelTypes(types.build(), bindings, bindings.get(rootSchema.getFullName()));
    }

    @Override
    public ImmutableCollection<CelType> types() {
        return types.values();
    }

    @Override
    public Optional<CelType> findType(final String typeName) {
        return Optional.ofNullable(types.get(typeName));
    }

    /**
     * The struct type of the root record.
     */
    CelType rootType() {
        return types.get(root.schema.getFullName());
    }

    /**
     * Wraps a root record for evaluation.
     */
    AvroStructValue wrap(final IndexedRecord record) {
        if (!record.getSchema().getFullName().equals(root.schema.getFullName())) {
            throw new IllegalArgumentException("Expected a " + root.schema.getFullName() + " record, got "
                + record.getSchema().getFullName());
        }
        return new AvroStructValue(record, root);
    }

    /**
     * Field names of a record, in schema order followed by derived fields; for documentation and tests.
     */
    ImmutableSet<String> fieldNames(final String recordFullName) {
        final CelType type = types.get(recordFullName);
        return type instanceof StructType ? ((StructType) type).fieldNames() : ImmutableSet.of();
    }

    private static void collectRecords(final Schema schema, final Map<String, RecordBinding> bindings) {
        switch (schema.getType()) {
            case RECORD:
                if (bindings.containsKey(schema.getFullName())) {
                    return;
                }
                bindings.put(schema.getFullName(), new RecordBinding(schema));
                for (final Schema.Field field : schema.getFields()) {
                    collectRecords(field.schema(), bindings);
                }
                return;
            case UNION:
                for (final Schema branch : schema.getTypes()) {
                    collectRecords(branch, bindings);
                }
                return;
            case ARRAY:
                collectRecords(schema.getElementType(), bindings);
                return;
            case MAP:
                collectRecords(schema.getValueType(), bindings);
                return;
            default:
        }
    }

    private static Mapping mapping(final Schema schema, final Map<String, RecordBinding> bindings) {
        if (schema.getType() == Schema.Type.UNION) {
            final List<Schema> branches = schema.getTypes();
            final Schema nonNull = branches.size() == 2 && branches.get(0).getType() == Schema.Type.NULL
                ? branches.get(1)
                : branches.size() == 2 && branches.get(1).getType() == Schema.Type.NULL ? branches.get(0) : null;
            if (nonNull == null) {
                final List<Mapping> alternatives = new ArrayList<>();
                for (final Schema branch : branches) {
                    alternatives.add(mapping(branch, bindings));
                }
                return new Mapping(SimpleType.DYN, Kind.DYNAMIC, null, null, schema, alternatives);
            }
            final Mapping inner = mapping(nonNull, bindings);
            switch (inner.type.kind()) {
                case BOOL:
                case INT:
                case DOUBLE:
                case STRING:
                case BYTES:
                    return new Mapping(NullableType.create(inner.type), inner.kind, inner.element, inner.record,
                        inner.schema, inner.alternatives);
                default:
                    // Timestamps and structs accept null in the checker; lists and maps read as empty when null.
                    return inner;
            }
        }
        final LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case BOOLEAN:
                return new Mapping(SimpleType.BOOL, Kind.IDENTITY, null, null, schema);
            case INT:
                if (logical instanceof LogicalTypes.Date) {
                    return new Mapping(SimpleType.TIMESTAMP, Kind.DATE, null, null, schema);
                }
                return new Mapping(SimpleType.INT, Kind.INT, null, null, schema);
            case LONG:
                if (logical instanceof LogicalTypes.TimestampMillis
                    || logical instanceof LogicalTypes.LocalTimestampMillis) {
                    return new Mapping(SimpleType.TIMESTAMP, Kind.TIMESTAMP_MILLIS, null, null, schema);
                }
                if (logical instanceof LogicalTypes.TimestampMicros
                    || logical instanceof LogicalTypes.LocalTimestampMicros) {
                    return new Mapping(SimpleType.TIMESTAMP, Kind.TIMESTAMP_MICROS, null, null, schema);
                }
                return new Mapping(SimpleType.INT, Kind.IDENTITY, null, null, schema);
            case FLOAT:
                return new Mapping(SimpleType.DOUBLE, Kind.FLOAT, null, null, schema);
            case DOUBLE:
                return new Mapping(SimpleType.DOUBLE, Kind.IDENTITY, null, null, schema);
            case STRING:
            case ENUM:
                return new Mapping(SimpleType.STRING, Kind.STRING, null, null, schema);
            case BYTES:
            case FIXED:
                if (logical instanceof LogicalTypes.Decimal) {
                    return new Mapping(SimpleType.DOUBLE, Kind.DECIMAL, null, null, schema);
                }
                return new Mapping(SimpleType.BYTES, Kind.BYTES, null, null, schema);
            case ARRAY: {
                final Mapping element = mapping(schema.getElementType(), bindings);
                return new Mapping(ListType.create(element.type), Kind.LIST, element, null, schema);
            }
            case MAP: {
                final Mapping value = mapping(schema.getValueType(), bindings);
                return new Mapping(MapType.create(SimpleType.STRING, value.type), Kind.MAP, value, null, schema);
            }
            case RECORD:
                return new Mapping(StructTypeReference.create(schema.getFullName()), Kind.RECORD, null,
                    bindings.get(schema.getFullName()), schema);
            default:
                return new Mapping(SimpleType.NULL_TYPE, Kind.IDENTITY, null, null, schema);
        }
    }

    /** How a value is converted. */
    enum Kind {
        IDENTITY, INT, FLOAT, STRING, TIMESTAMP_MILLIS, TIMESTAMP_MICROS, DATE, DECIMAL, BYTES, LIST, MAP, RECORD,
        DYNAMIC
    }

    /** The CEL type of an Avro schema and how to convert its values. */
    static final class Mapping {
        final CelType type;
        final Kind kind;
        final Mapping element;
        final RecordBinding record;
        final Schema schema;
        final List<Mapping> alternatives;

        Mapping(final CelType type,
                final Kind kind,
                final Mapping element,
                final RecordBinding record,
                final Schema schema) {
            this(type, kind, element, record, schema, List.of());
        }

        Mapping(final CelType type,
                final Kind kind,
                final Mapping element,
                final RecordBinding record,
                final Schema schema,
                final List<Mapping> alternatives) {
            this.type = type;
            this.kind = kind;
            this.element = element;
            this.record = record;
            this.schema = schema;
            this.alternatives = List.copyOf(alternatives);
        }
    }

    /** One visible field of a record: an Avro field or a derived one. */
    static final class Slot {
        final String name;
        final int position;
        final Mapping mapping;
        final DerivedField derived;

        Slot(final String name, final int position, final Mapping mapping, final DerivedField derived) {
            this.name = name;
            this.position = position;
            this.mapping = mapping;
            this.derived = derived;
        }
    }

    /** The fields of one record type, indexed by name. */
    static final class RecordBinding {
        final Schema schema;
        final CelType type;
        private Map<String, Integer> slotIndex;
        private Slot[] slots;

        RecordBinding(final Schema schema) {
            this.schema = schema;
            this.type = StructTypeReference.create(schema.getFullName());
        }

        void init(final List<Slot> fieldSlots) {
            final Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < fieldSlots.size(); i++) {
                index.put(fieldSlots.get(i).name, i);
            }
            this.slotIndex = Map.copyOf(index);
            this.slots = fieldSlots.toArray(new Slot[0]);
        }

        int slotCount() {
            return slots.length;
        }

        int indexOf(final String name) {
            final Integer index = slotIndex.get(name);
            return index == null ? -1 : index;
        }

        Slot slot(final int index) {
            return slots[index];
        }
    }
}
