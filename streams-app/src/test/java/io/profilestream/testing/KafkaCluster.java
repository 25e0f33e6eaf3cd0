package io.profilestream.testing;

/**
 * Where a test's Kafka cluster and schema registry answer; {@link KafkaClusterExtension} resolves it as a parameter.
 *
 * @param bootstrapServers the cluster's bootstrap servers
 * @param registryUrl the schema registry's base URL
 */
public record KafkaCluster(String bootstrapServers,
                           String registryUrl) {
}
