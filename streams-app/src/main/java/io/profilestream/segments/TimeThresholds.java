package io.profilestream.segments;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

import io.profilestream.domain.ScoreCurve;

/**
 * When a rule's answer can next change with time alone, found from the rule itself rather than by re-evaluating
 * every profile at a fixed interval.
 *
 * <p>A rule reads time only through {@code now}. When every {@code now} in it sits in a comparison of
 * {@code daysSince(profile.some.timestamp)} with a number ({@code daysSince(t) <= 30}, {@code 90 < daysSince(t)}),
 * the comparison can flip only at {@code t} plus that many days: those instants are the rule's thresholds, and
 * between them the rule's answer cannot change unless the profile does. A rule that reads {@code now} in any other
 * way ({@code now - t > duration('7d')}, {@code daysSince(t) < profile.x}) is opaque: it is re-checked at the
 * configured interval, as every time-dependent rule was before.
 *
 * <p>Immutable and thread-safe.
 */
final class TimeThresholds {

    private static final double MILLIS_PER_DAY = Duration.ofDays(1).toMillis();
    private static final Set<String> COMPARISONS = Set.of("_<_", "_<=_", "_>_", "_>=_", "_==_", "_!=_");
    private static final String DAYS_BETWEEN = "daysBetween";
    /** The scores that move with time alone, read as {@code profile.scores.<name>}. */
    static final Set<String> MOVING_SCORES = Set.of("churnRisk", "pAlive", "expectedPurchases", "clv",
        "engagementScore");
    /** How far ahead a score crossing is looked for; a profile whose score does not cross by then is re-checked then. */
    static final Duration SCORE_HORIZON = Duration.ofDays(365);
    /** Precision of the search for a score crossing. */
    private static final long SCORE_PRECISION_MS = 60_000;

    /** The thresholds of a rule that does not read {@code now}: it never changes with time alone. */
    static final TimeThresholds NONE = new TimeThresholds(List.of(), List.of(), false);

    /**
     * One comparison of {@code daysSince(field)} with a constant.
     *
     * @param path the field's path from the profile, e.g. {@code [transactions, lastPurchaseAt]}
     * @param days the constant it is compared with
     */
    record Threshold(List<String> path, double days) {
    }

    /**
     * One comparison of a time-dependent score with a constant.
     *
     * @param score the score's name in {@code profile.scores}
     * @param value the constant it is compared with
     */
    record ScoreThreshold(String score, double value) {
    }

    /**
     * The thresholds on one field, their days in ascending order without repeats: the field is read once, and the
     * first threshold still ahead is its earliest.
     */
    private record FieldThresholds(List<String> path, double[] days) {
    }

    private final List<ScoreThreshold> scores;
    private final boolean opaque;
    private final List<FieldThresholds> fields;

    private TimeThresholds(final Collection<Threshold> thresholds,
                           final Collection<ScoreThreshold> scores,
                           final boolean opaque) {
        this.scores = List.copyOf(scores);
        this.opaque = opaque;
        final Map<List<String>, SortedSet<Double>> days = new LinkedHashMap<>();
        for (final Threshold threshold : thresholds) {
            days.computeIfAbsent(threshold.path(), path -> new TreeSet<>()).add(threshold.days());
        }
        final List<FieldThresholds> byField = new ArrayList<>(days.size());
        days.forEach((path, sorted) -> byField.add(
            new FieldThresholds(path, sorted.stream().mapToDouble(Double::doubleValue).toArray())));
        this.fields = List.copyOf(byField);
    }

    /**
     * The thresholds of several rules together: {@link #next} gives the earliest instant at which any of them can
     * change with time alone, reading each field once however many rules compare it (a catalogue's rules share a few
     * timestamps).
     */
    static TimeThresholds union(final Collection<TimeThresholds> rules) {
        final List<Threshold> thresholds = new ArrayList<>();
        final Set<ScoreThreshold> scores = new LinkedHashSet<>();
        boolean opaque = false;
        for (final TimeThresholds rule : rules) {
            for (final FieldThresholds field : rule.fields) {
                for (final double days : field.days()) {
                    thresholds.add(new Threshold(field.path(), days));
                }
            }
            scores.addAll(rule.scores);
            opaque |= rule.opaque;
        }
        if (thresholds.isEmpty() && scores.isEmpty() && !opaque) {
            return NONE;
        }
        return new TimeThresholds(thresholds, scores, opaque);
    }

    /**
     * Collects the thresholds of a checked rule while the compiler walks its syntax tree once: it shows every node
     * to {@link #visit}, then asks for the {@link #result}.
     */
    static final class Finder {
        private final List<Threshold> found = new ArrayList<>();
        private final List<ScoreThreshold> scores = new ArrayList<>();
        private final Set<Long> explained = new HashSet<>();
        private final List<Long> nows = new ArrayList<>();

        void visit(final CelExpr expr) {
            if (expr.getKind() == CelExpr.ExprKind.Kind.IDENT && ProfileFunctions.NOW.equals(expr.ident().name())) {
                nows.add(expr.id());
            } else if (expr.getKind() == CelExpr.ExprKind.Kind.CALL) {
                threshold(expr.call()).ifPresent(match -> {
                    found.add(match.threshold());
                    explained.add(match.now().id());
                });
                scoreThreshold(expr.call()).ifPresent(scores::add);
            }
        }

        TimeThresholds result() {
            if (nows.isEmpty() && scores.isEmpty()) {
                return NONE;
            }
            final boolean opaque = !explained.containsAll(nows);
            return new TimeThresholds(opaque ? List.of() : found, opaque ? List.of() : scores, opaque);
        }
    }

    private record Match(Threshold threshold, CelExpr now) {
    }

    /** {@code daysBetween(profile.a.b, now) <op> constant}, either way round. */
    private static Optional<Match> threshold(final CelExpr.CelCall call) {
        if (!COMPARISONS.contains(call.function()) || call.args().size() != 2 || call.target().isPresent()) {
            return Optional.empty();
        }
        for (int side = 0; side < 2; side++) {
            final CelExpr days = call.args().get(side);
            final CelExpr constant = call.args().get(1 - side);
            final Double value = number(constant);
            if (value == null || days.getKind() != CelExpr.ExprKind.Kind.CALL) {
                continue;
            }
            final CelExpr.CelCall between = days.call();
            if (!DAYS_BETWEEN.equals(between.function()) || between.args().size() != 2) {
                continue;
            }
            final CelExpr now = between.args().get(1);
            final List<String> path = profilePath(between.args().get(0));
            if (path != null && now.getKind() == CelExpr.ExprKind.Kind.IDENT
                && ProfileFunctions.NOW.equals(now.ident().name())) {
                return Optional.of(new Match(new Threshold(path, value), now));
            }
        }
        return Optional.empty();
    }

    /** {@code profile.scores.<moving score> <op> constant}, either way round. */
    private static Optional<ScoreThreshold> scoreThreshold(final CelExpr.CelCall call) {
        if (!COMPARISONS.contains(call.function()) || call.args().size() != 2 || call.target().isPresent()) {
            return Optional.empty();
        }
        for (int side = 0; side < 2; side++) {
            final Double value = number(call.args().get(1 - side));
            final List<String> path = profilePath(call.args().get(side));
            if (value != null && path != null && path.size() == 2 && "scores".equals(path.get(0))
                && MOVING_SCORES.contains(path.get(1))) {
                return Optional.of(new ScoreThreshold(path.get(1), value));
            }
        }
        return Optional.empty();
    }

    private static Double number(final CelExpr expr) {
        if (expr.getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
            return null;
        }
        final CelConstant constant = expr.constant();
        return switch (constant.getKind()) {
            case INT64_VALUE -> (double) constant.int64Value();
            case UINT64_VALUE -> constant.uint64Value().doubleValue();
            case DOUBLE_VALUE -> constant.doubleValue();
            default -> null;
        };
    }

    /** The field names of {@code profile.a.b...}, or null when the expression is anything else. */
    private static List<String> profilePath(final CelExpr expr) {
        final List<String> reversed = new ArrayList<>();
        CelExpr current = expr;
        while (current.getKind() == CelExpr.ExprKind.Kind.SELECT && !current.select().testOnly()) {
            reversed.add(current.select().field());
            current = current.select().operand();
        }
        if (reversed.isEmpty() || current.getKind() != CelExpr.ExprKind.Kind.IDENT
            || !ProfileFunctions.PROFILE.equals(current.ident().name())) {
            return null;
        }
        final List<String> path = new ArrayList<>(reversed.size());
        for (int i = reversed.size() - 1; i >= 0; i--) {
            path.add(reversed.get(i));
        }
        return path;
    }

    /**
     * Whether the rule's answer can change with time alone: it reads {@code now}, or compares a score that moves with
     * time with a constant.
     */
    boolean usesNow() {
        return this != NONE;
    }

    /**
     * Whether {@link #next} gives every instant at which the rule's answer can flip with time alone, never later: no
     * opaque use of {@code now}, and no score comparison (whose crossing is found to a minute, so up to a minute late).
     */
    boolean exact() {
        return !opaque && scores.isEmpty();
    }

    /**
     * The earliest instant after {@code now} at which one of the rule's comparisons can flip for this profile, or
     * {@code null} when none can (every threshold has passed, or its field is absent); for an opaque rule,
     * {@code now} plus the fallback interval.
     * A comparison with {@code d} days flips at {@code t + d days} ({@code <}, {@code >=}) or one millisecond later
     * ({@code <=}, {@code >}); both instants are candidates, so the answer is never late.
     */
    Instant next(final IndexedRecord profile, final Instant now, final Duration fallback) {
        return next(profile, now, fallback, ScoreCurve.NONE);
    }

    /**
     * As {@link #next(IndexedRecord, Instant, Duration)}, with the crossings of the rule's score comparisons too: the
     * first instant, to a minute, at which the score is on the other side of its constant, found by bisection on the
     * curve (each moving score is monotone in time); {@code now} plus {@link #SCORE_HORIZON} when it does not cross
     * before then.
     */
    Instant next(final IndexedRecord profile, final Instant now, final Duration fallback, final ScoreCurve curve) {
        // A single opaque rule has no thresholds; a union may have both.
        Instant next = opaque ? now.plus(fallback) : null;
        for (final ScoreThreshold score : scores) {
            next = earliest(next, crossing(profile, now, score, curve));
        }
        return earliest(next, nextDay(profile, now));
    }

    private static Instant crossing(final IndexedRecord profile,
                                    final Instant now,
                                    final ScoreThreshold threshold,
                                    final ScoreCurve curve) {
        final double start = curve.scoreAt(profile, threshold.score(), now);
        if (Double.isNaN(start)) {
            return null;
        }
        final double side = Math.signum(start - threshold.value());
        long low = now.toEpochMilli();
        long high = now.plus(SCORE_HORIZON).toEpochMilli();
        final double end = curve.scoreAt(profile, threshold.score(), Instant.ofEpochMilli(high));
        if (Double.isNaN(end) || Math.signum(end - threshold.value()) == side) {
            return Instant.ofEpochMilli(high);
        }
        while (high - low > SCORE_PRECISION_MS) {
            final long middle = low + (high - low) / 2;
            final double value = curve.scoreAt(profile, threshold.score(), Instant.ofEpochMilli(middle));
            if (Math.signum(value - threshold.value()) != side) {
                high = middle;
            } else {
                low = middle;
            }
        }
        return Instant.ofEpochMilli(high);
    }

    private Instant nextDay(final IndexedRecord profile, final Instant now) {
        final long nowMs = now.toEpochMilli();
        long next = Long.MAX_VALUE;
        for (final FieldThresholds field : fields) {
            if (!(read(profile, field.path()) instanceof Instant at)) {
                continue;
            }
            // Flips grow with the days, so the first not behind now is the field's earliest.
            for (final double days : field.days()) {
                final long flip = at.toEpochMilli() + (long) Math.floor(days * MILLIS_PER_DAY);
                if (flip >= nowMs) {
                    next = Math.min(next, flip > nowMs ? flip : flip + 1);
                    break;
                }
            }
        }
        return next == Long.MAX_VALUE ? null : Instant.ofEpochMilli(next);
    }

    private static Object read(final IndexedRecord profile, final List<String> path) {
        Object current = profile;
        for (final String name : path) {
            if (!(current instanceof IndexedRecord record)) {
                return null;
            }
            final Schema.Field field = record.getSchema().getField(name);
            if (field == null) {
                return null;
            }
            current = record.get(field.pos());
        }
        return current;
    }

    /** The earlier of two instants, either of which may be null (never). */
    static Instant earliest(final Instant a, final Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }
}
