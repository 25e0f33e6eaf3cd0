package io.profilestream.loadtest.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import io.profilestream.config.Topics;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.SegmentChange;
import io.profilestream.registry.SchemaRegistryClient;
import io.profilestream.serde.RegistryAvroSerde;

/**
 * What the chaos run checks once the engines have stopped, on the committed output alone ({@code read_committed}):
 * <ul>
 *   <li>every customer's latest profile on {@code profile-updates} counts exactly what was sent, and every anonymous
 *       profile that was merged into a customer's is gone (its last record a tombstone);</li>
 *   <li>no {@code segment-changes} id appears twice;</li>
 *   <li>each (profile, kind and segment) alternates ENTERED and EXITED, starting with ENTERED;</li>
 *   <li>the memberships the changes leave equal the latest profile's lifecycle stage, segments and persona (none for
 *       a profile that is gone).</li>
 * </ul>
 */
final class ChaosCheck {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    /** How many examples of each kind of finding the report keeps. */
    private static final int EXAMPLES = 10;

    /**
     * The findings.
     *
     * @param profilesChecked customers whose profile was compared with what was sent, plus merged-away profiles
     * @param profileMismatches profiles that count something else than was sent, are missing, or should be gone
     * @param changesRead segment changes read
     * @param duplicateChangeIds change ids seen more than once (each extra copy counts)
     * @param sequenceViolations an ENTERED while a member, or an EXITED while not one
     * @param membershipMismatches profiles whose memberships after the last change differ from the profile's
     * @param examples a few findings of each kind, by profile id, for the log
     */
    record Result(long profilesChecked, long profileMismatches, long changesRead, long duplicateChangeIds,
                  long sequenceViolations, long membershipMismatches, List<String> examples) {

        boolean clean() {
            return profileMismatches == 0 && duplicateChangeIds == 0 && sequenceViolations == 0
                && membershipMismatches == 0;
        }
    }

    private ChaosCheck() {
    }

    static Result check(final String bootstrapServers,
                        final SchemaRegistryClient registry,
                        final Topics topics,
                        final ChaosPopulation population) {
        final RegistryAvroSerde<CustomerProfile> profileSerde =
            new RegistryAvroSerde<>(registry, CustomerProfile.class, Integer.MAX_VALUE);
        final RegistryAvroSerde<SegmentChange> changeSerde =
            new RegistryAvroSerde<>(registry, SegmentChange.class, Integer.MAX_VALUE);
        final Map<String, CustomerProfile> profiles = new HashMap<>();
        readAll(bootstrapServers, topics.profileUpdates(), (key, value) ->
            profiles.put(key, value == null ? null : profileSerde.deserialize(value)));
        final List<SegmentChange> changes = new ArrayList<>();
        readAll(bootstrapServers, topics.segmentChanges(), (key, value) -> {
            if (value != null) {
                changes.add(changeSerde.deserialize(value));
            }
        });

        final List<String> examples = new ArrayList<>();
        long profileMismatches = 0;
        for (final Map.Entry<String, ChaosPopulation.Expected> entry : population.expected().entrySet()) {
            final ChaosPopulation.Expected counted = counted(profiles.get(entry.getKey()));
            if (!entry.getValue().equals(counted)) {
                profileMismatches++;
                example(examples, "profile " + entry.getKey() + " counts " + counted + ", sent " + entry.getValue());
            }
        }
        for (final String anonymous : population.mergedAway()) {
            if (profiles.get(anonymous) != null) {
                profileMismatches++;
                example(examples, "profile " + anonymous + " was not merged away");
            }
        }

        long duplicates = 0;
        long sequence = 0;
        final Set<String> ids = new HashSet<>();
        final Map<String, Set<String>> memberships = new HashMap<>();
        for (final SegmentChange change : changes) {
            if (!ids.add(change.getEventId())) {
                duplicates++;
                example(examples, "change id " + change.getEventId() + " repeats");
            }
            final Set<String> current = memberships.computeIfAbsent(change.getCustomerId(), id -> new TreeSet<>());
            final String membership = change.getKind() + ":" + change.getSegmentId();
            final boolean consistent = switch (change.getChange()) {
                case ENTERED -> current.add(membership);
                case EXITED -> current.remove(membership);
            };
            if (!consistent) {
                sequence++;
                example(examples, change.getCustomerId() + " " + change.getChange() + " " + membership + " out of "
                    + "sequence (cause " + change.getCauseEventId() + ")");
            }
        }
        long membershipMismatches = 0;
        final Set<String> everyProfile = new TreeSet<>(memberships.keySet());
        profiles.forEach((id, profile) -> {
            if (profile != null) {
                everyProfile.add(id);
            }
        });
        for (final String id : everyProfile) {
            final Set<String> expected = memberships(profiles.get(id));
            final Set<String> actual = memberships.getOrDefault(id, Set.of());
            if (!expected.equals(actual)) {
                membershipMismatches++;
                example(examples, id + " has memberships " + expected + " but its changes leave " + actual);
            }
        }
        return new Result(population.expected().size() + population.mergedAway().size(), profileMismatches,
            changes.size(), duplicates, sequence, membershipMismatches, examples);
    }

    private static ChaosPopulation.Expected counted(final CustomerProfile profile) {
        if (profile == null) {
            return null;
        }
        return new ChaosPopulation.Expected(profile.getBehaviour().getPageViews(),
            profile.getBehaviour().getProductViews(), profile.getBehaviour().getLogins(),
            profile.getTransactions().getOrders(), profile.getTransactions().getRevenueMinor(),
            profile.getEmail().getSent(), profile.getEmail().getOpens());
    }

    /** A profile's memberships as changes name them: its stage, its segments and its persona. */
    private static Set<String> memberships(final CustomerProfile profile) {
        final Set<String> memberships = new TreeSet<>();
        if (profile != null) {
            if (profile.getLifecycleStage() != null) {
                memberships.add("LIFECYCLE:" + profile.getLifecycleStage().name());
            }
            profile.getSegments().forEach(segment -> memberships.add("SEGMENT:" + segment));
            if (profile.getPersona() != null) {
                memberships.add("PERSONA:" + profile.getPersona());
            }
        }
        return memberships;
    }

    private static void example(final List<String> examples, final String finding) {
        if (examples.size() < EXAMPLES) {
            examples.add(finding);
        }
    }

    /** Reads every committed record of a topic from its beginning to the end offsets taken at the start. */
    private static void readAll(final String bootstrapServers,
                                final String topic,
                                final BiConsumer<String, byte[]> records) {
        try (KafkaConsumer<byte[], byte[]> consumer = ProfileKeys.committedReader(bootstrapServers)) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = new LinkedHashMap<>(consumer.endOffsets(partitions));
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Reading " + topic + " took longer than " + TIMEOUT + ".");
                }
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.key() != null) {
                        records.accept(new String(record.key(), StandardCharsets.UTF_8), record.value());
                    }
                }
            }
        }
    }
}
