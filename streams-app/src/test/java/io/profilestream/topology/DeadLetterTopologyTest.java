package io.profilestream.topology;

import static io.profilestream.topology.TestEvents.click;
import static io.profilestream.topology.TestEvents.email;
import static io.profilestream.topology.TestEvents.item;
import static io.profilestream.topology.TestEvents.order;
import static io.profilestream.topology.TopologyFixture.START;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.profilestream.events.ClickType;
import io.profilestream.events.EmailEventType;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.serde.RegistryAvroSerde;

/**
 * Every validation reason sends the original bytes to the dead-letter queue, and the next good record is applied.
 */
class DeadLetterTopologyTest {

    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    static Stream<Arguments> invalidPurchases() {
        final PurchaseEvent good = order("p1", "c1", START, 1_000, item("outdoor", 1, 1_000));
        return Stream.of(
            Arguments.of("blank event id", "c1", PurchaseEvent.newBuilder(good).setEventId(" ").build(),
                "missing-field"),
            Arguments.of("negative quantity", "c1", PurchaseEvent.newBuilder(good)
                .setItems(List.of(item("outdoor", -1, 1_000))).build(), "invalid-field"),
            Arguments.of("negative price", "c1", PurchaseEvent.newBuilder(good)
                .setItems(List.of(item("outdoor", 1, -5))).build(), "invalid-field"),
            Arguments.of("negative total", "c1", PurchaseEvent.newBuilder(good).setTotalMinor(-1).build(),
                "invalid-field"),
            Arguments.of("absurd total", "c1", PurchaseEvent.newBuilder(good).setTotalMinor(Long.MAX_VALUE).build(),
                "invalid-field"),
            Arguments.of("currency without a rate", "c1", PurchaseEvent.newBuilder(good).setCurrency("JPY").build(),
                "unknown-currency"),
            Arguments.of("not a currency", "c1", PurchaseEvent.newBuilder(good).setCurrency("XXQ").build(),
                "unknown-currency"),
            Arguments.of("key differs from customerId", "c2", good, "key-mismatch"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidPurchases")
    void shouldSendAnInvalidPurchaseToTheDeadLetterQueue(final String description,
                                                         final String key,
                                                         final PurchaseEvent invalid,
                                                         final String reason) {
        final byte[] bytes = fixture.serdes.purchase().serialize(fixture.topics.purchases(), invalid);
        fixture.raw(fixture.topics.purchases()).pipeInput(key, bytes);
        fixture.purchases.pipeInput("c1", order("p2", "c1", START, 500));

        final TestRecord<String, byte[]> dead = fixture.dlq.readRecord();
        assertThat(dead.key()).isEqualTo(key);
        assertThat(dead.value()).isEqualTo(bytes);
        assertThat(header(dead.headers(), DeadLetterQueueHandler.HEADER_REASON)).isEqualTo(reason);
        assertThat(header(dead.headers(), DeadLetterQueueHandler.HEADER_TOPIC)).isEqualTo("purchase-events");
        assertThat(header(dead.headers(), DeadLetterQueueHandler.HEADER_OFFSET)).isEqualTo("0");
        assertThat(fixture.dlq.isEmpty()).isTrue();
        assertThat(fixture.profile("c1").getTransactions().getOrders()).isEqualTo(1);
        assertThat(fixture.profile("c1").getTransactions().getRevenueMinor()).isEqualTo(500);
        assertThat(fixture.counter("profilestream.dlq", "reason", reason)).isEqualTo(1.0);
    }

    @Test
    void shouldSendAClickWithoutSessionToTheDeadLetterQueueBeforeItIsRekeyed() {
        fixture.clicks.pipeInput("a1", click("e1", "a1", ClickType.PAGE_VIEW, START).setSessionId("").build());
        fixture.clicks.pipeInput("a1", click("e2", "a1", ClickType.PAGE_VIEW, START).build());

        final TestRecord<String, byte[]> dead = fixture.dlq.readRecord();
        assertThat(header(dead.headers(), DeadLetterQueueHandler.HEADER_REASON)).isEqualTo("missing-field");
        assertThat(header(dead.headers(), DeadLetterQueueHandler.HEADER_TOPIC)).isEqualTo("clickstream-events");
        assertThat(fixture.profile("anon:a1").getBehaviour().getPageViews()).isEqualTo(1);
    }

    @Test
    void shouldSendAnEmailKeyedByAnotherCustomerToTheDeadLetterQueue() {
        fixture.emails.pipeInput("someone-else", email("m1", "c1", EmailEventType.OPENED, START));
        assertThat(header(fixture.dlq.readRecord().headers(), DeadLetterQueueHandler.HEADER_REASON))
            .isEqualTo("key-mismatch");
        assertThat(fixture.profile("c1")).isNull();
    }

    @Test
    void shouldCountARecordOverTheSizeLimit() {
        final byte[] huge = new byte[fixture.config.getInt("validation.max.record.bytes") + 1];
        fixture.raw(fixture.topics.email()).pipeInput("c1", huge);
        assertThat(fixture.counter("profilestream.dlq", "reason", "oversized")).isEqualTo(1.0);
    }

    @Test
    void shouldCountAWriterSchemaWithoutARequiredFieldAsMissingField() throws Exception {
        // An outside producer whose EmailEvent schema lacks campaignId (required, no default).
        final Schema writer = SchemaBuilder.record("EmailEvent").namespace("io.profilestream.events").fields()
            .requiredString("eventId")
            .requiredString("customerId")
            .name("type").type().enumeration("EmailEventType")
            .symbols("SENT", "DELIVERED", "OPENED", "CLICKED", "BOUNCED", "UNSUBSCRIBED", "COMPLAINED").noDefault()
            .name("timestamp").type().longType().noDefault()
            .endRecord();
        final int id = fixture.registry.register("outside-subject", writer);
        final GenericRecord value = new GenericData.Record(writer);
        value.put("eventId", "m1");
        value.put("customerId", "c1");
        value.put("type", new GenericData.EnumSymbol(writer.getField("type").schema(), "OPENED"));
        value.put("timestamp", START.toEpochMilli());
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(new byte[] {RegistryAvroSerde.MAGIC_BYTE, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8),
            (byte) id});
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(value, encoder);
        encoder.flush();

        fixture.raw(fixture.topics.email()).pipeInput("c1", out.toByteArray());
        assertThat(fixture.counter("profilestream.dlq", "reason", "missing-field")).isEqualTo(1.0);
        assertThat(fixture.profile("c1")).isNull();
    }

    private static String header(final Headers headers, final String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
