package io.profilestream.segments;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.apache.avro.generic.IndexedRecord;

import io.profilestream.domain.MembershipChange;
import io.profilestream.profile.ChangeKind;
import io.profilestream.profile.ChangeType;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.DefinitionKind;

/**
 * Evaluates a catalogue against a profile and diffs the result with the profile's previous memberships.
 * No Kafka here: the profile processor calls it on every profile change, on time-driven re-evaluation and in
 * backfill batches, and turns the {@link MembershipChange}s (whose reason is a {@link ChangeReason#text()}) into
 * {@code segment-changes} records.
 *
 * <p>Rules: an enabled segment whose rule is true has the profile as a member; a rule that fails for a profile
 * counts as false and is reported to the {@link EvaluationErrorListener} (never thrown); a disabled, invalid or
 * deleted definition has no members, so its previous members exit.
 * The persona is the first enabled persona in catalogue order whose rule is true, so there is at most one.
 * A change is reported only when membership really changes: evaluating twice gives no change the second time.
 *
 * <p>Thread-safe and stateless apart from the listener; one instance can serve every stream thread.
 * The cost is one rule evaluation per enabled definition, plus small objects for the profile view; when nothing
 * changes, no list is built.
 */
public final class SegmentEvaluator {

    private final EvaluationErrorListener errors;

    public SegmentEvaluator(final EvaluationErrorListener errors) {
        this.errors = Objects.requireNonNull(errors, "errors");
    }

    /**
     * Evaluates every definition for a profile, diffing with its {@code segments} and {@code persona}.
     */
    public SegmentEvaluation evaluate(final SegmentCatalogue catalogue,
                                      final CustomerProfile profile,
                                      final Instant now) {
        return evaluate(catalogue, profile, now, null);
    }

    /**
     * Evaluates, for a profile of which only {@code changedFields} changed since it was last evaluated against this
     * catalogue, the definitions whose answer can have changed; the others keep the profile's previous answer: a
     * segment rule that reads none of those fields and not time ({@link CompiledExpression#unaffectedBy}), and the
     * persona when no enabled persona's rule can have changed. The result is the same as {@link #evaluate(
     * SegmentCatalogue, CustomerProfile, Instant)}, as long as the profile's memberships are the answers of this
     * catalogue's definitions to the profile as it was before the change (no backfill running).
     *
     * @param changedFields top-level fields of the profile that changed; {@code null} evaluates every definition
     */
    public SegmentEvaluation evaluate(final SegmentCatalogue catalogue,
                                      final CustomerProfile profile,
                                      final Instant now,
                                      final Set<String> changedFields) {
        return evaluate(catalogue, profile, now, changedFields, true);
    }

    /**
     * As {@link #evaluate(SegmentCatalogue, CustomerProfile, Instant, Set)}; when time has not crossed any rule's
     * threshold since the profile was last evaluated, a rule that reads time only through thresholds known exactly
     * ({@code daysSince(profile.x) <op> number}) also keeps its answer if it reads none of the changed fields.
     *
     * @param timeMoved whether time may have crossed a threshold since: {@code false} only when the profile's
     *                  re-evaluation time, which that evaluation set to its rules' earliest next time change, was
     *                  absent or still ahead of {@code now} (it had not come due)
     */
    public SegmentEvaluation evaluate(final SegmentCatalogue catalogue,
                                      final CustomerProfile profile,
                                      final Instant now,
                                      final Set<String> changedFields,
                                      final boolean timeMoved) {
        final Diff diff = new Diff(catalogue.compiler().context(profile.getProfileId(), profile, now),
            previousInOrder(profile.getSegments()), changedFields, timeMoved);
        return evaluate(catalogue, diff, profile.getPersona(), null);
    }

    /**
     * Evaluates every definition for the profile in the context, diffing with the given previous memberships.
     *
     * @param previousSegments ids of the segments the profile was a member of, in any order
     * @param previousPersona  the profile's persona before, or {@code null}
     */
    public SegmentEvaluation evaluate(final SegmentCatalogue catalogue,
                                      final EvaluationContext context,
                                      final List<String> previousSegments,
                                      final String previousPersona) {
        return evaluate(catalogue, context, previousSegments, previousPersona, null);
    }

    /**
     * Evaluates one definition for a profile, for backfill after it was added, changed or deleted: only that
     * definition's membership can change (a persona re-runs the whole persona order, since only one can win).
     * An id with no definition any more makes its members exit.
     */
    public SegmentEvaluation evaluateDefinition(final SegmentCatalogue catalogue,
                                                final String definitionId,
                                                final CustomerProfile profile,
                                                final Instant now) {
        return evaluate(catalogue, catalogue.compiler().context(profile.getProfileId(), profile, now),
            profile.getSegments(), profile.getPersona(), Objects.requireNonNull(definitionId, "definitionId"));
    }

    /**
     * Evaluates one definition for the profile in the context, diffing with the given previous memberships.
     *
     * @see #evaluateDefinition(SegmentCatalogue, String, CustomerProfile, Instant)
     */
    public SegmentEvaluation evaluateDefinition(final SegmentCatalogue catalogue,
                                                final String definitionId,
                                                final EvaluationContext context,
                                                final List<String> previousSegments,
                                                final String previousPersona) {
        return evaluate(catalogue, context, previousSegments, previousPersona,
            Objects.requireNonNull(definitionId, "definitionId"));
    }

    /**
     * Whether a profile matches one definition's rule, ignoring whether the definition is enabled and, for a
     * persona, the personas before it.
     */
    public Match test(final CompiledDefinition definition, final EvaluationContext context) {
        return test(definition.id(), definition.version(), definition.expression(), context);
    }

    /**
     * Whether a profile matches a draft expression, for preview; errors are reported with no definition id.
     */
    public Match test(final CompiledExpression expression, final EvaluationContext context) {
        return test(null, 0L, expression, context);
    }

    /**
     * Whether a record matches a draft expression at an instant, for preview over the store.
     */
    public Match test(final CompiledExpression expression,
                      final SegmentCompiler compiler,
                      final String profileId,
                      final IndexedRecord profile,
                      final Instant now) {
        return test(expression, compiler.context(profileId, profile, now));
    }

    private Match test(final String id,
                       final long version,
                       final CompiledExpression expression,
                       final EvaluationContext context) {
        try {
            return expression.matches(context) ? Match.MATCH : Match.NO_MATCH;
        } catch (final SegmentEvaluationException e) {
            try {
                errors.onError(id, version, context.profileId(), e);
            } catch (final RuntimeException listenerFailure) {
                // A failing metric or log must not turn one bad rule into a failed profile update.
                e.addSuppressed(listenerFailure);
            }
            return Match.ERROR;
        }
    }

    private SegmentEvaluation evaluate(final SegmentCatalogue catalogue,
                                       final EvaluationContext context,
                                       final List<String> previousSegments,
                                       final String previousPersona,
                                       final String onlyId) {
        return evaluate(catalogue, new Diff(context, previousInOrder(previousSegments), null, true), previousPersona,
            onlyId);
    }

    private SegmentEvaluation evaluate(final SegmentCatalogue catalogue,
                                       final Diff diff,
                                       final String previousPersona,
                                       final String onlyId) {
        diffSegments(catalogue, diff, onlyId);
        final String persona = onlyId == null || isPersonaScope(catalogue, onlyId, previousPersona)
            ? diffPersona(catalogue, diff, previousPersona)
            : previousPersona;
        final List<String> segments = diff.members == null
            ? Collections.unmodifiableList(diff.previous)
            : Collections.unmodifiableList(diff.members);
        final List<MembershipChange> changes = diff.changes == null
            ? List.of()
            : Collections.unmodifiableList(diff.changes);
        return new SegmentEvaluation(segments, persona, changes, diff.errors, diff.evaluated, diff.skipped);
    }

    private static List<String> previousInOrder(final List<String> previousSegments) {
        return sortedDistinct(previousSegments == null ? List.of() : previousSegments);
    }

    private static boolean isPersonaScope(final SegmentCatalogue catalogue,
                                          final String onlyId,
                                          final String previousPersona) {
        if (onlyId.equals(previousPersona)) {
            return true;
        }
        return catalogue.definition(onlyId).map(d -> d.kind() == DefinitionKind.PERSONA).orElse(false)
            || catalogue.invalid().containsKey(onlyId)
            && catalogue.invalid().get(onlyId).definition().getKind() == DefinitionKind.PERSONA;
    }

    /**
     * Walks the catalogue's segments and the previous members together, both in id order.
     */
    private void diffSegments(final SegmentCatalogue catalogue, final Diff diff, final String onlyId) {
        final List<CompiledDefinition> definitions = catalogue.segments();
        final List<String> previous = diff.previous;
        int i = 0;
        int j = 0;
        while (i < definitions.size() || j < previous.size()) {
            final CompiledDefinition definition = i < definitions.size() ? definitions.get(i) : null;
            final String member = j < previous.size() ? previous.get(j) : null;
            final int order = definition == null ? 1 : member == null ? -1 : definition.id().compareTo(member);
            if (order < 0) {
                // Not a member before.
                if (inScope(definition.id(), onlyId) && definition.enabled() && !diff.unaffected(definition)
                    && evaluate(definition, diff) == Match.MATCH) {
                    diff.enter(definition.id(), entered(ChangeKind.SEGMENT, definition));
                }
                i++;
            } else if (order == 0) {
                // A member before.
                if (!inScope(member, onlyId)) {
                    diff.keep(member);
                } else if (!definition.enabled()) {
                    diff.exit(exited(ChangeKind.SEGMENT, member, definition.version(),
                        ChangeReason.DISABLED));
                } else if (diff.unaffected(definition)) {
                    diff.keep(member);
                } else {
                    final Match match = evaluate(definition, diff);
                    if (match == Match.MATCH) {
                        diff.keep(member);
                    } else {
                        diff.exit(exited(ChangeKind.SEGMENT, member, definition.version(),
                            match == Match.ERROR ? ChangeReason.EVALUATION_ERROR : ChangeReason.NO_LONGER_MATCHES));
                    }
                }
                i++;
                j++;
            } else {
                // A member of a segment that is not in the catalogue any more.
                if (inScope(member, onlyId)) {
                    final InvalidDefinition invalid = catalogue.invalid().get(member);
                    diff.exit(invalid != null
                        ? exited(ChangeKind.SEGMENT, member, invalid.version(), ChangeReason.INVALID)
                        : exited(ChangeKind.SEGMENT, member, 0L, ChangeReason.DELETED));
                } else {
                    diff.keep(member);
                }
                j++;
            }
        }
    }

    private String diffPersona(final SegmentCatalogue catalogue, final Diff diff, final String previousPersona) {
        if (personasUnaffected(catalogue, diff, previousPersona)) {
            return previousPersona;
        }
        CompiledDefinition winner = null;
        for (final CompiledDefinition persona : catalogue.personas()) {
            if (persona.enabled() && evaluate(persona, diff) == Match.MATCH) {
                winner = persona;
                break;
            }
        }
        final String next = winner == null ? null : winner.id();
        if (Objects.equals(next, previousPersona)) {
            return previousPersona;
        }
        if (previousPersona != null) {
            diff.change(personaExit(catalogue, diff, previousPersona, winner));
        }
        if (winner != null) {
            diff.change(entered(ChangeKind.PERSONA, winner));
        }
        return next;
    }

    private MembershipChange personaExit(final SegmentCatalogue catalogue,
                                         final Diff diff,
                                         final String previousPersona,
                                         final CompiledDefinition winner) {
        final CompiledDefinition previous = catalogue.definition(previousPersona)
            .filter(d -> d.kind() == DefinitionKind.PERSONA)
            .orElse(null);
        if (previous == null) {
            final InvalidDefinition invalid = catalogue.invalid().get(previousPersona);
            return invalid != null
                ? exited(ChangeKind.PERSONA, previousPersona, invalid.version(), ChangeReason.INVALID)
                : exited(ChangeKind.PERSONA, previousPersona, 0L, ChangeReason.DELETED);
        }
        if (!previous.enabled()) {
            return exited(ChangeKind.PERSONA, previousPersona, previous.version(),
                ChangeReason.DISABLED);
        }
        final ChangeReason reason;
        if (winner == null) {
            // Every persona was evaluated, the previous one included, and none matched.
            reason = diff.failed(previousPersona) ? ChangeReason.EVALUATION_ERROR : ChangeReason.NO_LONGER_MATCHES;
        } else if (catalogue.personas().indexOf(previous) < catalogue.personas().indexOf(winner)) {
            reason = diff.failed(previousPersona) ? ChangeReason.EVALUATION_ERROR : ChangeReason.NO_LONGER_MATCHES;
        } else {
            // The winner comes first, so the previous persona was not evaluated: find out why it lost.
            final Match match = evaluate(previous, diff);
            reason = match == Match.MATCH ? ChangeReason.OUTRANKED
                : match == Match.ERROR ? ChangeReason.EVALUATION_ERROR : ChangeReason.NO_LONGER_MATCHES;
        }
        return exited(ChangeKind.PERSONA, previousPersona, previous.version(), reason);
    }

    private static MembershipChange entered(final ChangeKind kind, final CompiledDefinition definition) {
        return new MembershipChange(kind, definition.id(), definition.version(), ChangeType.ENTERED,
            ChangeReason.MATCHED.text());
    }

    private static MembershipChange exited(final ChangeKind kind,
                                           final String id,
                                           final long version,
                                           final ChangeReason reason) {
        return new MembershipChange(kind, id, version, ChangeType.EXITED, reason.text());
    }

    private Match evaluate(final CompiledDefinition definition, final Diff diff) {
        diff.evaluated++;
        final Match match = test(definition, diff.context);
        if (match == Match.ERROR) {
            diff.fail(definition.id());
        }
        return match;
    }

    /**
     * Whether no enabled persona's answer can have changed and the previous persona (if any) is still an enabled
     * persona: the previous winner is still the first that matches.
     */
    private static boolean personasUnaffected(final SegmentCatalogue catalogue,
                                              final Diff diff,
                                              final String previousPersona) {
        if (diff.changed == null) {
            return false;
        }
        boolean previousEnabled = previousPersona == null;
        int enabled = 0;
        for (final CompiledDefinition persona : catalogue.personas()) {
            if (persona.enabled()) {
                if (!persona.expression().unaffectedBy(diff.changedMask, diff.timeMoved)) {
                    return false;
                }
                enabled++;
                previousEnabled |= persona.id().equals(previousPersona);
            }
        }
        if (previousEnabled) {
            diff.skipped += enabled;
        }
        return previousEnabled;
    }

    private static boolean inScope(final String id, final String onlyId) {
        return onlyId == null || onlyId.equals(id);
    }

    /**
     * The previous members in id order without duplicates; the list itself when it already is (the usual case,
     * since the evaluator writes them so), to avoid a copy per profile.
     */
    private static List<String> sortedDistinct(final List<String> ids) {
        for (int i = 1; i < ids.size(); i++) {
            if (ids.get(i - 1).compareTo(ids.get(i)) >= 0) {
                return new ArrayList<>(new TreeSet<>(ids));
            }
        }
        return ids;
    }

    /** The state of one evaluation: the new member list and the changes, both built only once something changes. */
    private static final class Diff {
        private final EvaluationContext context;
        private final List<String> previous;
        /** Top-level profile fields that changed since the previous memberships; {@code null}: any. */
        private final Set<String> changed;
        /** {@link #changed} as {@link FieldBits}, encoded once for all the rules. */
        private final long changedMask;
        /** Whether time may have crossed a rule's threshold since the previous memberships. */
        private final boolean timeMoved;
        private int evaluated;
        private int skipped;
        private List<String> members;
        private int kept;
        private List<MembershipChange> changes;
        private int errors;
        private String lastFailed;
        private List<String> failed;

        Diff(final EvaluationContext context,
             final List<String> previous,
             final Set<String> changed,
             final boolean timeMoved) {
            this.context = context;
            this.previous = previous;
            this.changed = changed;
            this.changedMask = FieldBits.of(changed);
            this.timeMoved = timeMoved;
        }

        /** Whether a definition keeps its previous answer (counted as skipped). */
        boolean unaffected(final CompiledDefinition definition) {
            if (definition.expression().unaffectedBy(changedMask, timeMoved)) {
                skipped++;
                return true;
            }
            return false;
        }

        void keep(final String id) {
            if (members == null) {
                kept++;
            } else {
                members.add(id);
            }
        }

        void enter(final String id, final MembershipChange change) {
            startMembers();
            members.add(id);
            change(change);
        }

        void exit(final MembershipChange change) {
            startMembers();
            change(change);
        }

        void change(final MembershipChange change) {
            if (changes == null) {
                changes = new ArrayList<>(4);
            }
            changes.add(change);
        }

        void fail(final String id) {
            errors++;
            if (lastFailed != null) {
                if (failed == null) {
                    failed = new ArrayList<>(4);
                }
                failed.add(lastFailed);
            }
            lastFailed = id;
        }

        boolean failed(final String id) {
            return id.equals(lastFailed) || failed != null && failed.contains(id);
        }

        /**
         * Until the first change, the members are exactly the first {@code kept} previous ones.
         */
        private void startMembers() {
            if (members == null) {
                members = new ArrayList<>(previous.size() + 4);
                members.addAll(previous.subList(0, kept));
            }
        }
    }
}
