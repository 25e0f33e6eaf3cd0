package io.profilestream.query;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsMetadata;

/**
 * One instance of the application as Kafka Streams sees it: its {@code application.server} host and port,
 * the stores and input partitions it hosts as active, and those it keeps as standby replicas.
 * Lists are sorted so the view is stable from one call to the next.
 */
public record InstanceInfo(
    String host,
    int port,
    List<String> stores,
    List<String> topicPartitions,
    List<String> standbyStores,
    List<String> standbyTopicPartitions
) {

    public InstanceInfo {
        Objects.requireNonNull(host, "host");
        stores = List.copyOf(stores);
        topicPartitions = List.copyOf(topicPartitions);
        standbyStores = List.copyOf(standbyStores);
        standbyTopicPartitions = List.copyOf(standbyTopicPartitions);
    }

    /**
     * Builds the view of one Kafka Streams client from its metadata.
     * Partitions are written as {@code topic-partition}.
     */
    public static InstanceInfo from(final StreamsMetadata metadata) {
        return new InstanceInfo(
            metadata.host(),
            metadata.port(),
            sorted(metadata.stateStoreNames()),
            sortedPartitions(metadata.topicPartitions()),
            sorted(metadata.standbyStateStoreNames()),
            sortedPartitions(metadata.standbyTopicPartitions()));
    }

    private static List<String> sorted(final Collection<String> names) {
        return names.stream().sorted().collect(Collectors.toUnmodifiableList());
    }

    private static List<String> sortedPartitions(final Collection<TopicPartition> partitions) {
        return partitions.stream()
            .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
            .map(TopicPartition::toString)
            .collect(Collectors.toUnmodifiableList());
    }
}
