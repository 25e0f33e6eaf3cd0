package io.profilestream.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.profilestream.domain.CoPurchaseModel;
import io.profilestream.domain.MembershipChange;
import io.profilestream.errors.DlqReason;
import io.profilestream.profile.IdentityAction;

/**
 * The engine's own meters, named {@code profilestream.*} with low-cardinality tags.
 * Counters are created once and cached, so the hot path does no registry lookups.
 */
public final class EngineMetrics {

    /**
     * The tag that names the instance on per-instance gauges; not {@code instance}, which Prometheus sets to the
     * scrape target and would rename.
     */
    public static final String INSTANCE_TAG = "application_server";

    /** The instance tag's value when the engine has no {@code application.server}. */
    public static final String UNNAMED_INSTANCE = "unnamed";

    /** What happened to an input event. */
    public enum Outcome {
        /** Applied to a profile. */
        APPLIED,
        /** Seen before (same event id) and skipped. */
        DUPLICATE,
        /** Sent to the dead-letter queue. */
        REJECTED,
        /** An erasure request that deleted a profile, or a moved profile dropped because its customer was erased. */
        ERASED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Map<String, Counter> events = new ConcurrentHashMap<>();
    private final Map<DlqReason, Counter> dlq = new ConcurrentHashMap<>();
    private final Map<String, Counter> changes = new ConcurrentHashMap<>();
    private final Map<String, Counter> ruleErrors = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> sizes = new ConcurrentHashMap<>();
    private final Counter backfilled;
    private final Counter reevaluations;
    private final Counter punctuations;
    private final Counter ruleEvaluations;
    private final Counter ruleSkips;
    private final Map<IdentityAction, Counter> identity = new ConcurrentHashMap<>();
    private final Map<String, Counter> misrouted = new ConcurrentHashMap<>();
    private final Timer mergeLatency;
    private final Timer outputLatency;
    private final String instance;

    /**
     * Meters of an engine whose instance is not named, as in tests of the topology alone.
     */
    public EngineMetrics(final MeterRegistry registry) {
        this(registry, UNNAMED_INSTANCE);
    }

    /**
     * Meters of one engine instance.
     *
     * @param registry where the meters are registered
     * @param instance this instance's {@code application.server} ({@code host:port}), the value of the
     *                 {@value #INSTANCE_TAG} tag on per-instance gauges such as segment sizes
     */
    public EngineMetrics(final MeterRegistry registry, final String instance) {
        this.registry = registry;
        this.instance = instance;
        this.reevaluations = Counter.builder("profilestream.reevaluations")
            .description("Profiles re-evaluated because their re-evaluation time had come, by the punctuator or before "
                + "their next event.")
            .register(registry);
        this.backfilled = Counter.builder("profilestream.segment.backfilled")
            .description("Profiles evaluated by segment backfills.")
            .register(registry);
        this.ruleEvaluations = ruleEvaluations(registry, "evaluated");
        this.ruleSkips = ruleEvaluations(registry, "skipped");
        this.punctuations = Counter.builder("profilestream.reevaluation.punctuations")
            .description("Runs of the time-driven re-evaluation.")
            .register(registry);
        this.mergeLatency = Timer.builder("profilestream.identity.merge.latency")
            .description("Time from the login that links an anonymous id to its profile merged into the customer's.")
            .publishPercentileHistogram()
            .register(registry);
        this.outputLatency = Timer.builder("profilestream.event.output.latency")
            .description("Time from an event's own timestamp to the engine forwarding the profile update it caused.")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofHours(1))
            .register(registry);
    }

    /**
     * This instance's {@code application.server}, as it appears in the {@value #INSTANCE_TAG} tag.
     */
    public String instance() {
        return instance;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Counts one input event by its topic and outcome ({@code profilestream_events_total}).
     */
    public void event(final String topic, final Outcome outcome) {
        events.computeIfAbsent(topic + '\n' + outcome.name(), k -> Counter.builder("profilestream.events")
            .description("Input events by topic and outcome.")
            .tag("topic", topic)
            .tag("outcome", outcome.tag())
            .register(registry)).increment();
    }

    /**
     * Counts one membership change ({@code profilestream_membership_changes_total{kind,change}}).
     */
    public void membershipChange(final MembershipChange change) {
        changes.computeIfAbsent(change.kind().name() + '\n' + change.change().name(), k ->
            Counter.builder("profilestream.membership.changes")
                .description("Segment, lifecycle and persona enters and exits.")
                .tag("kind", change.kind().name().toLowerCase(Locale.ROOT))
                .tag("change", change.change().name().toLowerCase(Locale.ROOT))
                .register(registry)).increment();
    }

    private static Counter ruleEvaluations(final MeterRegistry registry, final String outcome) {
        return Counter.builder("profilestream.segment.rule.evaluations")
            .description("Segment and persona rules evaluated for a profile (outcome=evaluated), or that kept their "
                + "previous answer because none of the profile fields they read changed (outcome=skipped).")
            .tag("outcome", outcome)
            .register(registry);
    }

    /**
     * Counts the segment and persona rules evaluated for a profile and those that kept their previous answer because
     * none of the profile fields they read changed ({@code profilestream_segment_rule_evaluations_total}).
     */
    public void segmentRules(final int evaluated, final int skipped) {
        ruleEvaluations.increment(evaluated);
        ruleSkips.increment(skipped);
    }

    /**
     * Counts a segment rule that failed for a profile, which then counts as not a member.
     */
    public void segmentRuleFailed(final String definitionId,
                                  final long version,
                                  final String profileId,
                                  final Exception error) {
        ruleErrors.computeIfAbsent(definitionId == null ? "preview" : definitionId, id ->
            Counter.builder("profilestream.segment.rule.errors")
                .description("Segment rules that failed for a profile (counted as not a member).")
                .tag("segment", id)
                .register(registry)).increment();
    }

    /**
     * Moves the size of a segment or persona by {@code delta} members ({@code profilestream_segment_size}).
     */
    public void segmentSize(final String definitionId, final long delta) {
        sizes.computeIfAbsent(definitionId, id -> {
            final AtomicLong size = new AtomicLong();
            Gauge.builder("profilestream.segment.size", size, AtomicLong::get)
                .description("Members of each segment and persona on this instance.")
                .tag("segment", id)
                .tag(INSTANCE_TAG, instance)
                .register(registry);
            return size;
        }).addAndGet(delta);
    }

    /** Members of a segment on this instance. */
    public long segmentSize(final String definitionId) {
        final AtomicLong size = sizes.get(definitionId);
        return size == null ? 0 : size.get();
    }

    /**
     * Counts profiles evaluated by segment backfills ({@code profilestream_segment_backfilled_total}).
     */
    public void backfilled(final int profiles) {
        backfilled.increment(profiles);
    }

    /**
     * Counts the profiles one punctuation re-evaluated because they were due.
     */
    public void reevaluated(final int profiles) {
        reevaluations.increment(profiles);
        punctuations.increment();
    }

    /** Counts a due profile re-evaluated before its next event, which reached it ahead of the punctuator. */
    public void reevaluatedBeforeEvent() {
        reevaluations.increment();
    }

    /**
     * Counts one record sent to the dead-letter queue ({@code profilestream_dlq_total}).
     */
    public void deadLettered(final DlqReason reason) {
        dlq.computeIfAbsent(reason, r -> Counter.builder("profilestream.dlq")
            .description("Records sent to the dead-letter queue, by reason.")
            .tag("reason", r.tag())
            .register(registry)).increment();
    }

    /**
     * Counts one change to the identity graph by action ({@code profilestream_identity_changes_total}): links,
     * merges, re-links, quarantines and unlinks.
     */
    public void identityChange(final IdentityAction action) {
        identity.computeIfAbsent(action, a -> Counter.builder("profilestream.identity.changes")
            .description("Changes to the identity graph, by action.")
            .tag("action", a.name().toLowerCase(Locale.ROOT))
            .register(registry)).increment();
    }

    /**
     * Records how long a merge took from the login that caused it ({@code profilestream_identity_merge_latency}).
     */
    public void mergeLatency(final Duration latency) {
        mergeLatency.record(latency.isNegative() ? Duration.ZERO : latency);
    }

    /**
     * Records the time from an event's timestamp to the moment its outputs are forwarded
     * ({@code profilestream_event_output_latency_seconds}), a histogram whose buckets give percentiles over one
     * instance or the whole cluster ({@code histogram_quantile} in Prometheus).
     * Outputs reach {@code read_committed} consumers at the next commit, so they see the commit interval on top.
     * In event-time mode (replays) this is the age of the replayed events.
     *
     * @param eventTimeMs the event's own time
     * @param outputTimeMs when its outputs were forwarded, by the wall clock
     */
    public void eventToOutput(final long eventTimeMs, final long outputTimeMs) {
        outputLatency.record(Math.max(0, outputTimeMs - eventTimeMs), TimeUnit.MILLISECONDS);
    }

    /**
     * Counts an input record that arrived on a partition other than its key's murmur2 partition
     * ({@code profilestream_misrouted_records_total{topic}}): its producer does not partition like Kafka's Java client.
     */
    public void misrouted(final String topic) {
        misrouted.computeIfAbsent(topic, t -> Counter.builder("profilestream.misrouted.records")
            .description("Input records on a partition other than their key's murmur2 partition, moved to the task "
                + "that owns the key.")
            .tag("topic", t)
            .register(registry)).increment();
    }

    /**
     * Gauges of the co-purchase matrix this instance ranks next categories with: its source categories
     * ({@code profilestream_copurchase_categories}) and the orders it has counted, cluster-wide
     * ({@code profilestream_copurchase_orders}).
     */
    public void coPurchase(final CoPurchaseModel model) {
        Gauge.builder("profilestream.copurchase.categories", model, CoPurchaseModel::categories)
            .description("Source categories in the co-purchase matrix (the all-orders row included).")
            .tag(INSTANCE_TAG, instance)
            .register(registry);
        Gauge.builder("profilestream.copurchase.orders", model, CoPurchaseModel::orders)
            .description("Orders the co-purchase matrix has counted, cluster-wide, as this instance has read them.")
            .tag(INSTANCE_TAG, instance)
            .register(registry);
    }
}
