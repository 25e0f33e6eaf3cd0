package io.profilestream.app;

import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;

/**
 * The end-to-end assertions of {@link AbstractProfileStreamIT} on Apache Kafka and Confluent Schema Registry in
 * containers, the way the engine meets them in production.
 * The two containers share a network; the registry reaches Kafka on an extra listener inside it, and the engine and
 * the test reach both through mapped ports.
 * The containers are started once for the class; as on the in-process cluster, every test gets every topic of
 * {@link io.profilestream.config.Topics} renamed for it, besides its own application id and state directory, and one
 * test checks every topic of {@code Topics} on the real broker.
 * The images are the ones docker-compose.yml runs.
 * Without a Docker engine the class is skipped, not failed.
 */
@Tag("integration")
@Testcontainers(disabledWithoutDocker = true)
class ProfileStreamContainersIT extends AbstractProfileStreamIT {

    private static final DockerImageName KAFKA_IMAGE = DockerImageName.parse("apache/kafka:4.3.1");
    private static final DockerImageName REGISTRY_IMAGE =
        DockerImageName.parse("confluentinc/cp-schema-registry:8.0.0");
    private static final String KAFKA_INTERNAL_LISTENER = "kafka:19092";
    private static final String REGISTRY_ALIAS = "schema-registry";
    private static final int REGISTRY_PORT = 8081;

    private static final Network NETWORK = Network.newNetwork();

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer(KAFKA_IMAGE)
        .withNetwork(NETWORK)
        .withListener(KAFKA_INTERNAL_LISTENER);

    @Container
    private static final GenericContainer<?> REGISTRY = new GenericContainer<>(REGISTRY_IMAGE)
        .withNetwork(NETWORK)
        .withNetworkAliases(REGISTRY_ALIAS)
        .withEnv("SCHEMA_REGISTRY_HOST_NAME", REGISTRY_ALIAS)
        .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:" + REGISTRY_PORT)
        .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://" + KAFKA_INTERNAL_LISTENER)
        .withExposedPorts(REGISTRY_PORT)
        .dependsOn(KAFKA)
        .waitingFor(Wait.forHttp("/subjects")
            .forPort(REGISTRY_PORT)
            .forStatusCode(200)
            .withStartupTimeout(Duration.ofMinutes(2)));

    @RegisterExtension
    static final KafkaClusterExtension CLUSTER = KafkaClusterExtension.external(() -> new KafkaCluster(
        KAFKA.getBootstrapServers(), "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(REGISTRY_PORT)));
}
