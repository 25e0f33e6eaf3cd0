package io.profilestream.errors;

import java.util.Locale;

/**
 * Why a record went to the dead-letter queue; the tag is the {@code reason} header and metric tag.
 */
public enum DlqReason {
    /** The bytes are not the Confluent wire format or not valid Avro for the writer schema. */
    UNDECODABLE,
    /** The schema id in the record is not known to the registry. */
    UNKNOWN_SCHEMA_ID,
    /** The writer schema cannot be read as the engine's schema (for example a required field is missing). */
    INCOMPATIBLE_SCHEMA,
    /** A required field is missing or blank. */
    MISSING_FIELD,
    /** A field has a value outside its domain (negative quantity, absurd amount, unknown enum text). */
    INVALID_FIELD,
    /** An amount in a currency that is neither the base currency nor has a configured rate. */
    UNKNOWN_CURRENCY,
    /** The event time is further in the future than the configured skew allows. */
    FUTURE_TIMESTAMP,
    /** The record key does not match the id the topic is keyed by. */
    KEY_MISMATCH,
    /** The serialized value exceeds the configured maximum size. */
    OVERSIZED,
    /** Processing failed unexpectedly; the record is kept so it can be replayed after a fix. */
    PROCESSING_ERROR;

    /** Lower-case, dash-separated form used in headers and metric tags. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
