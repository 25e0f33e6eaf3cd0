package io.profilestream.serde;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import io.profilestream.errors.DlqReason;
import io.profilestream.errors.RejectedRecordException;
import io.profilestream.registry.SchemaRegistryClient;
import io.profilestream.registry.SchemaRegistryException;

/**
 * Avro values in the Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then Avro binary.
 * The writer registers its schema under the subject {@code <topic>-value}.
 * The reader resolves the writer schema by id and reads it into the compiled-in class, so records from older
 * and newer producers both decode as long as the schemas are compatible.
 *
 * @param <T> the generated Avro class
 */
public final class RegistryAvroSerde<T extends SpecificRecord> implements Serde<T> {

    /** The first byte of every Confluent-framed record. */
    public static final byte MAGIC_BYTE = 0;
    private static final int HEADER_BYTES = 5;
    private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

    private final SchemaRegistryClient registry;
    private final Schema readerSchema;
    private final int maxRecordBytes;
    private final Map<String, Integer> idByTopic = new ConcurrentHashMap<>();
    private final Map<Integer, SpecificDatumReader<T>> readerByWriterId = new ConcurrentHashMap<>();
    private final SpecificDatumWriter<T> writer;

    /**
     * Creates a serde for one generated class.
     *
     * @param registry where schemas are registered and looked up
     * @param type the generated class
     * @param maxRecordBytes records larger than this are rejected when read
     */
    public RegistryAvroSerde(final SchemaRegistryClient registry,
                             final Class<T> type,
                             final int maxRecordBytes) {
        this(registry, SpecificData.get().getSchema(type), maxRecordBytes);
    }

    /**
     * Creates a serde for a schema whose values are generated classes, for example a union of records.
     *
     * @param registry where schemas are registered and looked up
     * @param schema the schema written and read; records in it are read into their generated classes
     * @param maxRecordBytes records larger than this are rejected when read
     */
    public RegistryAvroSerde(final SchemaRegistryClient registry,
                             final Schema schema,
                             final int maxRecordBytes) {
        this.registry = registry;
        this.readerSchema = schema;
        this.maxRecordBytes = maxRecordBytes;
        this.writer = new SpecificDatumWriter<>(readerSchema);
    }

    /**
     * The subject a topic's value schemas are registered under.
     */
    public static String subject(final String topic) {
        return topic + "-value";
    }

    public Schema schema() {
        return readerSchema;
    }

    /**
     * Serializes a value for a topic, registering the schema on first use.
     */
    public byte[] serialize(final String topic, final T value) {
        if (value == null) {
            return null;
        }
        final int id = schemaId(topic);
        final Buffer out = BUFFERS.get();
        out.reset();
        out.write(MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            out.encoder = EncoderFactory.get().binaryEncoder(out, out.encoder);
            writer.write(value, out.encoder);
            out.encoder.flush();
        } catch (final IOException | RuntimeException e) {
            throw new SerializationException("Could not serialize a " + readerSchema.getName() + " for topic "
                + topic + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * A thread's reusable output buffer and buffered encoder: unlike {@code ByteArrayOutputStream}, it takes no lock
     * per write, and the encoder writes its buffer out in one piece.
     */
    private static final class Buffer extends OutputStream {

        /** A buffer grown beyond this by one large record is not kept for the next. */
        private static final int KEPT_BYTES = 1 << 20;

        private byte[] bytes = new byte[1024];
        private int size;
        private BinaryEncoder encoder;

        void reset() {
            if (bytes.length > KEPT_BYTES) {
                bytes = new byte[1024];
            }
            size = 0;
        }

        @Override
        public void write(final int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(final byte[] source, final int offset, final int length) {
            ensure(length);
            System.arraycopy(source, offset, bytes, size, length);
            size += length;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }

        private void ensure(final int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }
    }

    /**
     * The wire format of an Avro binary that was encoded with this serde's schema elsewhere (a state store keeps the
     * same binary under another header): the registry header, then the bytes from {@code offset} on, not re-encoded.
     */
    public byte[] frame(final String topic, final byte[] avro, final int offset) {
        final int length = avro.length - offset;
        final byte[] framed = new byte[HEADER_BYTES + length];
        ByteBuffer.wrap(framed).put(MAGIC_BYTE).putInt(schemaId(topic));
        System.arraycopy(avro, offset, framed, HEADER_BYTES, length);
        return framed;
    }

    private int schemaId(final String topic) {
        return idByTopic.computeIfAbsent(topic, t -> registry.register(subject(t), readerSchema));
    }

    /**
     * Reads a framed record; throws {@link RejectedRecordException} with a reason for records the engine cannot accept,
     * and {@link SchemaRegistryException} when the registry cannot be reached (a transient failure, not a bad record).
     */
    public T deserialize(final byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length > maxRecordBytes) {
            throw new RejectedRecordException(DlqReason.OVERSIZED,
                "Record of " + data.length + " bytes exceeds the limit of " + maxRecordBytes + " bytes.");
        }
        if (data.length < HEADER_BYTES || data[0] != MAGIC_BYTE) {
            throw new RejectedRecordException(DlqReason.UNDECODABLE,
                "Record is not in the schema registry wire format (magic byte 0 and a 4-byte schema id).");
        }
        final int id = ByteBuffer.wrap(data, 1, 4).getInt();
        final SpecificDatumReader<T> reader = readerFor(id);
        try {
            final BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(data, HEADER_BYTES, data.length - HEADER_BYTES, null);
            final T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new RejectedRecordException(DlqReason.UNDECODABLE,
                    "Record has trailing bytes after the Avro " + readerSchema.getName() + ".");
            }
            return value;
        } catch (final AvroTypeException e) {
            final boolean missing = String.valueOf(e.getMessage()).contains("missing required field");
            throw new RejectedRecordException(missing ? DlqReason.MISSING_FIELD : DlqReason.INCOMPATIBLE_SCHEMA,
                "Schema " + id + " cannot be read as " + readerSchema.getFullName() + ": " + e.getMessage(), e);
        } catch (final IOException | RuntimeException e) {
            if (e instanceof RejectedRecordException rejected) {
                throw rejected;
            }
            throw new RejectedRecordException(DlqReason.UNDECODABLE,
                "Record is not valid Avro for schema " + id + " (" + e.getClass().getSimpleName() + ").", e);
        }
    }

    private SpecificDatumReader<T> readerFor(final int id) {
        final SpecificDatumReader<T> cached = readerByWriterId.get(id);
        if (cached != null) {
            return cached;
        }
        final Schema writerSchema;
        try {
            writerSchema = registry.getSchemaById(id);
        } catch (final SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new RejectedRecordException(DlqReason.UNKNOWN_SCHEMA_ID,
                    "Schema id " + id + " is not known to the schema registry.", e);
            }
            throw e;
        }
        final SpecificDatumReader<T> reader = new SpecificDatumReader<>(writerSchema, readerSchema);
        readerByWriterId.put(id, reader);
        return reader;
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> deserialize(data);
    }
}
