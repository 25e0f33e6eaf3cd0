package io.profilestream.http;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.profile.SegmentDefinition;
import io.profilestream.profile.SegmentSnapshot;
import io.profilestream.query.QueryUnavailableException;
import io.profilestream.query.RecordPublisher;
import io.profilestream.query.SegmentQueries;
import io.profilestream.serde.RegistryAvroSerde;

/**
 * Publishes a daily snapshot of every segment and persona, over the whole cluster, on the compacted
 * {@code segment-snapshots} topic, keyed {@code <segment id>@<UTC day>}, so size and value over time can be charted;
 * summaries read them back as their {@code trend}.
 * One instance publishes: the one the caller names (the first of the instances, by address). Each check publishes
 * the snapshots of the current UTC day that are not there yet; a day's key is the same whoever publishes, so a
 * second publication only replaces the first.
 */
public final class SegmentSnapshots implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentSnapshots.class);

    private final SegmentQueries queries;
    private final SegmentRoutes segments;
    private final RecordPublisher publisher;
    private final RegistryAvroSerde<SegmentSnapshot> serde;
    private final String topic;
    private final BooleanSupplier publishes;
    private final Clock clock;

    /**
     * @param segments computes cluster-wide summaries
     * @param publishes whether this instance is the one that publishes, asked at every check
     */
    public SegmentSnapshots(final SegmentQueries queries,
                            final SegmentRoutes segments,
                            final RecordPublisher publisher,
                            final RegistryAvroSerde<SegmentSnapshot> serde,
                            final String topic,
                            final BooleanSupplier publishes,
                            final Clock clock) {
        this.queries = queries;
        this.segments = segments;
        this.publisher = publisher;
        this.serde = serde;
        this.topic = topic;
        this.publishes = publishes;
        this.clock = clock;
    }

    /** One check; failures are logged and retried at the next check. */
    @Override
    public void run() {
        try {
            publishDue();
        } catch (final QueryUnavailableException e) {
            LOG.info("Segment snapshots are postponed to the next check: {}", e.getMessage());
        } catch (final RuntimeException e) {
            LOG.warn("Segment snapshots failed; they are retried at the next check.", e);
        }
    }

    /**
     * Publishes today's snapshot of each definition that has none yet, when this instance is the publisher.
     *
     * @return how many snapshots were published
     */
    int publishDue() {
        if (!publishes.getAsBoolean()) {
            return 0;
        }
        final Instant now = clock.instant();
        final String day = LocalDate.ofInstant(now, ZoneOffset.UTC).toString();
        int published = 0;
        for (final SegmentDefinition definition : queries.definitions()) {
            final List<SegmentSnapshot> taken = queries.snapshots(definition.getId());
            if (!taken.isEmpty() && taken.get(taken.size() - 1).getDay().equals(day)) {
                continue;
            }
            final ObjectNode summary = segments.summary(definition);
            final SegmentSnapshot snapshot = SegmentSnapshot.newBuilder()
                .setSegmentId(definition.getId())
                .setDay(day)
                .setAt(now)
                .setSize(summary.path("size").asLong())
                .setHoldoutSize(summary.at("/holdout/holdout/members").asLong())
                .setClvMean(number(summary, "/clv/mean"))
                .setClvP50(number(summary, "/clv/p50"))
                .setChurnRiskMean(number(summary, "/churnRisk/mean"))
                .setSummary(summary.toString())
                .build();
            final String key = definition.getId() + "@" + day;
            publisher.publish(topic, key, serde.serialize(topic, snapshot));
            published++;
        }
        if (published > 0) {
            LOG.info("Published {} segment snapshots for {}.", published, day);
        }
        return published;
    }

    private static Double number(final ObjectNode summary, final String pointer) {
        return summary.at(pointer).isNumber() ? summary.at(pointer).asDouble() : null;
    }
}
