package io.profilestream.segments;

import java.util.function.Function;

import org.apache.avro.generic.IndexedRecord;

import dev.cel.common.types.CelType;

/**
 * A read-only field that rules see on a record although the Avro schema does not store it, computed from the
 * record on first use and then kept for the rest of that profile's evaluation.
 * Its value must already be a CEL runtime value (a {@code Long}, {@code Double}, {@code String}, a list of them...).
 *
 * @param recordName the Avro full name of the record that gets the field
 * @param name       the field name, which must not clash with a stored field
 * @param type       its CEL type
 * @param doc        one sentence for {@code docs/segments.md}
 * @param compute    computes the value from the record
 */
record DerivedField(String recordName,
                    String name,
                    CelType type,
                    String doc,
                    Function<IndexedRecord, Object> compute) {
}
