package io.profilestream.topology;

import static io.profilestream.topology.TestEvents.click;
import static io.profilestream.topology.TestEvents.email;
import static io.profilestream.topology.TestEvents.erasure;
import static io.profilestream.topology.TestEvents.order;
import static io.profilestream.topology.TopologyFixture.START;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import io.profilestream.events.ClickType;
import io.profilestream.events.CustomerTraits;
import io.profilestream.events.EmailEventType;
import io.profilestream.profile.DefinitionKind;
import io.profilestream.profile.SegmentDefinition;

/**
 * Arbitrary and truncated bytes on every input topic, through the real topology, serdes and exception handlers: each
 * record lands in the dead-letter queue with its original bytes, its reason and its source topic, nothing throws, and
 * the next good record on the same topic is applied.
 * The dead-letter records are read from the handler ({@link RecordingDeadLetterHandler}), because the test driver
 * drops those of deserialization failures.
 * jqwik makes one fixture per property, so a property's tries share one driver, as records share a running engine.
 */
class HostileInputPropertyTest {

    /** The input topics the engine reads events from. */
    enum Input { CLICKS, PURCHASES, EMAILS, ERASURES, TRAITS }

    private final TopologyFixture fixture = new TopologyFixture(Map.of(), recordingHandlers());
    private int sequence;

    @AfterProperty
    void close() {
        fixture.close();
        RecordingDeadLetterHandler.drain();
    }

    private static Properties recordingHandlers() {
        final Properties properties = new Properties();
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, RecordingDeadLetterHandler.class);
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RecordingDeadLetterHandler.class);
        return properties;
    }

    @Property(tries = 300)
    void shouldDeadLetterArbitraryBytesAndApplyTheNextGoodRecord(@ForAll final Input input,
                                                                @ForAll("keys") final String key,
                                                                @ForAll @Size(max = 600) final byte[] value) {
        fixture.raw(topic(input)).pipeInput(key, value);

        assertDeadLettered(input, value);
        assertNextGoodRecordApplies(input);
    }

    @Property(tries = 300)
    void shouldDeadLetterTruncatedRecordsAndApplyTheNextGoodRecord(@ForAll final Input input,
                                                                  @ForAll @IntRange(max = 10_000) final int cut) {
        final byte[] whole = goodBytes(input, "truncated-" + ++sequence);
        final byte[] truncated = Arrays.copyOf(whole, cut % whole.length);
        fixture.raw(topic(input)).pipeInput("truncated-" + sequence, truncated);

        assertDeadLettered(input, truncated);
        assertNextGoodRecordApplies(input);
    }

    @Property(tries = 200)
    void shouldSurviveCorruptedBytesEitherAppliedOrDeadLettered(@ForAll final Input input,
                                                               @ForAll @IntRange(max = 10_000) final int position,
                                                               @ForAll final byte replacement) {
        final byte[] bytes = goodBytes(input, "corrupt-" + ++sequence);
        bytes[position % bytes.length] = replacement;

        fixture.raw(topic(input)).pipeInput("corrupt-" + sequence, bytes);

        for (final ProducerRecord<byte[], byte[]> dead : RecordingDeadLetterHandler.drain()) {
            assertThat(header(dead, DeadLetterQueueHandler.HEADER_REASON)).isNotBlank();
        }
        assertNextGoodRecordApplies(input);
    }

    /**
     * The catalogue topics feed global stores, whose records Kafka Streams reads on its global thread: it logs and
     * skips an undecodable one (LogAndContinueExceptionHandler) without a dead-letter record, and goes on.
     */
    @Property(tries = 100)
    void shouldSkipArbitraryBytesOnTheCatalogueTopicsAndKeepTheirGoodRecords(@ForAll final boolean definitions,
                                                                          @ForAll @Size(max = 600) final byte[] value) {
        final String topic = definitions ? fixture.topics.segmentDefinitions() : fixture.topics.modelParameters();
        fixture.raw(topic).pipeInput("bad-" + ++sequence, value);

        final List<ProducerRecord<byte[], byte[]>> dead = RecordingDeadLetterHandler.drain();
        assertThat(dead).hasSizeLessThanOrEqualTo(1);
        dead.forEach(record -> assertThat(header(record, DeadLetterQueueHandler.HEADER_REASON)).isNotBlank());
        final String id = "good-" + ++sequence;
        fixture.driver.createInputTopic(fixture.topics.segmentDefinitions(), new StringSerializer(),
            fixture.serdes.segmentDefinition().serializer()).pipeInput(id, SegmentDefinition.newBuilder().setId(id)
            .setName(id).setKind(DefinitionKind.SEGMENT).setExpression("true").setVersion(1).setUpdatedAt(START)
            .build());
        assertThat(fixture.driver.<String, SegmentDefinition>getKeyValueStore(Stores.SEGMENT_DEFINITIONS).get(id))
            .isNotNull();
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(300), Arbitraries.just("c1"),
            Arbitraries.just(null));
    }

    private void assertDeadLettered(final Input input, final byte[] value) {
        final List<ProducerRecord<byte[], byte[]>> dead = RecordingDeadLetterHandler.drain();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).topic()).isEqualTo(fixture.topics.deadLetterQueue());
        assertThat(dead.get(0).value()).isEqualTo(value);
        assertThat(header(dead.get(0), DeadLetterQueueHandler.HEADER_REASON)).isNotBlank();
        assertThat(header(dead.get(0), DeadLetterQueueHandler.HEADER_TOPIC)).isEqualTo(topic(input));
        fixture.dlq.readRecordsToList();
    }

    private void assertNextGoodRecordApplies(final Input input) {
        final String id = "good-" + ++sequence;
        if (input == Input.ERASURES) {
            fixture.purchases.pipeInput(id, order("p-" + id, id, START, 100));
            assertThat(fixture.profile(id)).isNotNull();
        }
        fixture.raw(topic(input)).pipeInput(id, goodBytes(input, id));
        assertThat(RecordingDeadLetterHandler.drain()).as("a good record was dead-lettered").isEmpty();
        if (input == Input.ERASURES) {
            assertThat(fixture.profile(id)).as("erased").isNull();
        } else {
            assertThat(fixture.profile(input == Input.CLICKS ? "anon:" + id : id)).as("applied").isNotNull();
        }
    }

    private String topic(final Input input) {
        return switch (input) {
            case CLICKS -> fixture.topics.clickstream();
            case PURCHASES -> fixture.topics.purchases();
            case EMAILS -> fixture.topics.email();
            case ERASURES -> fixture.topics.erasure();
            case TRAITS -> fixture.topics.customerTraits();
        };
    }

    private byte[] goodBytes(final Input input, final String id) {
        final String topic = topic(input);
        return switch (input) {
            case CLICKS -> fixture.serdes.click().serialize(topic,
                click("e-" + id, id, ClickType.PAGE_VIEW, START).build());
            case PURCHASES -> fixture.serdes.purchase().serialize(topic, order("p-" + id, id, START, 100));
            case EMAILS -> fixture.serdes.email().serialize(topic, email("m-" + id, id, EmailEventType.OPENED, START));
            case ERASURES -> fixture.serdes.erasure().serialize(topic, erasure(id, START));
            case TRAITS -> fixture.serdes.traits().serialize(topic,
                CustomerTraits.newBuilder().setCustomerId(id).setUpdatedAt(START).setCity("Utrecht").build());
        };
    }

    private static String header(final ProducerRecord<byte[], byte[]> record, final String name) {
        final Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
