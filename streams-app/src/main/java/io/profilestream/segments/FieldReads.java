package io.profilestream.segments;

import java.util.HashSet;
import java.util.Set;

import dev.cel.common.ast.CelExpr;

/**
 * Collects which top-level fields of the profile a checked rule reads ({@code profile.transactions},
 * {@code profile.email}, ...), while the compiler walks its syntax tree once: it shows every node to {@link #visit},
 * a selection before its operand, then asks for the {@link #result}.
 *
 * <p>A rule that uses {@code profile} other than to select one of its fields (passes it whole to a function, puts it
 * in a list) may read anything: its result is {@code null}. The answer is conservative, never missing a field the rule
 * can read: a comprehension variable that happens to be called {@code profile} only adds fields.
 */
final class FieldReads {

    private final Set<String> fields = new HashSet<>();
    private final Set<Long> selected = new HashSet<>();
    private boolean whole;

    void visit(final CelExpr expr) {
        if (expr.getKind() == CelExpr.ExprKind.Kind.SELECT) {
            final CelExpr operand = expr.select().operand();
            if (isProfile(operand)) {
                fields.add(expr.select().field());
                selected.add(operand.id());
            }
        } else if (isProfile(expr) && !selected.contains(expr.id())) {
            whole = true;
        }
    }

    /** The top-level fields the rule reads, or {@code null} when it may read the whole profile. */
    Set<String> result() {
        return whole ? null : Set.copyOf(fields);
    }

    private static boolean isProfile(final CelExpr expr) {
        return expr.getKind() == CelExpr.ExprKind.Kind.IDENT && ProfileFunctions.PROFILE.equals(expr.ident().name());
    }
}
