package io.profilestream.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The engine's {@link DeadLetterQueueHandler}, unchanged, that also keeps the dead-letter records it hands to Kafka
 * Streams.
 * {@code TopologyTestDriver} does not write the dead-letter records of a deserialization failure to its output
 * topics (a real broker gets them, see {@code AbstractProfileStreamIT}), so tests of undecodable bytes read them here.
 * Tests using it run one at a time: the records are kept in one list for the JVM.
 */
public final class RecordingDeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {

    private static final List<ProducerRecord<byte[], byte[]>> RECORDS = new ArrayList<>();

    private final DeadLetterQueueHandler handler = new DeadLetterQueueHandler();

    /**
     * Returns and forgets the dead-letter records handed over since the last call.
     */
    static synchronized List<ProducerRecord<byte[], byte[]>> drain() {
        final List<ProducerRecord<byte[], byte[]>> drained = List.copyOf(RECORDS);
        RECORDS.clear();
        return drained;
    }

    private static synchronized void keep(final List<ProducerRecord<byte[], byte[]>> records) {
        RECORDS.addAll(records);
    }

    @Override
    public void configure(final Map<String, ?> configs) {
        handler.configure(configs);
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(final ErrorHandlerContext context,
                                                                final ConsumerRecord<byte[], byte[]> record,
                                                                final Exception exception) {
        final DeserializationExceptionHandler.Response response = handler.handleError(context, record, exception);
        keep(response.deadLetterQueueRecords());
        return response;
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(final ErrorHandlerContext context,
                                                           final Record<?, ?> record,
                                                           final Exception exception) {
        final ProcessingExceptionHandler.Response response = handler.handleError(context, record, exception);
        keep(response.deadLetterQueueRecords());
        return response;
    }
}
