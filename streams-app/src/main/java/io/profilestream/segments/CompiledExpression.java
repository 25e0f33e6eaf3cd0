package io.profilestream.segments;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import org.apache.avro.generic.IndexedRecord;

import io.profilestream.domain.ScoreCurve;

/**
 * A rule that parsed, type-checked as a boolean over the profile and passed the cost limits, planned once
 * for evaluation.
 * Immutable and thread-safe: one instance serves every profile and thread.
 */
public final class CompiledExpression {

    private final String source;
    private final CelRuntime.Program program;
    /** The rule evaluated without CEL's interpreter, or null when it uses what only CEL evaluates. */
    private final DirectExpression direct;
    private final int astNodes;
    private final int comprehensionDepth;
    private final TimeThresholds time;
    /** The top-level profile fields the rule reads; {@code null} when it may read any. */
    private final Set<String> reads;
    /** {@link #reads} as {@link FieldBits}. */
    private final long readMask;
    /** Whether time may change the answer, and if so whether only at thresholds known exactly. */
    private final boolean usesNow;
    private final boolean exactTime;

    CompiledExpression(final String source,
                       final CelRuntime.Program program,
                       final DirectExpression direct,
                       final int astNodes,
                       final int comprehensionDepth,
                       final TimeThresholds time,
                       final Set<String> reads) {
        this.source = source;
        this.program = program;
        this.direct = direct;
        this.astNodes = astNodes;
        this.comprehensionDepth = comprehensionDepth;
        this.time = time;
        this.reads = reads;
        this.readMask = FieldBits.of(reads);
        this.usesNow = time.usesNow();
        this.exactTime = time.exact();
    }

    /**
     * Evaluates the rule for the profile in the context.
     *
     * @return whether the profile matches
     * @throws SegmentEvaluationException when the rule fails for this profile
     */
    public boolean matches(final EvaluationContext context) throws SegmentEvaluationException {
        if (direct != null) {
            try {
                return direct.matches(context);
            } catch (final DirectExpression.GiveUp e) {
                // CEL gives the answer, or the error with its message.
            }
        }
        return celMatches(context);
    }

    /** As {@link #matches}, by CEL's interpreter alone. */
    boolean celMatches(final EvaluationContext context) throws SegmentEvaluationException {
        final Object result;
        try {
            result = program.eval(context.variables());
        } catch (final CelEvaluationException e) {
            throw new SegmentEvaluationException(describe(e), e);
        } catch (final RuntimeException e) {
            // The planner wraps errors in CelEvaluationException; this guards the promise that a rule never throws.
            throw new SegmentEvaluationException("Evaluation failed: " + e, e);
        }
        if (result instanceof Boolean) {
            return (Boolean) result;
        }
        throw new SegmentEvaluationException("Expected a bool result, got " + result, null);
    }

    /**
     * The rule as evaluated without CEL's interpreter, which falls back to it only for profiles it gives up on; null
     * when the rule uses what only CEL evaluates.
     */
    DirectExpression direct() {
        return direct;
    }

    /**
     * CEL's message, with the message of the root cause when CEL's does not include it (a helper's own message).
     */
    private static String describe(final CelEvaluationException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        final String detail = root.getMessage();
        if (root == e || detail == null || detail.isBlank() || e.getMessage().contains(detail)) {
            return e.getMessage();
        }
        return e.getMessage() + ": " + detail;
    }

    /**
     * The expression text.
     */
    public String source() {
        return source;
    }

    /**
     * Nodes in the checked syntax tree, after macro expansion.
     */
    public int astNodes() {
        return astNodes;
    }

    /**
     * The deepest nesting of comprehensions; 0 when there is none.
     */
    public int comprehensionDepth() {
        return comprehensionDepth;
    }

    /**
     * Whether the rule reads {@code now} (directly or through {@code daysSince}) or compares a score that moves with
     * time with a constant, so that its result can change while the profile does not: such rules need time-driven
     * re-evaluation.
     */
    public boolean usesNow() {
        return usesNow;
    }

    /** The rule's time thresholds, which a catalogue combines with its other rules'. */
    TimeThresholds timeThresholds() {
        return time;
    }

    /**
     * The top-level fields of the profile the rule reads ({@code transactions}, {@code email}, ...), or empty when it
     * uses the profile whole and may read any.
     */
    public Optional<Set<String>> reads() {
        return Optional.ofNullable(reads);
    }

    /**
     * Whether the rule's answer is the same as before when only the given top-level fields of the profile changed:
     * it reads none of them and does not read time.
     *
     * @param changedFields the top-level fields that changed; {@code null} when any may have
     */
    public boolean unaffectedBy(final Set<String> changedFields) {
        return unaffectedBy(changedFields, true);
    }

    /**
     * As {@link #unaffectedBy(Set)}; when time has not moved past any of the rule's thresholds since its answer was
     * given, a rule whose thresholds are known exactly ({@link TimeThresholds#exact()}) is unaffected by time.
     *
     * @param timeMoved whether time may have crossed one of the rule's thresholds since its answer was given
     */
    public boolean unaffectedBy(final Set<String> changedFields, final boolean timeMoved) {
        return unaffectedBy(FieldBits.of(changedFields), timeMoved);
    }

    /**
     * As {@link #unaffectedBy(Set, boolean)}, with the changed fields as {@link FieldBits}; the evaluator encodes them
     * once per profile for all its rules.
     */
    boolean unaffectedBy(final long changedFields, final boolean timeMoved) {
        return changedFields != FieldBits.UNKNOWN && readMask != FieldBits.UNKNOWN
            && (!usesNow || !timeMoved && exactTime) && (readMask & changedFields) == 0;
    }

    /**
     * When the rule's answer can next change for this profile with time alone: the earliest of its thresholds after
     * {@code now} ({@link TimeThresholds}), {@code now} plus the fallback for a rule that reads time in a way whose
     * thresholds are not known, or {@code null} when it cannot change before the profile does.
     */
    public Instant nextTimeChange(final IndexedRecord profile, final Instant now, final Duration fallback) {
        return time.next(profile, now, fallback);
    }

    /**
     * As {@link #nextTimeChange(IndexedRecord, Instant, Duration)}, with the times at which the rule's comparisons of
     * a score with a constant flip as the score moves along the curve.
     */
    public Instant nextTimeChange(final IndexedRecord profile,
                                  final Instant now,
                                  final Duration fallback,
                                  final ScoreCurve curve) {
        return time.next(profile, now, fallback, curve);
    }

    @Override
    public String toString() {
        return source;
    }
}
