package io.profilestream.serde;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * State-store values in Avro single-object encoding (a 2-byte marker, the schema's 8-byte fingerprint, Avro binary).
 * Stores do not depend on the registry; a value written with an earlier schema is read through the schemas kept
 * under {@code avro-history/} on the classpath, so state survives schema evolution.
 *
 * @param <T> the generated Avro class
 */
public final class StoreAvroSerde<T extends SpecificRecord> implements Serde<T> {

    /** Classpath folder with earlier versions of stored schemas, named {@code <RecordName>-v<N>.avsc}. */
    public static final String HISTORY_FOLDER = "/avro-history/";
    private static final int MAX_HISTORY_VERSIONS = 100;

    /** Avro's single-object encoding: a 2-byte marker, then the writer schema's 8-byte little-endian fingerprint. */
    private static final byte[] MARKER = {(byte) 0xC3, 0x01};
    private static final int HEADER_BYTES = MARKER.length + Long.BYTES;

    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final String typeName;
    private final long fingerprint;

    /**
     * A serde that reads values written with the current schema or any schema under {@link #HISTORY_FOLDER}.
     */
    public StoreAvroSerde(final Class<T> type) {
        this(type, loadHistory(SpecificData.getForClass(type).getSchema(type).getName()));
    }

    /**
     * A serde that reads values written with the current schema or any of the given earlier schemas.
     */
    public StoreAvroSerde(final Class<T> type, final List<Schema> earlierSchemas) {
        final SpecificData data = SpecificData.getForClass(type);
        final Schema schema = data.getSchema(type);
        this.typeName = schema.getName();
        this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.encoder = new BinaryMessageEncoder<>(data, schema);
        final SchemaStore.Cache history = new SchemaStore.Cache();
        earlierSchemas.forEach(history::addSchema);
        this.decoder = new BinaryMessageDecoder<>(data, schema, history);
    }

    private static List<Schema> loadHistory(final String name) {
        final List<Schema> schemas = new ArrayList<>();
        for (int version = 1; version <= MAX_HISTORY_VERSIONS; version++) {
            final Schema old = loadHistory(name, version);
            if (old == null) {
                break;
            }
            schemas.add(old);
        }
        return schemas;
    }

    private static Schema loadHistory(final String name, final int version) {
        final String path = HISTORY_FOLDER + name + "-v" + version + ".avsc";
        try (InputStream in = StoreAvroSerde.class.getResourceAsStream(path)) {
            return in == null ? null : new Schema.Parser().parse(in);
        } catch (final IOException e) {
            throw new IllegalStateException("Schema history " + path + " is unreadable.", e);
        }
    }

    public byte[] serialize(final T value) {
        if (value == null) {
            return null;
        }
        try {
            final ByteBuffer buffer = encoder.encode(value);
            final byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (final IOException e) {
            throw new SerializationException("Could not encode a " + typeName + " for a state store.", e);
        }
    }

    /**
     * Where the Avro binary of a stored value starts when it was written with the current schema, as every value this
     * serde writes is; -1 for a value written with an earlier schema (or not by this serde), which must be decoded.
     */
    public int currentSchemaBodyOffset(final byte[] bytes) {
        if (bytes.length < HEADER_BYTES || bytes[0] != MARKER[0] || bytes[1] != MARKER[1]) {
            return -1;
        }
        final long writer = ByteBuffer.wrap(bytes, MARKER.length, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return writer == fingerprint ? HEADER_BYTES : -1;
    }

    public T deserialize(final byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return decoder.decode(bytes);
        } catch (final IOException | RuntimeException e) {
            throw new SerializationException("Could not decode a " + typeName + " from a state store: "
                + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> serialize(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> deserialize(bytes);
    }
}
