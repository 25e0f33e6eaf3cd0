package io.profilestream.registry;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compacted, single-partition Kafka topic that the embedded registry keeps its records in.
 * Keys and values are JSON strings; a write returns only once every in-sync replica has the record.
 */
final class KafkaSchemaLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaLog.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final Map<String, Object> kafkaConfig;
    private final Duration timeout;
    private final KafkaProducer<String, String> producer;

    private KafkaSchemaLog(final String topic,
                           final Map<String, Object> kafkaConfig,
                           final Duration timeout) {
        this.topic = topic;
        this.kafkaConfig = Map.copyOf(kafkaConfig);
        this.timeout = timeout;
        this.producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new StringSerializer());
    }

    /**
     * Creates the topic when it is absent, checks it when present, and opens the producer that writes to it.
     *
     * @param kafkaConfig client settings, at least {@code bootstrap.servers}
     * @throws IllegalStateException when the topic exists but is not compacted or has more than one partition
     */
    static KafkaSchemaLog open(final String topic,
                               final short replicationFactor,
                               final Map<String, Object> kafkaConfig,
                               final Duration timeout) {
        ensureTopic(topic, replicationFactor, kafkaConfig, timeout);
        return new KafkaSchemaLog(topic, kafkaConfig, timeout);
    }

    String topic() {
        return topic;
    }

    /**
     * Reads the topic from its beginning to the end it had when the call began.
     *
     * @param apply called with each record's key and value (null for a tombstone), in offset order
     * @return the number of records read
     */
    long replay(final BiConsumer<String, String> apply) {
        final TopicPartition partition = new TopicPartition(topic, 0);
        final long deadline = System.nanoTime() + timeout.toNanos();
        long records = 0;
        try (KafkaConsumer<String, String> consumer =
                 new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            while (consumer.position(partition, remaining(deadline)) < end) {
                if (System.nanoTime() > deadline) {
                    throw new KafkaException("The schemas topic " + topic + " could not be read to its end offset "
                        + end + " within " + timeout.toMillis() + " ms.");
                }
                for (final ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    if (record.offset() < end) {
                        apply.accept(record.key(), record.value());
                        records++;
                    }
                }
            }
        }
        return records;
    }

    /**
     * Writes a record and waits until it is acknowledged by every in-sync replica.
     *
     * @throws SchemaRegistryException (500, 50001) when the write fails or times out
     */
    void append(final String key,
                final String value) {
        try {
            producer.send(new ProducerRecord<>(topic, 0, key, value)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("Interrupted while writing to the schemas topic " + topic + ".", e);
        } catch (final ExecutionException | TimeoutException e) {
            final Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.error("A write to the schemas topic {} failed.", topic, cause);
            throw new SchemaRegistryException(500, 50001, "Error while writing to the schemas topic " + topic + ": "
                + cause);
        }
    }

    @Override
    public void close() {
        producer.close(timeout);
    }

    private static void ensureTopic(final String topic,
                                    final short replicationFactor,
                                    final Map<String, Object> kafkaConfig,
                                    final Duration timeout) {
        final Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "profilestream-schema-registry-admin");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(config)) {
            final TopicDescription description = describe(admin, topic, timeout);
            if (description == null) {
                create(admin, topic, replicationFactor, timeout);
                return;
            }
            if (description.partitions().size() != 1) {
                throw new IllegalStateException("The schemas topic " + topic + " has "
                    + description.partitions().size() + " partitions; the schema registry needs exactly 1.");
            }
            final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            final Config topicConfig = admin.describeConfigs(Set.of(resource)).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            final ConfigEntry policy = topicConfig.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy == null || !TopicConfig.CLEANUP_POLICY_COMPACT.equals(policy.value())) {
                throw new IllegalStateException("The schemas topic " + topic + " has cleanup.policy="
                    + (policy == null ? "unknown" : policy.value())
                    + "; the schema registry needs cleanup.policy=compact so that it never loses a schema.");
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while checking the schemas topic " + topic + ".", e);
        } catch (final ExecutionException | TimeoutException e) {
            throw new KafkaException("The schemas topic " + topic + " could not be checked or created: "
                + (e instanceof ExecutionException ? e.getCause() : e), e);
        }
    }

    private static TopicDescription describe(final Admin admin,
                                             final String topic,
                                             final Duration timeout)
        throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return admin.describeTopics(Set.of(topic)).allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        } catch (final ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw e;
        }
    }

    private static void create(final Admin admin,
                               final String topic,
                               final short replicationFactor,
                               final Duration timeout)
        throws InterruptedException, ExecutionException, TimeoutException {
        final NewTopic newTopic = new NewTopic(topic, 1, replicationFactor)
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try {
            admin.createTopics(Set.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created the schemas topic {} (compacted, 1 partition, replication factor {}).",
                topic, replicationFactor);
        } catch (final ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private Map<String, Object> producerConfig() {
        final Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "profilestream-schema-registry-writer");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        return config;
    }

    private Map<String, Object> consumerConfig() {
        final Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "profilestream-schema-registry-reader");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return config;
    }

    private static Duration remaining(final long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }
}
