package io.profilestream.loadtest;

import io.profilestream.errors.DlqReason;

/**
 * What is wrong with a malformed record, and why the engine sends it to the dead-letter queue.
 */
public enum Defect {
    /** Bytes that are not in the schema registry wire format. */
    GARBAGE_BYTES(DlqReason.UNDECODABLE),
    /** A required id (event id or the id the topic is keyed by) is blank. */
    BLANK_ID(DlqReason.MISSING_FIELD),
    /** An order line with a quantity below zero. */
    NEGATIVE_QUANTITY(DlqReason.INVALID_FIELD),
    /** A purchase in a currency that is not an ISO 4217 code. */
    UNKNOWN_CURRENCY(DlqReason.UNKNOWN_CURRENCY);

    private final DlqReason reason;

    Defect(final DlqReason reason) {
        this.reason = reason;
    }

    /** The reason the engine gives when it rejects such a record. */
    public DlqReason reason() {
        return reason;
    }
}
