package io.profilestream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.net.PortInUseException;
import io.profilestream.net.Ports;

/**
 * Runs the embedded KRaft broker for real: topics, records, transactions, restarts and the loopback binding.
 */
@Tag("integration")
class EmbeddedKafkaBrokerIT {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBrokerIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger GROUPS = new AtomicInteger();

    @TempDir
    Path dataDir;

    @Test
    void shouldProduceConsumeAndCommitTransactionsAndKeepThemAcrossARestartOnOtherPorts() throws Exception {
        final Set<Thread> threadsBefore = liveNonDaemonThreads();
        final String clusterId;
        final int firstPort;
        final int firstControllerPort;
        final long firstStartNanos = System.nanoTime();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0)) {
            LOG.info("Measured: the first start of the embedded broker (format and start) took {} ms.",
                millisSince(firstStartNanos));
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
            assertThat(broker.dataDir()).isEqualTo(dataDir.toAbsolutePath().normalize());
            assertThat(dataDir.resolve("meta.properties")).isRegularFile();
            clusterId = broker.clusterId();
            firstPort = broker.port();
            firstControllerPort = broker.controllerPort();

            try (Admin admin = admin(broker)) {
                admin.createTopics(List.of(new NewTopic("plain", 1, (short) 1),
                    new NewTopic("transactional", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(clusterId);
            }
            try (KafkaProducer<String, String> producer = producer(broker, Map.of())) {
                producer.send(new ProducerRecord<>("plain", "customer-1", "first")).get(30, TimeUnit.SECONDS);
            }
            assertThat(readAll(broker, "plain", "read_uncommitted")).containsExactly("customer-1=first");

            try (KafkaProducer<String, String> producer = producer(broker,
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-broker-it"))) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("transactional", "customer-2", "committed"));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("transactional", "customer-3", "aborted"));
                producer.flush();
                producer.abortTransaction();
            }
            assertThat(readAll(broker, "transactional", "read_committed")).containsExactly("customer-2=committed");
            assertThat(readAll(broker, "transactional", "read_uncommitted"))
                .containsExactly("customer-2=committed", "customer-3=aborted");
        }
        assertThatCode(() -> Ports.requireFree(firstPort, "--kafka-port")).doesNotThrowAnyException();
        assertThatCode(() -> Ports.requireFree(firstControllerPort, "--kafka-port")).doesNotThrowAnyException();

        final int secondPort = otherFreePort(firstPort, firstControllerPort);
        final int secondControllerPort = otherFreePort(firstPort, firstControllerPort, secondPort);
        final long restartNanos = System.nanoTime();
        try (EmbeddedKafkaBroker broker =
                 EmbeddedKafkaBroker.start(dataDir, secondPort, secondControllerPort, Map.of())) {
            LOG.info("Measured: the restart of the embedded broker on existing storage took {} ms.",
                millisSince(restartNanos));
            assertThat(broker.port()).isEqualTo(secondPort);
            assertThat(broker.controllerPort()).isEqualTo(secondControllerPort);
            assertThat(broker.clusterId()).isEqualTo(clusterId);
            try (Admin admin = admin(broker)) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("plain", "transactional");
                assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(clusterId);
            }
            assertThat(readAll(broker, "plain", "read_uncommitted")).containsExactly("customer-1=first");
            assertThat(readAll(broker, "transactional", "read_committed")).containsExactly("customer-2=committed");
            try (KafkaProducer<String, String> producer = producer(broker,
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-broker-it"))) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("transactional", "customer-4", "after-restart"));
                producer.commitTransaction();
            }
            assertThat(readAll(broker, "transactional", "read_committed"))
                .containsExactly("customer-2=committed", "customer-4=after-restart");
        }
        assertThat(liveNonDaemonThreads()).as("non-daemon threads left after close")
            .isSubsetOf(threadsBefore);
    }

    @Test
    void shouldListenOnlyOnTheLoopbackAddress() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0)) {
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
            try (Admin admin = admin(broker)) {
                final Collection<Node> nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
                assertThat(nodes).singleElement().satisfies(node -> {
                    assertThat(node.id()).isEqualTo(EmbeddedKafkaBroker.NODE_ID);
                    assertThat(node.host()).isEqualTo("127.0.0.1");
                    assertThat(node.port()).isEqualTo(broker.port());
                });
            }
            for (final int port : List.of(broker.port(), broker.controllerPort())) {
                assertThatThrownBy(() -> Ports.requireFree(port, "--kafka-port"))
                    .isInstanceOf(PortInUseException.class);
                // 127.0.0.2 is loopback too, but a socket bound to 127.0.0.1 alone does not answer on it.
                assertThatThrownBy(() -> connect(InetAddress.getByName("127.0.0.2"), port))
                    .isInstanceOf(SocketException.class);
                final Optional<InetAddress> nonLoopback = nonLoopbackAddress();
                if (nonLoopback.isPresent()) {
                    // Binding the same port on another local address succeeds only if the broker did not bind
                    // the wildcard address; a bind sends no traffic.
                    try (ServerSocket socket = new ServerSocket()) {
                        socket.bind(new InetSocketAddress(nonLoopback.get(), port));
                        assertThat(socket.getLocalPort()).isEqualTo(port);
                    }
                } else {
                    LOG.info("This machine has no non-loopback IPv4 address; the check on it is skipped.");
                }
            }
        }
    }

    @Test
    void shouldUseSingleNodeDefaultsAndApplyOverridesButNotFixedSettings() throws Exception {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(dataDir, 0, Map.of("listeners", "PLAINTEXT://:9092")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("The broker setting listeners is fixed by the embedded broker and cannot be overridden.");

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0, Map.of("num.partitions", "3"));
             Admin admin = admin(broker)) {
            final ConfigResource node =
                new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(EmbeddedKafkaBroker.NODE_ID));
            final Config config = admin.describeConfigs(List.of(node)).all().get(30, TimeUnit.SECONDS).get(node);
            assertThat(Map.of(
                "auto.create.topics.enable", "false",
                "num.partitions", "3",
                "default.replication.factor", "1",
                "offsets.topic.replication.factor", "1",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "share.coordinator.state.topic.replication.factor", "1",
                "share.coordinator.state.topic.min.isr", "1",
                "group.initial.rebalance.delay.ms", "0",
                "log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024)))
                .allSatisfy((name, value) -> assertThat(config.get(name).value()).as(name).isEqualTo(value));

            admin.createTopics(List.of(new NewTopic("defaults", Optional.empty(), Optional.empty())))
                .all().get(30, TimeUnit.SECONDS);
            // The broker answers metadata from its own cache, which learns of the new topic a moment after the
            // controller created it (UnknownTopicOrPartitionException meanwhile).
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                final TopicDescription description = admin.describeTopics(List.of("defaults"))
                    .allTopicNames().get(30, TimeUnit.SECONDS).get("defaults");
                assertThat(description.partitions()).hasSize(3)
                    .allSatisfy(partition -> assertThat(partition.replicas()).hasSize(1));
            });

            // A producer asks the broker to create the topics it looks up; the broker must refuse.
            try (KafkaProducer<String, String> producer =
                     producer(broker, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000))) {
                assertThatThrownBy(() -> producer.partitionsFor("never-created"))
                    .isInstanceOf(TimeoutException.class);
            }
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("never-created");
        }
    }

    @Test
    void shouldFailClearlyOnATakenPortAndReleaseItsDirectory() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            final int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(dataDir, port))
                .isInstanceOf(KafkaException.class)
                .hasMessageStartingWith("The embedded Kafka broker could not start on 127.0.0.1:" + port)
                .hasMessageEndingWith("Address already in use");
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0);
             Admin admin = admin(broker)) {
            assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(broker.clusterId());
        }
    }

    private static Admin admin(final EmbeddedKafkaBroker broker) {
        final Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return Admin.create(properties);
    }

    private static KafkaProducer<String, String> producer(final EmbeddedKafkaBroker broker,
                                                          final Map<String, Object> extra) {
        final Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        properties.putAll(extra);
        return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(final EmbeddedKafkaBroker broker,
                                                          final String isolationLevel,
                                                          final Map<String, Object> extra) {
        final Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.putAll(extra);
        return new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
    }

    /**
     * Reads a one-partition topic to its end in a fresh consumer group, which also proves that groups work.
     */
    private static List<String> readAll(final EmbeddedKafkaBroker broker,
                                        final String topic,
                                        final String isolationLevel) {
        final List<String> values = new ArrayList<>();
        final String groupId = "embedded-broker-it-" + topic + "-" + GROUPS.incrementAndGet();
        try (KafkaConsumer<String, String> consumer =
                 consumer(broker, isolationLevel, Map.of(ConsumerConfig.GROUP_ID_CONFIG, groupId))) {
            final TopicPartition partition = new TopicPartition(topic, 0);
            final long end = consumer.endOffsets(List.of(partition)).get(partition);
            consumer.subscribe(List.of(topic));
            await().atMost(TIMEOUT).pollInSameThread().pollDelay(Duration.ZERO).until(() -> {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.key() + "=" + record.value());
                }
                return consumer.assignment().contains(partition) && consumer.position(partition) >= end;
            });
            consumer.commitSync();
        }
        return values;
    }

    private static void connect(final InetAddress address,
                                final int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 5_000);
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        for (final NetworkInterface networkInterface : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!networkInterface.isUp() || networkInterface.isLoopback()) {
                continue;
            }
            for (final InetAddress address : Collections.list(networkInterface.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }

    private static Set<Thread> liveNonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(thread -> thread.isAlive() && !thread.isDaemon())
            .collect(Collectors.toSet());
    }

    private static int otherFreePort(final int... taken) {
        final Set<Integer> excluded = Arrays.stream(taken).boxed().collect(Collectors.toSet());
        int port = Ports.freePort();
        while (excluded.contains(port)) {
            port = Ports.freePort();
        }
        return port;
    }

    private static long millisSince(final long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
