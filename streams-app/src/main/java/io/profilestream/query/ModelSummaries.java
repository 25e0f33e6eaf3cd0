package io.profilestream.query;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;

import io.profilestream.domain.ProfileSummaries;
import io.profilestream.models.CustomerSummaries;
import io.profilestream.models.CustomerSummary;
import io.profilestream.models.ModelTimeUnit;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.topology.Stores;

/**
 * The BG/NBD and Gamma-Gamma summaries of every customer with a purchase among the profiles this instance owns, as of
 * one instant, for the engine's own fit.
 * Times are whole days (the day of {@code now} counts as the last observed day, as {@code model summarize} treats the
 * calibration end), so equal summaries merge into one weighted row. A fixed share of customers, chosen by a hash of
 * the profile id, forms the held-out slice a scheduled refit is judged on.
 */
public final class ModelSummaries {

    /** One customer in this many is held out. */
    public static final int HOLDOUT_ONE_IN = 10;

    private static final long MILLIS_PER_DAY = Duration.ofDays(1).toMillis();

    private final QueryableStreams streams;
    private final Duration retryAfter;

    /**
     * Creates the reader with the default retry hint.
     *
     * @param streams the Kafka Streams client that hosts the profiles store; it may not have started yet
     */
    public ModelSummaries(final KafkaStreams streams) {
        this(QueryableStreams.of(Objects.requireNonNull(streams, "streams")), QueryableStreams.DEFAULT_RETRY_AFTER);
    }

    ModelSummaries(final QueryableStreams streams, final Duration retryAfter) {
        this.streams = streams;
        this.retryAfter = retryAfter;
    }

    /**
     * The customers of this instance's active partitions.
     *
     * @param now the instant the summaries are for
     * @param unit the unit of t_x and T
     * @throws QueryUnavailableException while the profiles cannot be read
     */
    public Split summarize(final Instant now, final ModelTimeUnit unit) {
        final Rows training = new Rows();
        final Rows holdout = new Rows();
        final double nowDay = Math.floorDiv(now.toEpochMilli(), MILLIS_PER_DAY);
        try (KeyValueIterator<String, CustomerProfile> all = streams.store(Stores.PROFILES, CustomerProfile.class)
            .all()) {
            while (all.hasNext()) {
                final CustomerProfile profile = all.next().value;
                final CustomerSummary summary = ProfileSummaries.summary(profile.getTransactions(), nowDay, unit);
                if (summary != null) {
                    (isHeldOut(profile.getProfileId()) ? holdout : training).add(summary);
                }
            }
        } catch (final InvalidStateStoreException e) {
            throw new QueryUnavailableException("Profiles are not queryable yet; retry shortly.", retryAfter);
        }
        return new Split(training.build(), holdout.build());
    }

    /** Whether a profile belongs to the held-out slice: the same answer on every instance and every run. */
    public static boolean isHeldOut(final String profileId) {
        return Math.floorMod(profileId.hashCode() * 0x9E3779B9, HOLDOUT_ONE_IN) == 0;
    }

    /**
     * Summaries split into the customers a refit is fitted on and those it is judged on; together, every customer.
     *
     * @param training the customers outside the held-out slice
     * @param holdout the held-out customers
     */
    public record Split(CustomerSummaries training, CustomerSummaries holdout) {

        /** Every customer, both slices. */
        public CustomerSummaries all() {
            return merge(training, holdout);
        }

        /** Adds the rows of other instances' splits to this one's. */
        public Split plus(final Split other) {
            return new Split(merge(training, other.training), merge(holdout, other.holdout));
        }

        private static CustomerSummaries merge(final CustomerSummaries a, final CustomerSummaries b) {
            final Rows rows = new Rows();
            rows.addAll(a);
            rows.addAll(b);
            return rows.build();
        }
    }

    /** Rows with equal summaries merged, their weights added. */
    private static final class Rows {
        private final Map<CustomerSummary, Double> weights = new HashMap<>();

        void add(final CustomerSummary summary) {
            weights.merge(summary, 1.0, Double::sum);
        }

        void addAll(final CustomerSummaries data) {
            for (int i = 0; i < data.size(); i++) {
                weights.merge(data.get(i), data.weight(i), Double::sum);
            }
        }

        CustomerSummaries build() {
            final CustomerSummaries.Builder builder = CustomerSummaries.builder();
            weights.forEach((summary, weight) -> builder.add(summary.x(), summary.tx(), summary.t(), summary.m(),
                weight));
            return builder.build();
        }
    }
}
