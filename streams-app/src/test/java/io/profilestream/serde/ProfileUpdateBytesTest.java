package io.profilestream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import io.profilestream.domain.ProfileAggregator;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.registry.InMemorySchemaRegistryClient;

/** A stored profile becomes its {@code profile-updates} value by re-framing, not re-encoding. */
class ProfileUpdateBytesTest {

    private static final String TOPIC = "profile-updates";

    private final EngineSerdes serdes = new EngineSerdes(new InMemorySchemaRegistryClient(), 1 << 20);

    @Test
    void shouldPublishTheStoredAvroBinaryUnderTheRegistryHeader() {
        final CustomerProfile profile = ProfileAggregator.newProfile("c1");
        profile.getBehaviour().setPageViews(7);
        profile.getBehaviour().getChannelCounts().put("paid", 3L);
        final byte[] stored = serdes.storedProfile().serialize(profile);

        final byte[] published = serdes.profileUpdate(TOPIC, stored);

        assertThat(published).isEqualTo(serdes.profile().serialize(TOPIC, profile));
        assertThat(serdes.profile().deserialize(published)).isEqualTo(profile);
        assertThat(serdes.profileUpdate(TOPIC, null)).isNull();
    }

    @Test
    void shouldReencodeAProfileStoredWithAnEarlierSchema() throws Exception {
        final Schema v1;
        try (InputStream in = getClass().getResourceAsStream("/avro-history/CustomerProfile-v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        final CustomerProfile current = ProfileAggregator.newProfile("c1");
        current.getBehaviour().setPageViews(7);
        final byte[] stored = encodeWith(v1, current);
        assertThat(serdes.storedProfile().currentSchemaBodyOffset(stored)).isNegative();

        final CustomerProfile published = serdes.profile().deserialize(serdes.profileUpdate(TOPIC, stored));

        assertThat(published.getProfileId()).isEqualTo("c1");
        assertThat(published.getBehaviour().getPageViews()).isEqualTo(7);
    }

    /** Single-object encoding of a profile projected onto an earlier schema, as that schema's writer stored it. */
    private static byte[] encodeWith(final Schema earlier, final CustomerProfile profile) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<CustomerProfile>(CustomerProfile.getClassSchema()).write(profile, encoder);
        encoder.flush();
        final GenericRecord old = new GenericDatumReader<GenericRecord>(CustomerProfile.getClassSchema(), earlier)
            .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        final ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), earlier).encode(old);
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
