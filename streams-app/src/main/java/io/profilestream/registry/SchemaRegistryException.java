package io.profilestream.registry;

/**
 * A schema registry call failed: the registry refused it (4xx with its own message) or could not be reached.
 */
public final class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** HTTP status, or 0 when the registry could not be reached. */
    private final int status;
    /** Confluent error code (for example 40401 subject not found), or 0 when unknown. */
    private final int errorCode;

    public SchemaRegistryException(final int status, final int errorCode, final String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(final String message, final Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.errorCode = 0;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    public boolean isNotFound() {
        return status == 404;
    }
}
