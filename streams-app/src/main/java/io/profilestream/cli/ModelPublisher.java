package io.profilestream.cli;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import io.profilestream.app.ProfileStreamApp;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.config.Topics;
import io.profilestream.domain.ModelParameterRecords;
import io.profilestream.models.BgNbdFit;
import io.profilestream.models.GammaGammaFit;
import io.profilestream.models.ModelTimeUnit;
import io.profilestream.profile.ModelParameters;
import io.profilestream.serde.EngineSerdes;

/**
 * Publishes fitted parameters to the engine's model-parameters topic for {@code model fit --publish}.
 * Each model is one ModelParameters record keyed by the model's name, so the topic keeps the latest fit of each.
 */
final class ModelPublisher {

    private ModelPublisher() {
    }

    /** The ModelParameters records for a fit: one per model, keyed by model name. */
    static List<ModelParameters> records(final BgNbdFit bgnbd,
                                         final GammaGammaFit gammaGamma,
                                         final ModelTimeUnit unit,
                                         final Clock clock) {
        return ModelParameterRecords.of(bgnbd, gammaGamma, unit, clock.instant());
    }

    /**
     * Sends the records to the model-parameters topic of the configured cluster, with the configured registry.
     *
     * @return the topic written to
     */
    static String publish(final ProfileStreamConfig config,
                          final List<ModelParameters> records) {
        final EngineSerdes serdes = new EngineSerdes(ProfileStreamApp.registryClient(config),
            config.getInt("validation.max.record.bytes"));
        final String topic = Topics.from(config).modelParameters();
        try (Producer<String, ModelParameters> producer = new KafkaProducer<>(producerConfig(config),
            new StringSerializer(), serdes.modelParameters().serializer())) {
            publish(producer, topic, records);
        }
        return topic;
    }

    /** Sends the records keyed by model name and waits for every acknowledgement. */
    static void publish(final Producer<String, ModelParameters> producer,
                        final String topic,
                        final List<ModelParameters> records) {
        final List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (final ModelParameters record : records) {
            sent.add(producer.send(new ProducerRecord<>(topic, record.getModel(), record)));
        }
        producer.flush();
        for (final Future<RecordMetadata> future : sent) {
            try {
                future.get(60, TimeUnit.SECONDS);
            } catch (final ExecutionException | TimeoutException e) {
                throw new ModelInputException("Publishing to " + topic + " failed: "
                    + (e.getCause() == null ? e : e.getCause()).getMessage());
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelInputException("Interrupted while publishing to " + topic);
            }
        }
    }

    private static Map<String, Object> producerConfig(final ProfileStreamConfig config) {
        final Map<String, Object> producer = new HashMap<>();
        final Set<String> known = ProducerConfig.configNames();
        config.kafkaSettings().forEach((key, value) -> {
            if (known.contains(key)) {
                producer.put(key, value);
            }
        });
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return producer;
    }
}
