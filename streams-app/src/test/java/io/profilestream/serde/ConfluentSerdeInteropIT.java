package io.profilestream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.apache.flink.avro.shaded.org.apache.avro.Schema;
import org.apache.flink.avro.shaded.org.apache.avro.SchemaNormalization;
import org.apache.flink.avro.shaded.org.apache.avro.data.TimeConversions;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericData;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumReader;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumWriter;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericRecord;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericRecordBuilder;
import org.apache.flink.avro.shaded.org.apache.avro.io.BinaryDecoder;
import org.apache.flink.avro.shaded.org.apache.avro.io.BinaryEncoder;
import org.apache.flink.avro.shaded.org.apache.avro.io.DecoderFactory;
import org.apache.flink.avro.shaded.org.apache.avro.io.EncoderFactory;
import org.apache.flink.formats.avro.registry.confluent.ConfluentSchemaRegistryCoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.Device;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.registry.RestSchemaRegistryClient;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;
import io.profilestream.testing.TestNamespace;

/**
 * Checks, byte for byte, that {@link RegistryAvroSerde} and Confluent's own stack agree on the wire format: what one
 * side writes, the other reads with the same field values.
 * Confluent's side is its schema registry client (relocated inside Flink's SQL Avro registry jar), Flink's
 * {@link ConfluentSchemaRegistryCoder} for the magic byte and schema id, and the relocated Avro's generic writer and
 * reader for the body; its schemas are parsed from the {@code .avsc} files, never from the generated classes.
 * Records from newer and older producers, whose schemas add or lack fields with defaults, must still decode.
 * The broker and the embedded registry, which {@link KafkaClusterExtension} starts, are shared by the class; each
 * test writes to topics of its own.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class ConfluentSerdeInteropIT {

    private static final int MAX_RECORD_BYTES = 262_144;
    private static final Instant OCCURRED_AT = Instant.parse("2026-03-14T09:26:53.589Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema PURCHASE = avsc("events/PurchaseEvent.avsc", PurchaseEvent.getClassSchema());
    private static final Schema CLICK = avsc("events/ClickEvent.avsc", ClickEvent.getClassSchema());

    private static CachedSchemaRegistryClient confluent;
    private static EngineSerdes serdes;

    @BeforeAll
    static void start(final KafkaCluster cluster) {
        confluent = new CachedSchemaRegistryClient(cluster.registryUrl(), 100);
        serdes = new EngineSerdes(new RestSchemaRegistryClient(cluster.registryUrl()), MAX_RECORD_BYTES);
    }

    @AfterAll
    static void stop() throws IOException {
        if (confluent != null) {
            confluent.close();
        }
    }

    @Test
    void shouldReadAPurchaseThatConfluentsClientWrote(final TestNamespace namespace) throws Exception {
        final String subject = RegistryAvroSerde.subject(namespace.topic("purchase-events"));
        final int id = confluent.register(subject, new AvroSchema(PURCHASE));
        final GenericRecord written = confluentPurchase(PURCHASE)
            .set("discountMinor", 250L)
            .set("channel", "web")
            .build();

        final byte[] bytes = confluentWrite(subject, PURCHASE, GenericData.get(), written);
        final PurchaseEvent read = serdes.purchase().deserialize(bytes);

        assertThat(schemaId(bytes)).isEqualTo(id);
        assertThat(read.getEventId()).isEqualTo("e-1");
        assertThat(read.getOrderId()).isEqualTo("o-1");
        assertThat(read.getCustomerId()).isEqualTo("c-1");
        assertThat(read.getType()).isEqualTo(PurchaseType.REFUND);
        assertThat(read.getTimestamp()).isEqualTo(OCCURRED_AT);
        assertThat(read.getCurrency()).isEqualTo("EUR");
        assertThat(read.getTotalMinor()).isEqualTo(4_750L);
        assertThat(read.getDiscountMinor()).isEqualTo(250L);
        assertThat(read.getItems()).containsExactly(
            LineItem.newBuilder().setSku("sku-1").setCategory("outdoor").setQuantity(2).setUnitPriceMinor(1_500L)
                .build(),
            LineItem.newBuilder().setSku("sku-2").setCategory("books").setQuantity(1).setUnitPriceMinor(2_000L)
                .build());
        assertThat(read.getChannel()).isEqualTo("web");
        assertSamePurchase(written, read);
    }

    @Test
    void shouldWriteAPurchaseThatConfluentsClientReads(final TestNamespace namespace) throws Exception {
        final String topic = namespace.topic("purchase-events");
        final PurchaseEvent written = PurchaseEvent.newBuilder()
            .setEventId("e-2")
            .setOrderId("o-2")
            .setCustomerId("c-2")
            .setType(PurchaseType.ORDER)
            .setTimestamp(OCCURRED_AT)
            .setCurrency("USD")
            .setTotalMinor(3_000L)
            .setItems(List.of(
                LineItem.newBuilder().setSku("sku-3").setCategory("garden").setQuantity(3).setUnitPriceMinor(1_000L)
                    .build()))
            .build();

        final byte[] bytes = serdes.purchase().serialize(topic, written);
        final GenericRecord read = confluentRead(bytes, PURCHASE, GenericData.get());

        assertThat(bytes[0]).isEqualTo(RegistryAvroSerde.MAGIC_BYTE);
        assertThat(confluent.getId(RegistryAvroSerde.subject(topic),
            new AvroSchema(serdes.purchase().schema().toString()))).isEqualTo(schemaId(bytes));
        assertThat(text(read, "eventId")).isEqualTo("e-2");
        assertThat(text(read, "type")).isEqualTo("ORDER");
        assertThat(read.get("timestamp")).isEqualTo(OCCURRED_AT.toEpochMilli());
        assertThat(read.get("discountMinor")).isEqualTo(0L);
        assertThat(read.get("channel")).isNull();
        assertSamePurchase(read, written);
    }

    @Test
    void shouldReadAPurchaseFromANewerProducerWhoseSchemaHasAnExtraOptionalField(final TestNamespace namespace)
        throws Exception {
        final String topic = namespace.topic("purchase-events-newer-producer");
        final String subject = RegistryAvroSerde.subject(topic);
        confluent.register(subject, new AvroSchema(PURCHASE));
        final Schema newer = withField(PURCHASE,
            "{\"name\": \"couponCode\", \"type\": [\"null\", \"string\"], \"default\": null}");
        final GenericRecord written = confluentPurchase(newer)
            .set("channel", "app")
            .set("couponCode", "SPRING-10")
            .build();

        final byte[] bytes = confluentWrite(subject, newer, GenericData.get(), written);
        final PurchaseEvent read = serdes.purchase().deserialize(bytes);

        assertThat(confluent.getAllVersions(subject)).containsExactly(1, 2);
        assertThat(confluent.getLatestSchemaMetadata(subject).getId()).isEqualTo(schemaId(bytes));
        assertThat(read.getSchema().getField("couponCode")).isNull();
        assertThat(read.getChannel()).isEqualTo("app");
        assertSamePurchase(written, read);
    }

    @Test
    void shouldReadAPurchaseFromAnOlderProducerWithTheDefaultsOfTheFieldsItLacks(final TestNamespace namespace)
        throws Exception {
        final String topic = namespace.topic("purchase-events-older-producer");
        final String subject = RegistryAvroSerde.subject(topic);
        final Schema older = withoutFields(PURCHASE, "discountMinor", "channel");
        final GenericRecord written = confluentPurchase(older).build();

        final byte[] bytes = confluentWrite(subject, older, GenericData.get(), written);
        final PurchaseEvent read = serdes.purchase().deserialize(bytes);
        final byte[] rewritten = serdes.purchase().serialize(topic, read);

        assertThat(older.getField("channel")).isNull();
        assertThat(read.getDiscountMinor()).isZero();
        assertThat(read.getChannel()).isNull();
        assertThat(read.getEventId()).isEqualTo("e-1");
        assertThat(read.getType()).isEqualTo(PurchaseType.REFUND);
        assertThat(read.getTimestamp()).isEqualTo(OCCURRED_AT);
        assertThat(read.getItems()).extracting(LineItem::getSku).containsExactly("sku-1", "sku-2");
        assertThat(confluent.getAllVersions(subject)).containsExactly(1, 2);
        assertThat(confluent.getLatestSchemaMetadata(subject).getId()).isEqualTo(schemaId(rewritten));
    }

    @Test
    void shouldReadAClickThatConfluentsClientWrote(final TestNamespace namespace) throws Exception {
        final String subject = RegistryAvroSerde.subject(namespace.topic("clickstream-events"));
        final GenericRecord written = new GenericRecordBuilder(CLICK)
            .set("eventId", "k-1")
            .set("anonymousId", "anon-1")
            .set("customerId", "c-1")
            .set("sessionId", "s-1")
            .set("type", new GenericData.EnumSymbol(CLICK.getField("type").schema(), "ADD_TO_CART"))
            .set("timestamp", OCCURRED_AT)
            .set("url", "https://shop.example/p/42")
            .set("productId", "p-42")
            .set("category", "outdoor")
            .set("priceMinor", 1_999L)
            .set("currency", "EUR")
            .set("channel", "paid")
            .set("device", new GenericData.EnumSymbol(CLICK.getField("device").schema(), "MOBILE"))
            .build();

        final byte[] bytes = confluentWrite(subject, CLICK, withTimestamps(), written);
        final ClickEvent read = serdes.click().deserialize(bytes);

        assertThat(read.getEventId()).isEqualTo("k-1");
        assertThat(read.getAnonymousId()).isEqualTo("anon-1");
        assertThat(read.getCustomerId()).isEqualTo("c-1");
        assertThat(read.getSessionId()).isEqualTo("s-1");
        assertThat(read.getType()).isEqualTo(ClickType.ADD_TO_CART);
        assertThat(read.getTimestamp()).isEqualTo(OCCURRED_AT);
        assertThat(read.getUrl()).isEqualTo("https://shop.example/p/42");
        assertThat(read.getProductId()).isEqualTo("p-42");
        assertThat(read.getCategory()).isEqualTo("outdoor");
        assertThat(read.getPriceMinor()).isEqualTo(1_999L);
        assertThat(read.getCurrency()).isEqualTo("EUR");
        assertThat(read.getSearchQuery()).isNull();
        assertThat(read.getChannel()).isEqualTo("paid");
        assertThat(read.getDevice()).isEqualTo(Device.MOBILE);
        assertThat(read.getCountry()).isNull();
        assertSameClick(written, read);
    }

    @Test
    void shouldWriteAClickThatConfluentsClientReads(final TestNamespace namespace) throws Exception {
        final String topic = namespace.topic("clickstream-events");
        final ClickEvent written = ClickEvent.newBuilder()
            .setEventId("k-2")
            .setAnonymousId("anon-2")
            .setSessionId("s-2")
            .setType(ClickType.SEARCH)
            .setTimestamp(OCCURRED_AT)
            .setSearchQuery("rain jacket")
            .setChannel("organic")
            .setDevice(Device.TABLET)
            .setCountry("NL")
            .build();

        final byte[] bytes = serdes.click().serialize(topic, written);
        final GenericRecord read = confluentRead(bytes, CLICK, withTimestamps());

        assertThat(confluent.getId(RegistryAvroSerde.subject(topic),
            new AvroSchema(serdes.click().schema().toString()))).isEqualTo(schemaId(bytes));
        assertThat(read.get("customerId")).isNull();
        assertThat(read.get("priceMinor")).isNull();
        assertThat(text(read, "type")).isEqualTo("SEARCH");
        assertThat(text(read, "device")).isEqualTo("TABLET");
        assertThat(read.get("timestamp")).isEqualTo(OCCURRED_AT);
        assertThat(text(read, "searchQuery")).isEqualTo("rain jacket");
        assertSameClick(read, written);
    }

    /**
     * A purchase on Confluent's side with every field the older schema also has; a builder so tests can add more.
     */
    private static GenericRecordBuilder confluentPurchase(final Schema schema) {
        final Schema lineItem = schema.getField("items").schema().getElementType();
        return new GenericRecordBuilder(schema)
            .set("eventId", "e-1")
            .set("orderId", "o-1")
            .set("customerId", "c-1")
            .set("type", new GenericData.EnumSymbol(schema.getField("type").schema(), "REFUND"))
            .set("timestamp", OCCURRED_AT.toEpochMilli())
            .set("currency", "EUR")
            .set("totalMinor", 4_750L)
            .set("items", List.of(
                new GenericRecordBuilder(lineItem).set("sku", "sku-1").set("category", "outdoor").set("quantity", 2)
                    .set("unitPriceMinor", 1_500L).build(),
                new GenericRecordBuilder(lineItem).set("sku", "sku-2").set("category", "books").set("quantity", 1)
                    .set("unitPriceMinor", 2_000L).build()));
    }

    private static void assertSamePurchase(final GenericRecord generic,
                                           final PurchaseEvent specific) {
        assertThat(text(generic, "eventId")).isEqualTo(specific.getEventId());
        assertThat(text(generic, "orderId")).isEqualTo(specific.getOrderId());
        assertThat(text(generic, "customerId")).isEqualTo(specific.getCustomerId());
        assertThat(text(generic, "type")).isEqualTo(specific.getType().name());
        assertThat(generic.get("timestamp")).isEqualTo(specific.getTimestamp().toEpochMilli());
        assertThat(text(generic, "currency")).isEqualTo(specific.getCurrency());
        assertThat(generic.get("totalMinor")).isEqualTo(specific.getTotalMinor());
        if (generic.hasField("discountMinor")) {
            assertThat(generic.get("discountMinor")).isEqualTo(specific.getDiscountMinor());
        }
        if (generic.hasField("channel")) {
            assertThat(text(generic, "channel")).isEqualTo(specific.getChannel());
        }
        final List<?> items = (List<?>) generic.get("items");
        assertThat(items).hasSameSizeAs(specific.getItems());
        for (int i = 0; i < items.size(); i++) {
            final GenericRecord item = (GenericRecord) items.get(i);
            final LineItem expected = specific.getItems().get(i);
            assertThat(text(item, "sku")).isEqualTo(expected.getSku());
            assertThat(text(item, "category")).isEqualTo(expected.getCategory());
            assertThat(item.get("quantity")).isEqualTo(expected.getQuantity());
            assertThat(item.get("unitPriceMinor")).isEqualTo(expected.getUnitPriceMinor());
        }
    }

    private static void assertSameClick(final GenericRecord generic,
                                        final ClickEvent specific) {
        assertThat(text(generic, "eventId")).isEqualTo(specific.getEventId());
        assertThat(text(generic, "anonymousId")).isEqualTo(specific.getAnonymousId());
        assertThat(text(generic, "customerId")).isEqualTo(specific.getCustomerId());
        assertThat(text(generic, "sessionId")).isEqualTo(specific.getSessionId());
        assertThat(text(generic, "type")).isEqualTo(specific.getType().name());
        assertThat(generic.get("timestamp")).isEqualTo(specific.getTimestamp());
        assertThat(text(generic, "url")).isEqualTo(specific.getUrl());
        assertThat(text(generic, "productId")).isEqualTo(specific.getProductId());
        assertThat(text(generic, "category")).isEqualTo(specific.getCategory());
        assertThat(generic.get("priceMinor")).isEqualTo(specific.getPriceMinor());
        assertThat(text(generic, "currency")).isEqualTo(specific.getCurrency());
        assertThat(text(generic, "searchQuery")).isEqualTo(specific.getSearchQuery());
        assertThat(text(generic, "channel")).isEqualTo(specific.getChannel());
        assertThat(text(generic, "device")).isEqualTo(specific.getDevice().name());
        assertThat(text(generic, "country")).isEqualTo(specific.getCountry());
    }

    /**
     * Writes as a Confluent producer does: the coder registers the schema under the subject and writes magic byte and
     * id, then the relocated Avro writes the body.
     */
    private static byte[] confluentWrite(final String subject,
                                         final Schema schema,
                                         final GenericData model,
                                         final GenericRecord record) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ConfluentSchemaRegistryCoder(subject, confluent).writeSchema(schema, out);
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema, model).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /**
     * Reads as a Confluent consumer does: the coder reads the header and fetches the writer schema by id, then the
     * relocated Avro resolves it against the consumer's own schema.
     */
    private static GenericRecord confluentRead(final byte[] bytes,
                                               final Schema readerSchema,
                                               final GenericData model) throws IOException {
        final InputStream in = new ByteArrayInputStream(bytes);
        final Schema writerSchema = new ConfluentSchemaRegistryCoder(confluent).readSchema(in);
        final BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(in, null);
        final GenericRecord record = new GenericDatumReader<GenericRecord>(writerSchema, readerSchema, model)
            .read(null, decoder);
        assertThat(decoder.isEnd()).as("every byte of the body is read").isTrue();
        return record;
    }

    private static int schemaId(final byte[] bytes) {
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }

    private static String text(final GenericRecord record,
                               final String field) {
        final Object value = record.get(field);
        return value == null ? null : value.toString();
    }

    /** The relocated Avro's generic model with timestamp-millis as {@link Instant}, as a logical-type-aware peer. */
    private static GenericData withTimestamps() {
        final GenericData model = new GenericData();
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        return model;
    }

    /**
     * Parses an {@code .avsc} file from the schemas jar with the relocated Avro, and checks it is the schema the
     * generated class was compiled from.
     */
    private static Schema avsc(final String resource,
                               final org.apache.avro.Schema compiled) {
        try (InputStream in = ConfluentSerdeInteropIT.class.getResourceAsStream("/avro/" + resource)) {
            assertThat(in).as("schema resource %s", resource).isNotNull();
            final Schema schema = new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            assertThat(SchemaNormalization.toParsingForm(schema))
                .isEqualTo(org.apache.avro.SchemaNormalization.toParsingForm(compiled));
            return schema;
        } catch (final IOException e) {
            throw new IllegalStateException("Could not read " + resource + ".", e);
        }
    }

    private static Schema withField(final Schema schema,
                                    final String field) throws IOException {
        final ObjectNode json = (ObjectNode) JSON.readTree(schema.toString());
        ((ArrayNode) json.get("fields")).add(JSON.readTree(field));
        return new Schema.Parser().parse(json.toString());
    }

    private static Schema withoutFields(final Schema schema,
                                        final String... names) throws IOException {
        final ObjectNode json = (ObjectNode) JSON.readTree(schema.toString());
        final ArrayNode fields = (ArrayNode) json.get("fields");
        for (final String name : names) {
            for (int i = fields.size() - 1; i >= 0; i--) {
                if (name.equals(fields.get(i).get("name").asText())) {
                    fields.remove(i);
                }
            }
        }
        return new Schema.Parser().parse(json.toString());
    }
}
