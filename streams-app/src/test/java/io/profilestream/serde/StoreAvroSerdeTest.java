package io.profilestream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.profilestream.domain.ProfileAggregator;
import io.profilestream.profile.CustomerProfile;

class StoreAvroSerdeTest {

    @Test
    void shouldRoundTripAProfile() {
        final StoreAvroSerde<CustomerProfile> serde = new StoreAvroSerde<>(CustomerProfile.class);
        final CustomerProfile profile = ProfileAggregator.newProfile("c1");
        profile.getBehaviour().getChannelCounts().put("paid", 3L);
        assertThat(serde.deserialize(serde.serialize(profile))).isEqualTo(profile);
    }

    @Test
    void shouldReadAValueStoredWithAnEarlierSchemaThroughItsHistory() {
        final Schema current = CustomerProfile.getClassSchema();
        final Schema earlier = withoutField(current, "persona");
        final GenericRecord old = new GenericData.Record(earlier);
        final CustomerProfile template = ProfileAggregator.newProfile("c1");
        for (final Schema.Field field : earlier.getFields()) {
            old.put(field.name(), GenericData.get().deepCopy(field.schema(), template.get(field.name())));
        }
        final byte[] stored = encode(new BinaryMessageEncoder<>(GenericData.get(), earlier), old);

        final CustomerProfile read = new StoreAvroSerde<>(CustomerProfile.class, List.of(earlier)).deserialize(stored);
        assertThat(read.getProfileId()).isEqualTo("c1");
        assertThat(read.getPersona()).isNull();

        assertThatThrownBy(() -> new StoreAvroSerde<>(CustomerProfile.class, List.of()).deserialize(stored))
            .isInstanceOf(SerializationException.class)
            .hasMessageContaining("CustomerProfile");
    }

    @Test
    void shouldReadAProfileStoredWithTheFirstPublishedSchema() throws Exception {
        final Schema v1;
        try (InputStream in = getClass().getResourceAsStream("/avro-history/CustomerProfile-v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        final CustomerProfile current = ProfileAggregator.newProfile("c1");
        current.getBehaviour().setPageViews(7);
        final GenericRecord old = asSchema(current, v1);
        final byte[] stored = encode(new BinaryMessageEncoder<>(GenericData.get(), v1), old);

        final CustomerProfile read = new StoreAvroSerde<>(CustomerProfile.class).deserialize(stored);
        assertThat(read.getBehaviour().getPageViews()).isEqualTo(7);
        assertThat(read.getDemographics().getAttributes()).isEmpty();
        assertThat(read.getConsent().getEmail()).isNull();
        assertThat(read.getIdentity().getMerges()).isZero();
    }

    /** Projects a profile onto an earlier schema, as if it had been written with that schema. */
    private static GenericRecord asSchema(final CustomerProfile profile, final Schema earlier) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<CustomerProfile>(CustomerProfile.getClassSchema()).write(profile, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(CustomerProfile.getClassSchema(), earlier)
            .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    private static Schema withoutField(final Schema schema, final String name) {
        final List<Schema.Field> fields = schema.getFields().stream()
            .filter(f -> !f.name().equals(name))
            .map(f -> new Schema.Field(f, f.schema()))
            .collect(Collectors.toList());
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    private static byte[] encode(final BinaryMessageEncoder<GenericRecord> encoder, final GenericRecord record) {
        try {
            final ByteBuffer buffer = encoder.encode(record);
            final byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (final java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
