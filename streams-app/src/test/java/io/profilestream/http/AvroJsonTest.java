package io.profilestream.http;

import io.profilestream.profile.CustomerProfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroJsonTest {

    private static final Schema MISC_SCHEMA = new Schema.Parser().parse("{"
        + "\"type\": \"record\", \"name\": \"Misc\", \"namespace\": \"test\", \"fields\": ["
        + "{\"name\": \"raw\", \"type\": \"bytes\"},"
        + "{\"name\": \"hash\", \"type\": {\"type\": \"fixed\", \"name\": \"Hash\", \"size\": 4}},"
        + "{\"name\": \"price\", \"type\": {\"type\": \"bytes\", \"logicalType\": \"decimal\","
        + " \"precision\": 10, \"scale\": 2}},"
        + "{\"name\": \"day\", \"type\": {\"type\": \"int\", \"logicalType\": \"date\"}},"
        + "{\"name\": \"at\", \"type\": {\"type\": \"long\", \"logicalType\": \"timestamp-micros\"}},"
        + "{\"name\": \"choice\", \"type\": [\"null\", \"int\", \"string\"]},"
        + "{\"name\": \"nested\", \"type\": [\"null\", {\"type\": \"record\", \"name\": \"Inner\", \"fields\": ["
        + "  {\"name\": \"flag\", \"type\": \"boolean\"},"
        + "  {\"name\": \"ratio\", \"type\": \"float\"}]}]},"
        + "{\"name\": \"inners\", \"type\": {\"type\": \"array\", \"items\": \"Inner\"}}"
        + "]}");

    @Test
    void shouldMirrorAvroFieldNamesInSchemaOrder() {
        final ObjectNode json = AvroJson.toJson(TestProfiles.sample("c-1"));

        final List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        final List<String> schemaNames = new ArrayList<>();
        CustomerProfile.getClassSchema().getFields().forEach(field -> schemaNames.add(field.name()));
        assertThat(names).isEqualTo(schemaNames);
        assertThat(json.get("profileId").asText()).isEqualTo("c-1");
        assertThat(json.get("identity").isObject()).isTrue();
        assertThat(json.get("identity").get("version").asLong()).isEqualTo(7L);
        assertThat(json.get("transactions").get("orders").isIntegralNumber()).isTrue();
        assertThat(json.get("transactions").get("averageOrderValueMinor").asDouble()).isEqualTo(6_172.5);
        assertThat(json.get("email").get("subscribed").asBoolean()).isTrue();
    }

    @Test
    void shouldWriteEmptyUnionsAsNull() {
        final ObjectNode json = AvroJson.toJson(TestProfiles.sample("c-1"));

        assertThat(json.get("persona").isNull()).isTrue();
        assertThat(json.get("lifecycleSince").isNull()).isTrue();
        assertThat(json.get("identity").get("updatedAt").isNull()).isTrue();
        assertThat(json.get("scores").get("pAlive").isNull()).isTrue();
        assertThat(json.get("scores").get("churnRisk").asDouble()).isEqualTo(0.25);
    }

    @Test
    void shouldWriteInstantsAsIsoUtcStrings() {
        final ObjectNode json = AvroJson.toJson(TestProfiles.sample("c-1"));

        assertThat(json.get("identity").get("firstSeen").asText()).isEqualTo("2024-03-01T12:30:00Z");
        assertThat(json.get("identity").get("lastSeen").asText()).isEqualTo("2024-03-05T08:15:30.123Z");
    }

    @Test
    void shouldWriteEnumsByName() {
        final ObjectNode json = AvroJson.toJson(TestProfiles.sample("c-1"));

        assertThat(json.get("lifecycleStage").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void shouldWriteMapsAsObjectsWithSortedKeysAndArraysAsArrays() {
        final ObjectNode json = AvroJson.toJson(TestProfiles.sample("c-1"));

        final JsonNode devices = json.get("behaviour").get("deviceCounts");
        final List<String> keys = new ArrayList<>();
        devices.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("DESKTOP", "MOBILE");
        assertThat(devices.get("MOBILE").asLong()).isEqualTo(9L);
        assertThat(json.get("behaviour").get("categoryAffinity").get("shoes").asDouble()).isEqualTo(0.75);
        assertThat(json.get("behaviour").get("channelCounts").isObject()).isTrue();
        assertThat(json.get("behaviour").get("channelCounts").isEmpty()).isTrue();
        assertThat(json.get("identity").get("anonymousIds").toString()).isEqualTo("[\"anon-1\",\"anon-2\"]");
        assertThat(json.get("transactions").get("purchaseDays").toString()).isEqualTo("[19783,19787]");
        assertThat(json.get("segments").toString()).isEqualTo("[\"vip\"]");
    }

    @Test
    void shouldConvertGenericRecordsExactlyLikeGeneratedOnes() throws IOException {
        final CustomerProfile profile = TestProfiles.sample("c-1");
        final GenericRecord generic = asGeneric(profile);

        assertThat(((GenericRecord) generic.get("identity")).get("firstSeen")).isInstanceOf(Long.class);
        assertThat(generic.get("lifecycleStage")).isInstanceOf(GenericData.EnumSymbol.class);
        assertThat(AvroJson.toJson(generic)).isEqualTo(AvroJson.toJson(profile));
    }

    @Test
    void shouldWriteBytesAsBase64AndLogicalTypesAsReadableValues() {
        final Schema innerSchema = MISC_SCHEMA.getField("inners").schema().getElementType();
        final GenericRecord inner = new GenericData.Record(innerSchema);
        inner.put("flag", true);
        inner.put("ratio", 0.5f);
        final Schema priceSchema = MISC_SCHEMA.getField("price").schema();
        final GenericRecord record = new GenericData.Record(MISC_SCHEMA);
        record.put("raw", ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
        record.put("hash", new GenericData.Fixed(MISC_SCHEMA.getField("hash").schema(), new byte[] {1, 2, 3, 4}));
        record.put("price", new Conversions.DecimalConversion()
            .toBytes(new BigDecimal("12.30"), priceSchema, LogicalTypes.fromSchema(priceSchema)));
        record.put("day", 19_783);
        record.put("at", 1_709_296_200_000_001L);
        record.put("choice", "text");
        record.put("nested", inner);
        record.put("inners", List.of(inner));

        final ObjectNode json = AvroJson.toJson(record);

        assertThat(json.get("raw").asText()).isEqualTo(Base64.getEncoder().encodeToString("hello".getBytes(
            StandardCharsets.UTF_8)));
        assertThat(json.get("hash").asText()).isEqualTo("AQIDBA==");
        assertThat(json.get("price").decimalValue()).isEqualTo(new BigDecimal("12.30"));
        assertThat(json.get("day").asText()).isEqualTo("2024-03-01");
        assertThat(json.get("at").asText()).isEqualTo("2024-03-01T12:30:00.000001Z");
        assertThat(json.get("choice").asText()).isEqualTo("text");
        assertThat(json.get("nested").get("flag").asBoolean()).isTrue();
        assertThat(json.get("nested").get("ratio").floatValue()).isEqualTo(0.5f);
        assertThat(json.get("inners").get(0)).isEqualTo(json.get("nested"));
        assertThat(((ByteBuffer) record.get("raw")).remaining()).isEqualTo(5);
    }

    @Test
    void shouldPickTheUnionBranchOfTheValue() {
        final Schema union = MISC_SCHEMA.getField("choice").schema();

        assertThat(AvroJson.toJson(42, union).isInt()).isTrue();
        assertThat(AvroJson.toJson("42", union).isTextual()).isTrue();
        assertThat(AvroJson.toJson(null, union).isNull()).isTrue();
    }

    @Test
    void shouldConvertTimestampsGivenAsEpochNumbers() {
        final Schema millis = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));

        assertThat(AvroJson.toJson(Instant.parse("2024-03-01T12:30:00Z").toEpochMilli(), millis).asText())
            .isEqualTo("2024-03-01T12:30:00Z");
        assertThat(AvroJson.toJson(Instant.parse("2024-03-01T12:30:00Z"), millis).asText())
            .isEqualTo("2024-03-01T12:30:00Z");
    }

    @Test
    void shouldRejectValueThatDoesNotFitTheSchema() {
        final Schema union = MISC_SCHEMA.getField("choice").schema();

        assertThatThrownBy(() -> AvroJson.toJson(Map.of("a", 1), union))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("does not fit the Avro schema");
    }

    private static GenericRecord asGeneric(final CustomerProfile profile) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<CustomerProfile>(CustomerProfile.getClassSchema()).write(profile, encoder);
        encoder.flush();
        final Schema schema = CustomerProfile.getClassSchema();
        return new GenericDatumReader<GenericRecord>(schema, schema, new GenericData())
            .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }
}
