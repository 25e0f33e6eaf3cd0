package io.profilestream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.profilestream.registry.RestSchemaRegistryClient;

/**
 * The extension itself: one cluster for the class, reachable by every test, and a namespace for each test.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class KafkaClusterExtensionIT {

    private static KafkaCluster forTheClass;

    private final KafkaCluster forThisInstance;

    KafkaClusterExtensionIT(final KafkaCluster cluster) {
        forThisInstance = cluster;
    }

    @BeforeAll
    static void remember(final KafkaCluster cluster) {
        forTheClass = cluster;
    }

    @Test
    void shouldGiveEveryTestTheClassesOneClusterWithABrokerAndARegistry(final KafkaCluster cluster,
                                                                        final TestNamespace namespace)
        throws Exception {
        assertThat(cluster).isEqualTo(forTheClass).isEqualTo(forThisInstance);
        final String topic = namespace.topic("reachable");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            // Created means committed by the controller; the broker that answers listTopics learns of it a moment
            // later (CI saw the list without it once).
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic));
        }
        final RestSchemaRegistryClient registry = new RestSchemaRegistryClient(cluster.registryUrl());
        final Schema schema = SchemaBuilder.record("Reachable").fields().requiredString("id").endRecord();
        assertThat(registry.getSchemaById(registry.register(topic + "-value", schema))).isEqualTo(schema);
    }

    @Test
    void shouldGiveATestOneNamespaceForItsLifecycleMethodsAndItself(final KafkaCluster cluster,
                                                                     final TestNamespace namespace) {
        assertThat(cluster).isEqualTo(forTheClass).isEqualTo(forThisInstance);
        assertThat(namespace.directory()).isDirectory()
            .hasFileName(KafkaClusterExtensionIT.class.getSimpleName()
                + "-shouldGiveATestOneNamespaceForItsLifecycleMethodsAndItself-" + namespace.id());
        assertThat(Set.copyOf(namespace.topics().all())).hasSameSizeAs(namespace.topics().all());
    }
}
