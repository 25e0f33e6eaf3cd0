package io.profilestream.registry;

import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;

/**
 * Confluent's own schema registry client, as an outside peer for interoperability tests.
 * It comes from {@code org.apache.flink:flink-sql-avro-confluent-registry} (test scope), which bundles
 * {@code io.confluent:kafka-schema-registry-client} 7.5.3 relocated under
 * {@code org.apache.flink.avro.registry.confluent.shaded.io.confluent}.
 * That client works with its own relocated copy of Avro 1.11.4, {@code org.apache.flink.avro.shaded.org.apache.avro},
 * never with the project's {@code org.apache.avro}: schemas cross between the two as JSON text.
 * The jar has no KafkaAvroSerializer; for wire-format bytes, Flink's
 * {@code org.apache.flink.formats.avro.registry.confluent.ConfluentSchemaRegistryCoder} (in the same jar) writes and
 * reads the Confluent header (magic byte 0, 4-byte big-endian id) through this client, and the relocated Avro's
 * {@code GenericDatumWriter} and {@code GenericDatumReader} write and read the Avro binary body.
 */
final class ConfluentPeer {

    private ConfluentPeer() {
    }

    /**
     * Returns Confluent's caching client for a registry URL.
     */
    static CachedSchemaRegistryClient client(final String url) {
        return new CachedSchemaRegistryClient(url, 100);
    }

    /**
     * Converts a schema of the project's Avro into Confluent's parsed schema, on the relocated Avro.
     */
    static AvroSchema avro(final org.apache.avro.Schema schema) {
        return new AvroSchema(schema.toString());
    }

    /**
     * Converts a schema of the project's Avro into the relocated Avro that Confluent's client and Flink's coder use.
     */
    static org.apache.flink.avro.shaded.org.apache.avro.Schema relocated(final org.apache.avro.Schema schema) {
        return new org.apache.flink.avro.shaded.org.apache.avro.Schema.Parser().parse(schema.toString());
    }
}
