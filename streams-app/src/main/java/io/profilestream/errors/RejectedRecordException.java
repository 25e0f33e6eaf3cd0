package io.profilestream.errors;

/**
 * A record the engine cannot accept, with the reason it goes to the dead-letter queue.
 * Messages name fields and rules, never field values, so they are safe to log.
 */
public class RejectedRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final DlqReason reason;

    public RejectedRecordException(final DlqReason reason, final String message) {
        super(message);
        this.reason = reason;
    }

    public RejectedRecordException(final DlqReason reason, final String message, final Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public DlqReason reason() {
        return reason;
    }
}
