package io.profilestream.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import io.profilestream.profile.CustomerProfile;

/**
 * What one instance of the engine shares between its stream tasks and its HTTP server: the engine's now and the
 * models the tasks currently score with, so a profile read over HTTP is scored as of the moment it is read.
 * The engine's now is the wall clock, or in event-time mode the highest event time any task of this instance has
 * seen. Thread-safe.
 */
public final class LiveModels {

    private final boolean eventTime;
    private final Clock clock;
    private final ProfileAggregator aggregator;
    private final CoPurchaseModel coPurchase;
    private final AtomicLong latestEventMs = new AtomicLong(Long.MIN_VALUE);
    private volatile ProfileEvaluator evaluator;

    /**
     * Creates the shared state of one instance.
     *
     * @param eventTime whether engine time is the highest event time seen
     * @param clock the wall clock
     * @param aggregator brings time-decayed profile figures to now
     * @param initial the evaluator to score with until a task publishes another
     */
    public LiveModels(final boolean eventTime,
                      final Clock clock,
                      final ProfileAggregator aggregator,
                      final ProfileEvaluator initial) {
        this(eventTime, clock, aggregator, initial, new CoPurchaseModel(CoPurchase.Limits.defaults()));
    }

    /**
     * Creates the shared state of one instance.
     *
     * @param eventTime whether engine time is the highest event time seen
     * @param clock the wall clock
     * @param aggregator brings time-decayed profile figures to now
     * @param initial the evaluator to score with until a task publishes another
     * @param coPurchase the population's co-purchase matrix, which ranks a customer's next categories
     */
    public LiveModels(final boolean eventTime,
                      final Clock clock,
                      final ProfileAggregator aggregator,
                      final ProfileEvaluator initial,
                      final CoPurchaseModel coPurchase) {
        this.coPurchase = coPurchase;
        this.eventTime = eventTime;
        this.clock = clock;
        this.aggregator = aggregator;
        this.evaluator = initial;
    }

    /** Notes the time of an event a task processed (it only moves the event-time now forwards). */
    public void observe(final long eventTimeMs) {
        long seen = latestEventMs.get();
        while (eventTimeMs > seen && !latestEventMs.compareAndSet(seen, eventTimeMs)) {
            seen = latestEventMs.get();
        }
    }

    /** The engine's now: the wall clock, or in event-time mode the highest event time seen (the wall clock before). */
    public Instant now() {
        final long seen = latestEventMs.get();
        return eventTime && seen != Long.MIN_VALUE ? Instant.ofEpochMilli(seen) : clock.instant();
    }

    /** Makes reads score with the evaluator a task has just built (latest published parameters, RFM breakpoints). */
    public void use(final ProfileEvaluator latest) {
        this.evaluator = latest;
    }

    /** How the current models' scores move with time, for finding when a rule on a score flips. */
    public ScoreCurve curve() {
        return evaluator.scorer();
    }

    /** The population's co-purchase matrix as this instance knows it. */
    public CoPurchaseModel coPurchase() {
        return coPurchase;
    }

    /**
     * Scores a profile, which the caller owns, as of now: scores (marked with now in {@code scores.scoredAt}), decayed
     * affinity and activity, engagement score, and next categories from the co-purchase matrix as it is now.
     * Lifecycle stage and memberships stay as the engine last published them.
     *
     * @return the same profile
     */
    public CustomerProfile scoreNow(final CustomerProfile profile) {
        final Instant now = now();
        aggregator.advanceTo(profile, now);
        evaluator.score(profile, now);
        coPurchase.recommend(profile);
        return profile;
    }
}
