package io.profilestream.testing;

import java.util.Map;

/**
 * Where a test's Kafka cluster and schema registry answer; {@link KafkaClusterExtension} resolves it as a parameter.
 *
 * @param bootstrapServers the cluster's bootstrap servers
 * @param registryUrl the schema registry's base URL
 * @param clientSettings the security settings every Kafka client of the cluster needs (empty for PLAINTEXT)
 */
public record KafkaCluster(String bootstrapServers,
                           String registryUrl,
                           Map<String, String> clientSettings) {

    /**
     * Copies the client settings.
     */
    public KafkaCluster {
        clientSettings = Map.copyOf(clientSettings);
    }

    /**
     * A cluster whose clients need no security settings.
     */
    public KafkaCluster(final String bootstrapServers,
                        final String registryUrl) {
        this(bootstrapServers, registryUrl, Map.of());
    }
}
