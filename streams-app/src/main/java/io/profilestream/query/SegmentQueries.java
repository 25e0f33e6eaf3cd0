package io.profilestream.query;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.profilestream.domain.Holdout;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.SegmentDefinition;
import io.profilestream.profile.SegmentSnapshot;
import io.profilestream.profile.TraitDefinition;
import io.profilestream.topology.Backfill;
import io.profilestream.topology.SegmentMembers;
import io.profilestream.topology.Stores;

/**
 * Reads the segment stores of this instance: the catalogue of definitions, backfill progress, members, and the
 * profiles a draft rule is previewed on; and the computed trait catalogue.
 * Progress, members and previews cover the profiles this instance holds; the HTTP layer merges the answers of every
 * instance into one for the cluster.
 * Every read throws {@link QueryUnavailableException} while the stores cannot be queried.
 */
public final class SegmentQueries {

    /** The most daily snapshots a summary's trend shows. */
    private static final int SNAPSHOT_DAYS = 90;
    private static final String NOT_QUERYABLE = "State is not queryable yet; retry shortly.";

    private final QueryableStreams streams;
    private final Duration retryAfter;

    /**
     * Creates the queries with the default retry hint.
     *
     * @param streams the Kafka Streams client that hosts the segment stores; it may not have started yet
     */
    public SegmentQueries(final KafkaStreams streams) {
        this(QueryableStreams.of(Objects.requireNonNull(streams, "streams")), QueryableStreams.DEFAULT_RETRY_AFTER);
    }

    SegmentQueries(final QueryableStreams streams, final Duration retryAfter) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /**
     * Every definition of the catalogue, in id order.
     */
    public List<SegmentDefinition> definitions() {
        return read(() -> {
            final List<SegmentDefinition> definitions = new ArrayList<>();
            try (KeyValueIterator<String, SegmentDefinition> all = definitionStore().all()) {
                all.forEachRemaining(entry -> definitions.add(entry.value));
            }
            return definitions;
        });
    }

    /**
     * One definition of the catalogue, or empty when there is none with this id.
     */
    public Optional<SegmentDefinition> definition(final String id) {
        return read(() -> Optional.ofNullable(definitionStore().get(id)));
    }

    /**
     * The backfill progress of every definition this instance has backfilled, by definition id.
     */
    public Map<String, BackfillProgress> backfills() {
        return read(() -> {
            final Map<String, BackfillProgress> progress = new TreeMap<>();
            try (KeyValueIterator<String, String> all = streams.store(Stores.SEGMENT_BACKFILL, String.class).all()) {
                all.forEachRemaining(entry -> progress.merge(entry.key,
                    BackfillProgress.of(Backfill.parse(entry.value)),
                    BackfillProgress::plus));
            }
            return progress;
        });
    }

    /**
     * One page of a definition's members: the smallest profile ids after the cursor.
     *
     * @param definitionId the segment or persona
     * @param cursor the last id of the previous page, or null or empty for the first page
     * @param limit how many ids a page holds, at least 1
     */
    public MemberPage members(final String definitionId, final String cursor, final int limit) {
        return members(definitionId, cursor, limit, member -> true);
    }

    /**
     * One page of the members of a definition that a filter keeps: the smallest such profile ids after the cursor.
     *
     * @param definitionId the segment or persona
     * @param cursor the last id of the previous page, or null or empty for the first page
     * @param limit how many ids a page holds, at least 1
     * @param keep which member ids to list
     */
    public MemberPage members(final String definitionId,
                              final String cursor,
                              final int limit,
                              final Predicate<String> keep) {
        if (limit < 1) {
            throw new IllegalArgumentException("A page holds at least one member, got " + limit + ".");
        }
        final String prefix = definitionId + Stores.KEY_SEPARATOR;
        final String from = cursor == null || cursor.isEmpty() ? prefix : prefix + cursor + Stores.KEY_SEPARATOR;
        // The store spans this instance's partitions, each sorted on its own: keep the smallest ids after the cursor.
        final TreeSet<String> page = read(() -> {
            final TreeSet<String> smallest = new TreeSet<>();
            try (KeyValueIterator<String, byte[]> range = streams.store(Stores.SEGMENT_MEMBERS, byte[].class)
                .range(from, prefix + Character.MAX_VALUE)) {
                while (range.hasNext()) {
                    final String member = range.next().key.substring(prefix.length());
                    if (!keep.test(member)) {
                        continue;
                    }
                    smallest.add(member);
                    if (smallest.size() > limit + 1) {
                        smallest.pollLast();
                    }
                }
            }
            return smallest;
        });
        final List<String> members = new ArrayList<>(page);
        return members.size() > limit
            ? new MemberPage(members.subList(0, limit), members.get(limit - 1))
            : new MemberPage(members, null);
    }

    /**
     * How many of this instance's profiles a rule selects, with the smallest ids among them.
     *
     * @param rule whether a profile matches
     * @param sampleSize how many ids to return at most
     */
    public SegmentPreview preview(final Predicate<CustomerProfile> rule, final int sampleSize) {
        return read(() -> {
            long size = 0;
            // The store spans this instance's partitions, each sorted on its own: keep the smallest matching ids, so
            // samples of several instances merge into the smallest ids of the cluster.
            final TreeSet<String> sample = new TreeSet<>();
            try (KeyValueIterator<String, CustomerProfile> all = streams.store(Stores.PROFILES, CustomerProfile.class)
                .all()) {
                while (all.hasNext()) {
                    final KeyValue<String, CustomerProfile> entry = all.next();
                    if (rule.test(entry.value)) {
                        size++;
                        sample.add(entry.value.getProfileId());
                        if (sample.size() > sampleSize) {
                            sample.pollLast();
                        }
                    }
                }
            }
            return new SegmentPreview(size, new ArrayList<>(sample));
        });
    }

    /**
     * Every computed trait definition, in id order.
     */
    public List<TraitDefinition> traits() {
        return read(() -> {
            final List<TraitDefinition> definitions = new ArrayList<>();
            try (KeyValueIterator<String, TraitDefinition> all = streams.store(Stores.TRAIT_DEFINITIONS,
                TraitDefinition.class).all()) {
                all.forEachRemaining(entry -> definitions.add(entry.value));
            }
            return definitions;
        });
    }

    /**
     * One computed trait definition, or empty when there is none with this id.
     */
    public Optional<TraitDefinition> trait(final String id) {
        return read(() -> Optional.ofNullable(streams.store(Stores.TRAIT_DEFINITIONS, TraitDefinition.class)
            .get(id)));
    }

    /**
     * The daily snapshots of a definition, oldest first, at most the last {@code SNAPSHOT_DAYS}.
     */
    public List<SegmentSnapshot> snapshots(final String definitionId) {
        final String prefix = definitionId + "@";
        final List<SegmentSnapshot> snapshots = read(() -> {
            final List<SegmentSnapshot> all = new ArrayList<>();
            try (KeyValueIterator<String, SegmentSnapshot> range = streams.store(Stores.SEGMENT_SNAPSHOTS,
                SegmentSnapshot.class).range(prefix, prefix + Character.MAX_VALUE)) {
                range.forEachRemaining(entry -> all.add(entry.value));
            }
            return all;
        });
        return snapshots.size() > SNAPSHOT_DAYS
            ? snapshots.subList(snapshots.size() - SNAPSHOT_DAYS, snapshots.size())
            : snapshots;
    }

    /**
     * The summary figures of a definition over this instance's members.
     *
     * @param definitionId the segment or persona
     * @param holdoutPercent its holdout share, which splits members into treated and held out
     * @param now the time since-entry figures are measured to
     */
    public SummaryPart summary(final String definitionId, final double holdoutPercent, final Instant now) {
        final String prefix = definitionId + Stores.KEY_SEPARATOR;
        return read(() -> {
            final SummaryPart part = new SummaryPart();
            final ReadOnlyKeyValueStore<String, CustomerProfile> profiles = streams.store(Stores.PROFILES,
                CustomerProfile.class);
            try (KeyValueIterator<String, byte[]> range = streams.store(Stores.SEGMENT_MEMBERS, byte[].class)
                .range(prefix, prefix + Character.MAX_VALUE)) {
                while (range.hasNext()) {
                    final KeyValue<String, byte[]> member = range.next();
                    final String profileId = member.key.substring(prefix.length());
                    final CustomerProfile profile = profiles.get(profileId);
                    if (profile != null) {
                        part.add(profile, SegmentMembers.Entry.of(member.value),
                            Holdout.isHeldOut(definitionId, profileId, holdoutPercent), now);
                    }
                }
            }
            return part;
        });
    }

    /**
     * What this instance holds about one profile, for a data-subject export: the profile, the anonymous ids seen with
     * the customer (with when each pair was first seen) and the entry of each membership. Empty when another instance
     * owns the profile.
     */
    public Optional<LocalProfileData> profileData(final String profileId) {
        return read(() -> {
            final CustomerProfile profile = streams.store(Stores.PROFILES, CustomerProfile.class).get(profileId);
            final Map<String, Long> links = new TreeMap<>();
            final String prefix = profileId + Stores.KEY_SEPARATOR;
            try (KeyValueIterator<String, Long> range = streams.store(Stores.CUSTOMER_LINKS, Long.class)
                .range(prefix, prefix + Character.MAX_VALUE)) {
                range.forEachRemaining(entry -> links.put(entry.key.substring(prefix.length()), entry.value));
            }
            if (profile == null && links.isEmpty()) {
                return Optional.empty();
            }
            final Map<String, MembershipEntry> memberships = new TreeMap<>();
            if (profile != null) {
                final ReadOnlyKeyValueStore<String, byte[]> members = streams.store(Stores.SEGMENT_MEMBERS,
                    byte[].class);
                final List<String> ids = new ArrayList<>(profile.getSegments());
                if (profile.getPersona() != null) {
                    ids.add(profile.getPersona());
                }
                for (final String id : ids) {
                    final byte[] value = members.get(id + Stores.KEY_SEPARATOR + profileId);
                    final SegmentMembers.Entry entry = value == null ? null : SegmentMembers.Entry.of(value);
                    if (entry != null) {
                        memberships.put(id, new MembershipEntry(entry.enteredAtMs(), entry.orders(),
                            entry.revenueMinor()));
                    }
                }
            }
            return Optional.of(new LocalProfileData(profile, links, memberships));
        });
    }

    /**
     * What one instance holds about a profile.
     *
     * @param profile the profile, or null when this instance holds only links
     * @param anonymousIds anonymous ids seen with the customer, to the time the pair was first seen (epoch ms)
     * @param memberships segment and persona id to its entry, for memberships whose entry was recorded
     */
    public record LocalProfileData(CustomerProfile profile,
                                   Map<String, Long> anonymousIds,
                                   Map<String, MembershipEntry> memberships) {
    }

    /**
     * When a profile entered a segment or persona, and its orders and revenue (minor units) then.
     */
    public record MembershipEntry(long enteredAtMs, long orders, long revenueMinor) {
    }

    private ReadOnlyKeyValueStore<String, SegmentDefinition> definitionStore() {
        return streams.store(Stores.SEGMENT_DEFINITIONS, SegmentDefinition.class);
    }

    private <T> T read(final Supplier<T> query) {
        try {
            return query.get();
        } catch (final InvalidStateStoreException e) {
            throw new QueryUnavailableException(NOT_QUERYABLE, retryAfter);
        }
    }
}
