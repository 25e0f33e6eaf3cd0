package io.profilestream.segments;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import com.google.common.collect.ImmutableSet;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSource;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;

import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.SegmentDefinition;

/**
 * Compiles segment and persona rules: CEL expressions over one variable, {@code profile}, typed from the Avro
 * profile schema, and {@code now}, a timestamp, plus the helpers of {@code docs/segments.md}.
 *
 * <p>How the profile reaches CEL: {@link AvroCelTypes} declares one CEL struct type per Avro record of the
 * schema, so the type checker rejects a misspelt field or a type mismatch with its position, at compile time,
 * rather than every profile failing at run time as it would with {@code dyn} maps.
 * At run time the profile record is not copied: {@link AvroStructValue} wraps it and converts a field to its CEL
 * value the first time a rule reads it (a boxed long, an {@code Instant}, a nested wrapper), keeping it for the
 * other rules evaluated against the same profile.
 * This uses CEL-Java's planner runtime, which selects fields of any {@code SelectableValue}; the legacy
 * runtime only knows protobuf messages and maps. Rules in the common part of the language are evaluated without
 * it, by {@link DirectExpression}, which falls back to it.
 *
 * <p>Building a compiler costs a few milliseconds; build one and share it (it is immutable and thread-safe).
 */
public final class SegmentCompiler {

    /** The rule helpers' bindings by overload id, for {@link DirectExpression}. */
    private static final Map<String, CelFunctionBinding> HELPERS = ProfileFunctions.bindings().stream()
        .collect(Collectors.toUnmodifiableMap(CelFunctionBinding::getOverloadId, binding -> binding));

    private final SegmentLimits limits;
    private final AvroCelTypes types;
    private final Cel cel;

    /**
     * A compiler for {@link CustomerProfile} rules with the given limits.
     */
    public SegmentCompiler(final SegmentLimits limits) {
        this(CustomerProfile.getClassSchema(), limits);
    }

    /**
     * A compiler for rules over records of the given schema (for tests of schema evolution).
     */
    public SegmentCompiler(final Schema profileSchema, final SegmentLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.types = AvroCelTypes.of(profileSchema, ProfileFunctions.derivedFields(), ProfileFunctions.HIDDEN_FIELDS);
        this.cel = CelFactory.plannerCelBuilder()
            .setOptions(CelOptions.current()
                .enableHeterogeneousNumericComparisons(true)
                .comprehensionMaxIterations(limits.maxComprehensionIterations())
                .maxExpressionCodePointSize(limits.maxExpressionLength())
                .build())
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addMacros(ProfileFunctions.macros())
            .setTypeProvider(types)
            .addVar(ProfileFunctions.PROFILE, types.rootType())
            .addVar(ProfileFunctions.NOW, SimpleType.TIMESTAMP)
            .addFunctionDeclarations(ProfileFunctions.declarations())
            .addFunctionBindings(ProfileFunctions.bindings())
            .setResultType(SimpleType.BOOL)
            .build();
    }

    /**
     * A compiler for {@link CustomerProfile} rules with the default limits.
     */
    public static SegmentCompiler withDefaultLimits() {
        return new SegmentCompiler(SegmentLimits.DEFAULT);
    }

    public SegmentLimits limits() {
        return limits;
    }

    /**
     * Compiles a definition's expression and keeps the definition with it.
     *
     * @throws InvalidExpressionException when the expression cannot be used
     */
    public CompiledDefinition compile(final SegmentDefinition definition) {
        return new CompiledDefinition(definition, compile(definition.getExpression()));
    }

    /**
     * Parses, type-checks, checks the limits of and plans one expression.
     *
     * @throws InvalidExpressionException with CEL's message and the position when the expression cannot be used
     */
    public CompiledExpression compile(final String expression) {
        if (expression == null || expression.isBlank()) {
            throw new InvalidExpressionException("The expression is empty", null);
        }
        final int length = expression.codePointCount(0, expression.length());
        if (length > limits.maxExpressionLength()) {
            throw new InvalidExpressionException("The expression is " + length + " characters long; the limit is "
                + limits.maxExpressionLength(), null);
        }
        final CelValidationResult result = cel.compile(expression);
        if (result.hasError()) {
            final List<CelIssue> errors = result.getErrors();
            final CelIssue first = errors.get(0);
            final String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "";
            throw new InvalidExpressionException(first.getMessage() + more,
                position(result.getSource(), first.getSourceLocation()));
        }
        final CelAbstractSyntaxTree ast;
        try {
            ast = result.getAst();
        } catch (final dev.cel.common.CelValidationException e) {
            throw new InvalidExpressionException(e.getMessage(), null);
        }
        final AstStats stats = AstStats.of(ast);
        if (stats.structCreation != null) {
            throw new InvalidExpressionException("Creating records is not supported in segment rules",
                position(ast.getSource(), stats.structCreation));
        }
        if (stats.nodes > limits.maxAstNodes()) {
            throw new InvalidExpressionException("The expression has " + stats.nodes + " nodes after macro expansion;"
                + " the limit is " + limits.maxAstNodes(), null);
        }
        if (stats.comprehensionDepth > limits.maxComprehensionDepth()) {
            throw new InvalidExpressionException("Comprehensions (all, exists, exists_one, map, filter) are nested "
                + stats.comprehensionDepth + " deep; the limit is " + limits.maxComprehensionDepth(),
                position(ast.getSource(), stats.deepestComprehension));
        }
        try {
            return new CompiledExpression(expression, cel.createProgram(ast), DirectExpression.of(ast, HELPERS),
                stats.nodes, stats.comprehensionDepth,
                stats.time.result(), stats.reads.result());
        } catch (final CelEvaluationException e) {
            throw new InvalidExpressionException(e.getMessage(), null);
        }
    }

    /**
     * Wraps a profile for evaluation at the given instant.
     *
     * @param profileId the profile's id, for error reports
     */
    public EvaluationContext context(final String profileId, final IndexedRecord profile, final Instant now) {
        return new EvaluationContext(profileId, types.wrap(profile), now);
    }

    /**
     * The fields rules can read on a record of the schema (stored then derived), by the record's Avro full name.
     */
    public ImmutableSet<String> fieldNames(final String recordFullName) {
        return types.fieldNames(recordFullName);
    }

    private static ExpressionPosition position(final CelSource source, final CelSourceLocation location) {
        if (location == null || location.equals(CelSourceLocation.NONE) || location.getLine() < 1) {
            return null;
        }
        final int offset = source.getLocationOffset(location).orElse(-1);
        return new ExpressionPosition(offset, location.getLine(), location.getColumn() + 1);
    }

    private static ExpressionPosition position(final CelSource source, final CelExpr expr) {
        final Integer offset = source.getPositionsMap().get(expr.id());
        if (offset == null) {
            return null;
        }
        return source.getOffsetLocation(offset)
            .map(location -> new ExpressionPosition(offset, location.getLine(), location.getColumn() + 1))
            .orElse(null);
    }

    /** Size, nesting and features of a checked syntax tree, in one walk. */
    private static final class AstStats {
        private int nodes;
        private int comprehensionDepth;
        private CelExpr deepestComprehension;
        private CelExpr structCreation;
        private final TimeThresholds.Finder time = new TimeThresholds.Finder();
        private final FieldReads reads = new FieldReads();

        static AstStats of(final CelAbstractSyntaxTree ast) {
            final AstStats stats = new AstStats();
            // An explicit stack rather than recursion: a deeply nested expression must not overflow the thread stack.
            final Deque<CelExpr> pending = new ArrayDeque<>();
            final Deque<Integer> depths = new ArrayDeque<>();
            pending.push(ast.getExpr());
            depths.push(0);
            while (!pending.isEmpty()) {
                final CelExpr expr = pending.pop();
                final int depth = depths.pop();
                stats.nodes++;
                stats.time.visit(expr);
                stats.reads.visit(expr);
                switch (expr.getKind()) {
                    case SELECT:
                        push(pending, depths, expr.select().operand(), depth);
                        break;
                    case CALL:
                        expr.call().target().ifPresent(target -> push(pending, depths, target, depth));
                        for (final CelExpr arg : expr.call().args()) {
                            push(pending, depths, arg, depth);
                        }
                        break;
                    case LIST:
                        for (final CelExpr element : expr.list().elements()) {
                            push(pending, depths, element, depth);
                        }
                        break;
                    case MAP:
                        for (final CelExpr.CelMap.Entry entry : expr.map().entries()) {
                            push(pending, depths, entry.key(), depth);
                            push(pending, depths, entry.value(), depth);
                        }
                        break;
                    case STRUCT:
                        if (stats.structCreation == null) {
                            stats.structCreation = expr;
                        }
                        break;
                    case COMPREHENSION: {
                        final int nested = depth + 1;
                        if (nested > stats.comprehensionDepth) {
                            stats.comprehensionDepth = nested;
                            stats.deepestComprehension = expr;
                        }
                        final CelExpr.CelComprehension comprehension = expr.comprehension();
                        push(pending, depths, comprehension.iterRange(), depth);
                        push(pending, depths, comprehension.accuInit(), nested);
                        push(pending, depths, comprehension.loopCondition(), nested);
                        push(pending, depths, comprehension.loopStep(), nested);
                        push(pending, depths, comprehension.result(), nested);
                        break;
                    }
                    default:
                }
            }
            return stats;
        }

        private static void push(final Deque<CelExpr> pending,
                                 final Deque<Integer> depths,
                                 final CelExpr expr,
                                 final int depth) {
            pending.push(expr);
            depths.push(depth);
        }
    }
}
