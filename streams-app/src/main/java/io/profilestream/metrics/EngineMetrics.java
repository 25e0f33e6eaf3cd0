package io.profilestream.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.profilestream.errors.DlqReason;
import io.profilestream.profile.IdentityAction;

/**
 * The engine's own meters, named {@code profilestream.*} with low-cardinality tags.
 * Counters are created once and cached, so the hot path does no registry lookups.
 */
public final class EngineMetrics {

    /** What happened to an input event. */
    public enum Outcome {
        /** Applied to a profile. */
        APPLIED,
        /** Seen before (same event id) and skipped. */
        DUPLICATE,
        /** Sent to the dead-letter queue. */
        REJECTED,
        /** An erasure request that deleted a profile. */
        ERASED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Map<String, Counter> events = new ConcurrentHashMap<>();
    private final Map<DlqReason, Counter> dlq = new ConcurrentHashMap<>();
    private final Map<IdentityAction, Counter> identity = new ConcurrentHashMap<>();
    private final Timer mergeLatency;

    public EngineMetrics(final MeterRegistry registry) {
        this.registry = registry;
        this.mergeLatency = Timer.builder("profilestream.identity.merge.latency")
            .description("Time from the login that links an anonymous id to its profile merged into the customer's.")
            .publishPercentileHistogram()
            .register(registry);
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
}
