import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.profilestream.embedded.EmbeddedKafkaBroker;

/**
 * How long after a transaction commits a waiting consumer reads its record, on the engine's embedded broker: a
 * transactional producer writes one record per transaction every 50 ms, 200 times; the consumer prints the
 * percentiles of receipt minus the return of commitTransaction. A measurement for docs/benchmarks.md, not a test.
 *
 * <pre>
 * ./mvnw -q -DskipTests package
 * java -cp streams-app/target/profilestream.jar tools/probes/ReadCommittedDelay.java 500 read_committed
 * </pre>
 *
 * Arguments: the consumer's fetch.max.wait.ms and isolation.level.
 */
public final class ReadCommittedDelay {

    private static final int TRANSACTIONS = 200;

    public static void main(final String[] args) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Files.createTempDirectory("read-committed"), 0)) {
            final String servers = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
                admin.createTopics(List.of(new NewTopic("probe", 1, (short) 1))).all().get();
            }
            final Map<String, Object> producerConfig = Map.of("bootstrap.servers", servers,
                "transactional.id", "probe", "key.serializer", StringSerializer.class,
                "value.serializer", LongSerializer.class);
            final Map<String, Object> consumerConfig = Map.of("bootstrap.servers", servers, "group.id", "probe",
                "isolation.level", args[1], "fetch.max.wait.ms", args[0], "auto.offset.reset", "latest",
                "key.deserializer", StringDeserializer.class, "value.deserializer", LongDeserializer.class);
            try (KafkaProducer<String, Long> producer = new KafkaProducer<>(producerConfig);
                 KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(consumerConfig)) {
                producer.initTransactions();
                consumer.subscribe(List.of("probe"));
                while (consumer.assignment().isEmpty()) {
                    consumer.poll(Duration.ofMillis(50));
                }
                final Map<Long, Long> committedAt = new ConcurrentHashMap<>();
                final Thread writer = new Thread(() -> {
                    for (long i = 0; i < TRANSACTIONS; i++) {
                        producer.beginTransaction();
                        producer.send(new ProducerRecord<>("probe", "key", i));
                        producer.commitTransaction();
                        committedAt.put(i, System.nanoTime());
                        try {
                            Thread.sleep(50);
                        } catch (final InterruptedException e) {
                            return;
                        }
                    }
                });
                writer.start();
                final List<Double> delaysMs = new ArrayList<>();
                final long deadline = System.currentTimeMillis() + 30_000;
                while (delaysMs.size() < TRANSACTIONS && System.currentTimeMillis() < deadline) {
                    for (final ConsumerRecord<String, Long> record : consumer.poll(Duration.ofMillis(100))) {
                        final long now = System.nanoTime();
                        // Read before commitTransaction returned (read_uncommitted): counted as 0.
                        final Long at = committedAt.get(record.value());
                        delaysMs.add(at == null ? 0 : (now - at) / 1e6);
                    }
                }
                writer.join();
                Collections.sort(delaysMs);
                System.out.printf("fetch.max.wait.ms=%s %s: %d records, p50 %.1f, p90 %.1f, p99 %.1f, max %.1f ms%n",
                    args[0], args[1], delaysMs.size(), delaysMs.get(delaysMs.size() / 2),
                    delaysMs.get(delaysMs.size() * 9 / 10), delaysMs.get(delaysMs.size() * 99 / 100),
                    delaysMs.get(delaysMs.size() - 1));
            }
        }
    }
}
