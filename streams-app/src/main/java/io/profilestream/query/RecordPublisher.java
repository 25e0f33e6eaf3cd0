package io.profilestream.query;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes records the HTTP API accepts (erasure requests, segment definitions) to their topics and waits for the
 * broker's acknowledgement, so a 2xx answer means the record is durable.
 */
public final class RecordPublisher implements AutoCloseable {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final Producer<String, byte[]> producer;

    public RecordPublisher(final Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    /**
     * A publisher with an idempotent producer built from the Kafka client settings.
     */
    public static RecordPublisher create(final Map<String, Object> clientSettings) {
        final Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.keySet().retainAll(ProducerConfig.configNames());
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "profilestream-api-publisher");
        settings.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return new RecordPublisher(new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer()));
    }

    /**
     * Sends one record and waits until the broker has it.
     *
     * @throws IllegalStateException when the broker does not acknowledge it in time
     */
    public void publish(final String topic, final String key, final byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while writing to " + topic + ".", e);
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not write to " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
