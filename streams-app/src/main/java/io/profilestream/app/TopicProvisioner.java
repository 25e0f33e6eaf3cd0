package io.profilestream.app;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.config.Topics;

/**
 * Makes sure the engine's topics exist before it starts and that the input topics are co-partitioned.
 * Missing topics are created when allowed (compacted where the design says so, with the retention and compaction
 * settings of {@link io.profilestream.config.TopicConfigs}); a partition-count mismatch among the inputs refuses the
 * start with a message that lists every count. Topics that exist keep their settings.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final long TIMEOUT_SECONDS = 60;
    private static final long RETRY_BACKOFF_MS = 100;
    private static final String APPEND_TIME = "LogAppendTime";

    private final Admin admin;
    private final Topics topics;
    private final Map<String, Map<String, String>> topicConfigs;

    public TopicProvisioner(final Admin admin, final Topics topics) {
        this(admin, topics, Map.of());
    }

    /**
     * @param topicConfigs topic-level settings by topic name, given to the topics this creates
     */
    public TopicProvisioner(final Admin admin,
                            final Topics topics,
                            final Map<String, Map<String, String>> topicConfigs) {
        this.admin = admin;
        this.topics = topics;
        this.topicConfigs = topicConfigs;
    }

    /**
     * Creates missing topics (when {@code create} is true) and checks the inputs share one partition count.
     *
     * @return that partition count
     * @throws StartupException when a topic is missing and may not be created, or the inputs are not co-partitioned
     */
    public int provision(final boolean create, final int partitions, final short replicationFactor) {
        final Set<String> existing = call(() -> admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        final List<NewTopic> missing = new ArrayList<>();
        final int coPartitions = coPartitionedCount(existing, partitions);
        for (final String topic : topics.all()) {
            if (!existing.contains(topic)) {
                final int count = topics.coPartitioned().contains(topic) ? coPartitions : partitions;
                final Map<String, String> configs = new HashMap<>(topicConfigs.getOrDefault(topic, Map.of()));
                if (topics.compacted().contains(topic)) {
                    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
                } else if (topics.appendTimeStamped().contains(topic)) {
                    configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
                }
                missing.add(new NewTopic(topic, count, replicationFactor).configs(configs));
            }
        }
        if (!missing.isEmpty()) {
            if (!create) {
                throw new StartupException("These topics do not exist and topics.create is false: "
                    + missing.stream().map(NewTopic::name).toList() + ". Create them or set topics.create=true.");
            }
            createTopics(missing);
        }
        if (create) {
            stampWithAppendTime(existing);
        }
        return checkCoPartitioned();
    }

    /**
     * Sets {@code message.timestamp.type=LogAppendTime} on existing topics that need it (made by hand, or by an
     * earlier version that created the engine's own topics with record times): records that carry a months-old event
     * time would otherwise fall to time-based retention before the engine reads them back.
     * A cluster that refuses the change is reported, and the engine starts anyway.
     */
    private void stampWithAppendTime(final Set<String> existing) {
        final List<ConfigResource> resources = topics.appendTimeStamped().stream().filter(existing::contains)
            .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
        if (resources.isEmpty()) {
            return;
        }
        try {
            final Map<ConfigResource, Config> configs = call(() -> admin.describeConfigs(resources).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            final Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
            configs.forEach((resource, config) -> {
                final ConfigEntry type = config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
                if (type == null || !APPEND_TIME.equals(type.value())) {
                    changes.put(resource, List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, APPEND_TIME),
                        AlterConfigOp.OpType.SET)));
                }
            });
            if (!changes.isEmpty()) {
                call(() -> admin.incrementalAlterConfigs(changes).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                LOG.info("Set message.timestamp.type={} on {}.", APPEND_TIME,
                    changes.keySet().stream().map(ConfigResource::name).toList());
            }
        } catch (final StartupException e) {
            LOG.warn("Could not check or set message.timestamp.type={} on {}; records with old event times may be "
                + "deleted by time-based retention before they are read: {}", APPEND_TIME,
                resources.stream().map(ConfigResource::name).toList(), e.getMessage());
        }
    }

    private void createTopics(final List<NewTopic> missing) {
        try {
            admin.createTopics(missing).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("Created topics {}.", missing.stream().map(NewTopic::name).toList());
            awaitLeaders(missing.stream().map(NewTopic::name).toList());
        } catch (final ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new StartupException("Could not create topics: " + e.getCause().getMessage(), e.getCause());
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("Interrupted while creating topics.", e);
        } catch (final TimeoutException e) {
            throw new StartupException("Timed out creating topics after " + TIMEOUT_SECONDS + " s.", e);
        }
    }

    /**
     * Waits until every partition of new topics has a leader. Creation returns before leaders are elected, and an
     * idempotent producer that writes at once can get NOT_LEADER_OR_FOLLOWER for its first batch, retry it after later
     * batches were appended, and then fail it for good with OUT_OF_ORDER_SEQUENCE_NUMBER (seen with Kafka 4.3.1).
     */
    private void awaitLeaders(final List<String> created) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!retryingUnknownTopics(() -> admin.describeTopics(created).allTopicNames()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).values().stream()
            .allMatch(topic -> topic.partitions().stream().allMatch(partition -> partition.leader() != null))) {
            if (System.nanoTime() > deadline) {
                throw new StartupException("New topics " + created + " have partitions without a leader after "
                    + TIMEOUT_SECONDS + " s.");
            }
            pause();
        }
    }

    /**
     * The partition count for a missing co-partitioned topic: that of the existing ones (the engine's own topics must
     * follow inputs created by hand), or the configured count when none exists.
     */
    private int coPartitionedCount(final Set<String> existing, final int partitions) {
        final List<String> present = topics.coPartitioned().stream().filter(existing::contains).toList();
        if (present.isEmpty()) {
            return partitions;
        }
        return retryingUnknownTopics(() -> admin.describeTopics(present).allTopicNames()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).values().stream()
            .mapToInt(description -> description.partitions().size())
            .max().orElse(partitions);
    }

    private int checkCoPartitioned() {
        final Map<String, TopicDescription> descriptions = describeInputs();
        final Map<String, Integer> counts = new TreeMap<>();
        descriptions.forEach((name, description) -> counts.put(name, description.partitions().size()));
        if (counts.values().stream().distinct().count() > 1) {
            throw new StartupException("The input topics and the engine's own topics keyed like them must have the "
                + "same number of partitions (co-partitioning), but they have " + counts + ".");
        }
        return counts.values().iterator().next();
    }

    /**
     * Describes the co-partitioned topics.
     */
    private Map<String, TopicDescription> describeInputs() {
        return retryingUnknownTopics(() -> admin.describeTopics(topics.coPartitioned()).allTopicNames()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    /**
     * Whether a topic has never held a record (its end offsets are all zero).
     */
    public boolean isEmpty(final String topic) {
        return retryingUnknownTopics(() -> {
            final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic)
                .partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values().stream()
                .allMatch(info -> info.offset() == 0);
        });
    }

    /**
     * Runs an admin call; a topic created a moment ago may not be known to every broker yet, so a call that fails
     * with an unknown topic is made again, for up to the admin timeout.
     */
    private static <T> T retryingUnknownTopics(final AdminCall<T> call) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                return call.call();
            } catch (final ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new StartupException("Kafka refused an admin request: " + e.getCause().getMessage(),
                        e.getCause());
                }
                pause();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException("Interrupted while talking to Kafka.", e);
            } catch (final TimeoutException e) {
                throw new StartupException("Kafka did not answer within " + TIMEOUT_SECONDS
                    + " s; is bootstrap.servers right?", e);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_BACKOFF_MS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("Interrupted while waiting for new topics.", e);
        }
    }

    private interface AdminCall<T> {
        T call() throws ExecutionException, InterruptedException, TimeoutException;
    }

    private static <T> T call(final AdminCall<T> call) {
        try {
            return call.call();
        } catch (final ExecutionException e) {
            throw new StartupException("Kafka refused an admin request: " + e.getCause().getMessage(), e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("Interrupted while talking to Kafka.", e);
        } catch (final TimeoutException e) {
            throw new StartupException("Kafka did not answer within " + TIMEOUT_SECONDS
                + " s; is bootstrap.servers right?", e);
        }
    }
}
