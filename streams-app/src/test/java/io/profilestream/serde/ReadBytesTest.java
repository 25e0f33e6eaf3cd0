package io.profilestream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

class ReadBytesTest {

    private final ReadBytes readBytes = new ReadBytes();
    private final AtomicInteger encoded = new AtomicInteger();
    // A new object per read, as a deserializer makes: equal values are still different objects.
    private final Deserializer<StringBuilder> reader = readBytes.remembering(
        (topic, data) -> new StringBuilder(new String(data, StandardCharsets.UTF_8)));
    private final Serializer<StringBuilder> writer = readBytes.reusing((topic, value) -> {
        if (value == null) {
            return null;
        }
        encoded.incrementAndGet();
        return value.toString().getBytes(StandardCharsets.UTF_8);
    });

    @Test
    void shouldWriteAValueInTheBytesItWasReadInAndEncodeAnyOther() {
        final byte[] read = bytes("a");
        final StringBuilder value = reader.deserialize("in", read);
        reader.deserialize("in", bytes("b"));

        assertThat(writer.serialize("out", value)).isSameAs(read);
        assertThat(encoded).hasValue(0);
        assertThat(writer.serialize("out", new StringBuilder("a"))).as("an equal value that was not read")
            .isNotSameAs(read).isEqualTo(read);
        assertThat(writer.serialize("out", value)).as("bytes are handed out once").isNotSameAs(read);
        assertThat(encoded).hasValue(2);
        assertThat(writer.serialize("out", null)).isNull();
    }

    @Test
    void shouldKeepTheBytesOfTheLastReadsOnly() {
        final byte[] first = bytes("first");
        final StringBuilder oldest = reader.deserialize("in", first);
        final byte[] second = bytes("second");
        final StringBuilder kept = reader.deserialize("in", second);
        for (int i = 0; i < ReadBytes.KEPT - 1; i++) {
            reader.deserialize("in", bytes("other-" + i));
        }

        assertThat(writer.serialize("out", kept)).isSameAs(second);
        assertThat(writer.serialize("out", oldest)).isNotSameAs(first).isEqualTo(first);
        assertThat(encoded).hasValue(1);
    }

    @Test
    void shouldNotHandOverBytesReadOnAnotherThread() throws Exception {
        final byte[] read = bytes("a");
        final StringBuilder value = CompletableFuture.supplyAsync(() -> reader.deserialize("in", read)).get();

        assertThat(writer.serialize("out", value)).isNotSameAs(read);
        assertThat(encoded).hasValue(1);
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
