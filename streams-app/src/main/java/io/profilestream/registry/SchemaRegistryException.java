package io.profilestream.registry;

import java.util.List;

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

    /** The answer of the Confluent API to an unknown subject: 404, error code 40401. */
    static SchemaRegistryException subjectNotFound(final String subject) {
        return new SchemaRegistryException(404, 40401, "Subject '" + subject + "' not found.");
    }

    /** The answer of the Confluent API to an unknown version of a known subject: 404, error code 40402. */
    static SchemaRegistryException versionNotFound(final int version) {
        return new SchemaRegistryException(404, 40402, "Version " + version + " not found.");
    }

    /** The answer of the Confluent API to an unknown schema id: 404, error code 40403. */
    static SchemaRegistryException schemaNotFound(final String id) {
        return new SchemaRegistryException(404, 40403, "Schema " + id + " not found");
    }

    /** The answer of the Confluent API to a schema its subject's compatibility level refuses: 409. */
    static SchemaRegistryException incompatible(final String subject,
                                                final List<String> problems) {
        return new SchemaRegistryException(409, 409, "Schema being registered is incompatible with an earlier "
            + "schema for subject \"" + subject + "\", details: " + problems);
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
