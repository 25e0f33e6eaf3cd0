package io.profilestream.registry;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API the engine needs.
 * Implementations cache what is immutable (ids and their schemas) and are safe for concurrent use.
 */
public interface SchemaRegistryClient {

    /**
     * Registers a schema under a subject, or finds it when it is already registered.
     *
     * @return the global schema id
     * @throws SchemaRegistryException when the registry refuses the schema (for example as incompatible)
     *     or cannot be reached
     */
    int register(String subject, Schema schema);

    /**
     * Returns the schema with a global id.
     *
     * @throws SchemaRegistryException with status 404 when no schema has that id
     */
    Schema getSchemaById(int id);

    /**
     * Returns the latest version registered under a subject.
     *
     * @throws SchemaRegistryException with status 404 when the subject is unknown
     */
    RegisteredSchema getLatest(String subject);

    /**
     * Tells whether a schema could be registered under a subject under the subject's compatibility rule.
     */
    boolean testCompatibility(String subject, Schema schema);

    /**
     * A schema as registered: subject, version, global id and the schema itself.
     */
    record RegisteredSchema(String subject, int version, int id, Schema schema) {
    }
}
