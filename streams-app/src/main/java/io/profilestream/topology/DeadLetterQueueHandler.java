package io.profilestream.topology;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.errors.DlqReason;
import io.profilestream.errors.RejectedRecordException;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.registry.SchemaRegistryException;

/**
 * Routes every record the engine cannot accept to the dead-letter queue and carries on.
 * It plugs into Kafka Streams' own exception handlers, so the DLQ record is written in the same transaction as
 * the input offset commit: the original key and value bytes, with headers for the reason, source topic,
 * partition and offset.
 * Messages and headers never contain field values (personal data); the bytes themselves are only in the DLQ.
 * A registry that cannot be reached is not a bad record: the handler fails the task so the record is retried.
 */
public final class DeadLetterQueueHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {

    /** Config key under which the engine passes its {@link EngineMetrics} instance. */
    public static final String METRICS_CONFIG = "profilestream.internal.metrics";

    public static final String HEADER_REASON = "profilestream.dlq.reason";
    public static final String HEADER_TOPIC = "profilestream.dlq.topic";
    public static final String HEADER_PARTITION = "profilestream.dlq.partition";
    public static final String HEADER_OFFSET = "profilestream.dlq.offset";
    public static final String HEADER_MESSAGE = "profilestream.dlq.message";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterQueueHandler.class);

    private String dlqTopic;
    private EngineMetrics metrics;

    @Override
    public void configure(final Map<String, ?> configs) {
        final Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new IllegalStateException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG
                + " must name the dead-letter topic.");
        }
        this.dlqTopic = topic.toString();
        final Object metricsObject = configs.get(METRICS_CONFIG);
        this.metrics = metricsObject instanceof EngineMetrics engineMetrics ? engineMetrics : null;
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(final ErrorHandlerContext context,
                                                                final ConsumerRecord<byte[], byte[]> record,
                                                                final Exception exception) {
        if (exception instanceof SchemaRegistryException) {
            LOG.error("The schema registry could not be reached while reading {}-{} at offset {}; the task fails "
                + "so the record is retried: {}", context.topic(), context.partition(), context.offset(),
                exception.getMessage());
            return DeserializationExceptionHandler.Response.fail();
        }
        return DeserializationExceptionHandler.Response.resume(
            List.of(deadLetter(context, record.key(), record.value(), exception)));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(final ErrorHandlerContext context,
                                                           final Record<?, ?> record,
                                                           final Exception exception) {
        return ProcessingExceptionHandler.Response.resume(
            List.of(deadLetter(context, context.sourceRawKey(), context.sourceRawValue(), exception)));
    }

    private ProducerRecord<byte[], byte[]> deadLetter(final ErrorHandlerContext context,
                                                      final byte[] key,
                                                      final byte[] value,
                                                      final Exception exception) {
        final DlqReason reason = exception instanceof RejectedRecordException rejected
            ? rejected.reason()
            : DlqReason.PROCESSING_ERROR;
        final String message = exception instanceof RejectedRecordException
            ? exception.getMessage()
            : exception.getClass().getName();
        if (reason == DlqReason.PROCESSING_ERROR) {
            LOG.error("Processing failed for the record at {}-{} offset {}; it goes to the dead-letter queue.",
                context.topic(), context.partition(), context.offset(), exception);
        } else {
            LOG.warn("Rejected the record at {}-{} offset {} ({}): {}", context.topic(), context.partition(),
                context.offset(), reason.tag(), message);
        }
        if (metrics != null) {
            metrics.deadLettered(reason);
            metrics.event(context.topic(), EngineMetrics.Outcome.REJECTED);
        }
        final Headers headers = new RecordHeaders();
        headers.add(HEADER_REASON, utf8(reason.tag()));
        headers.add(HEADER_TOPIC, utf8(context.topic()));
        headers.add(HEADER_PARTITION, utf8(Integer.toString(context.partition())));
        headers.add(HEADER_OFFSET, utf8(Long.toString(context.offset())));
        headers.add(HEADER_MESSAGE, utf8(message));
        return new ProducerRecord<>(dlqTopic, null, key, value, headers);
    }

    private static byte[] utf8(final String text) {
        return String.valueOf(text).getBytes(StandardCharsets.UTF_8);
    }
}
