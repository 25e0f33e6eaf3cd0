package io.profilestream.segments;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import dev.cel.common.internal.ComparisonFunctions;
import dev.cel.common.values.CelValue;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelFunctionOverload;

/**
 * A checked rule evaluated straight on the profile's record view, for the part of CEL that segment rules are mostly
 * written in: literals, {@code profile} and {@code now}, field selection and {@code has}, {@code && || !}, the ternary,
 * equality and ordering, integer and double arithmetic, {@code in}, {@code size} and the rule helpers.
 *
 * <p>Why by hand: CEL-Java's planner resolves every field read through its attribute machinery and dispatches every
 * operator through its overload tables; in the engine's flight recording that was 15% of the stream thread for rules
 * such as {@code profile.transactions.orders >= 3 && ratio(...) >= 0.4}. Here each node is a small object that calls the
 * next, and a field read is an array index (docs/benchmarks.md, "Rules without CEL's interpreter").
 *
 * <p>The answers are CEL's. Equality, ordering and arithmetic follow CEL's definitions, an int and a double are
 * compared with CEL-Java's own functions, and the helpers are called through the same bindings CEL calls. Wherever
 * CEL would fail (an overflow, a division by zero, a null where a value is needed), or a value is of a kind this
 * evaluator does not handle (strings compared by order, for one), it gives up ({@link GiveUp}) and the caller
 * evaluates the rule with CEL, which gives the answer or the error; a rule that uses anything else (comprehensions,
 * indexing, conversions, list and map literals) is left to CEL entirely ({@link #of} returns null).
 * {@code DirectExpressionTest} compares the two on random profiles.
 *
 * <p>Immutable but for a racy cache of field positions (each entry an immutable record); thread-safe.
 */
final class DirectExpression {

    /** The direct evaluation cannot give CEL's answer; evaluate with CEL. No stack trace: it is expected. */
    static final class GiveUp extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private static final GiveUp INSTANCE = new GiveUp();

        private GiveUp() {
            super("evaluate with CEL", null, false, false);
        }
    }

    private interface Node {
        Object eval(EvaluationContext context);
    }

    private final Node root;

    private DirectExpression(final Node root) {
        this.root = root;
    }

    /**
     * The direct form of a checked expression, or null when it uses something this evaluator leaves to CEL.
     *
     * @param bindings the helper functions' bindings by overload id, as given to CEL
     */
    static DirectExpression of(final CelAbstractSyntaxTree ast, final Map<String, CelFunctionBinding> bindings) {
        final Node root = new Builder(ast, bindings).node(ast.getExpr());
        return root == null ? null : new DirectExpression(root);
    }

    /**
     * Whether the profile in the context matches.
     *
     * @throws GiveUp when CEL must evaluate the rule: it fails for this profile, or a value is not one handled here
     */
    boolean matches(final EvaluationContext context) {
        final Object result = root.eval(context);
        if (result instanceof Boolean) {
            return (Boolean) result;
        }
        throw GiveUp.INSTANCE;
    }

    private static GiveUp giveUp() {
        return GiveUp.INSTANCE;
    }

    /** Compiles the syntax tree into nodes; null for any expression this evaluator does not handle. */
    private static final class Builder {
        private final CelAbstractSyntaxTree ast;
        private final Map<String, CelFunctionBinding> bindings;

        Builder(final CelAbstractSyntaxTree ast, final Map<String, CelFunctionBinding> bindings) {
            this.ast = ast;
            this.bindings = bindings;
        }

        Node node(final CelExpr expr) {
            switch (expr.getKind()) {
                case CONSTANT:
                    return constant(expr.constant());
                case IDENT:
                    return ident(expr);
                case SELECT: {
                    final Node operand = node(expr.select().operand());
                    if (operand == null) {
                        return null;
                    }
                    return new Field(operand, expr.select().field(), expr.select().testOnly());
                }
                case CALL:
                    return call(expr);
                default:
                    return null;
            }
        }

        private static Node constant(final CelConstant constant) {
            final Object value = switch (constant.getKind()) {
                case NULL_VALUE -> NullValue.NULL_VALUE;
                case BOOLEAN_VALUE -> constant.booleanValue();
                case INT64_VALUE -> constant.int64Value();
                case DOUBLE_VALUE -> constant.doubleValue();
                case STRING_VALUE -> constant.stringValue();
                default -> null;
            };
            return value == null ? null : context -> value;
        }

        private Node ident(final CelExpr expr) {
            // A reference with a value is a constant the checker resolved (an enum value): left to CEL.
            if (ast.getReference(expr.id()).flatMap(CelReference::value).isPresent()) {
                return null;
            }
            return switch (expr.ident().name()) {
                case ProfileFunctions.PROFILE -> EvaluationContext::profileValue;
                case ProfileFunctions.NOW -> EvaluationContext::now;
                default -> null;
            };
        }

        private Node call(final CelExpr expr) {
            final CelExpr.CelCall call = expr.call();
            final List<CelExpr> argExprs = new ArrayList<>();
            call.target().ifPresent(argExprs::add);
            argExprs.addAll(call.args());
            final List<Node> args = new ArrayList<>(argExprs.size());
            for (final CelExpr arg : argExprs) {
                final Node node = node(arg);
                if (node == null) {
                    return null;
                }
                args.add(node);
            }
            final String function = call.function();
            if (args.size() == 1) {
                switch (function) {
                    case "!_":
                        return new Not(args.get(0));
                    case "-_":
                        return new Negate(args.get(0));
                    case "size":
                        return new Size(args.get(0));
                    default:
                }
            } else if (args.size() == 2) {
                final Node left = args.get(0);
                final Node right = args.get(1);
                switch (function) {
                    case "_&&_":
                        return new Junction(left, right, Boolean.FALSE);
                    case "_||_":
                        return new Junction(left, right, Boolean.TRUE);
                    case "_==_":
                        return new Equals(left, right, false);
                    case "_!=_":
                        return new Equals(left, right, true);
                    case "_<_":
                    case "_<=_":
                    case "_>_":
                    case "_>=_":
                        return new Compare(left, right, function);
                    case "_+_":
                    case "_-_":
                    case "_*_":
                    case "_/_":
                        return new Arithmetic(left, right, function.charAt(1));
                    case "@in":
                        return new In(left, right);
                    default:
                }
            } else if (args.size() == 3 && "_?_:_".equals(function)) {
                return new Conditional(args.get(0), args.get(1), args.get(2));
            }
            return helper(expr, args);
        }

        /** A call of the rule helpers, whose overloads the checker resolved; null for any other function. */
        private Node helper(final CelExpr expr, final List<Node> args) {
            final List<String> overloads = ast.getReference(expr.id()).map(CelReference::overloadIds)
                .orElse(null);
            if (overloads == null || overloads.isEmpty()) {
                return null;
            }
            final List<CelFunctionBinding> candidates = new ArrayList<>(overloads.size());
            for (final String overload : overloads) {
                final CelFunctionBinding binding = bindings.get(overload);
                if (binding == null) {
                    return null;
                }
                candidates.add(binding);
            }
            return new Helper(args.toArray(new Node[0]), candidates.toArray(new CelFunctionBinding[0]));
        }
    }

    /**
     * A struct's field read ({@code has} when {@code presence}), by its position in the record view, which is found once
     * per record binding.
     */
    private static final class Field implements Node {
        private final Node operand;
        private final String name;
        private final boolean presence;
        private Position position;

        Field(final Node operand, final String name, final boolean presence) {
            this.operand = operand;
            this.name = name;
            this.presence = presence;
        }

        @Override
        public Object eval(final EvaluationContext context) {
            final Object value = operand.eval(context);
            if (!(value instanceof AvroStructValue)) {
                throw giveUp();
            }
            final AvroStructValue struct = (AvroStructValue) value;
            Position known = position;
            if (known == null || known.binding != struct.binding()) {
                known = new Position(struct.binding(), struct.binding().indexOf(name));
                position = known;
            }
            if (known.index < 0) {
                // has() of a field the record does not have is false, as in AvroStructValue.find.
                if (presence) {
                    return false;
                }
                throw giveUp();
            }
            final Object selected = struct.at(known.index);
            if (presence) {
                return selected != NullValue.NULL_VALUE;
            }
            // The planner unwraps a field's value (PlainValue) before any function sees it; records stay wrapped.
            return selected instanceof PlainValue ? ((CelValue) selected).value() : selected;
        }
    }

    private record Position(AvroCelTypes.RecordBinding binding, int index) {
    }

    private record Not(Node operand) implements Node {
        @Override
        public Object eval(final EvaluationContext context) {
            final Object value = operand.eval(context);
            if (!(value instanceof Boolean)) {
                throw giveUp();
            }
            return !(Boolean) value;
        }
    }

    /**
     * CEL's {@code &&} ({@code decisive} false) and {@code ||} ({@code decisive} true): the decisive value when either
     * side gives it, whatever the other side gives (even an error); the other value when both give it; otherwise
     * CEL's error.
     */
    private record Junction(Node left, Node right, Boolean decisive) implements Node {
        @Override
        public Object eval(final EvaluationContext context) {
            final Object first = sideOf(left, context);
            if (decisive.equals(first)) {
                return decisive;
            }
            final Object second = right.eval(context);
            if (decisive.equals(second)) {
                return decisive;
            }
            if (first instanceof Boolean && second instanceof Boolean) {
                return !decisive;
            }
            throw giveUp();
        }
    }

    /** The value of one side of {@code &&} or {@code ||}, or null when it gives up: the other side may decide. */
    private static Object sideOf(final Node side, final EvaluationContext context) {
        try {
            return side.eval(context);
        } catch (final GiveUp e) {
            return null;
        }
    }

    private record Conditional(Node condition, Node then, Node otherwise) implements Node {
        @Override
        public Object eval(final EvaluationContext context) {
            final Object value = condition.eval(context);
            if (!(value instanceof Boolean)) {
                throw giveUp();
            }
            return (Boolean) value ? then.eval(context) : otherwise.eval(context);
        }
    }

    /** CEL's {@code ==} and {@code !=} on ints, doubles (across the two as well), strings, bools, timestamps, null. */
    private record Equals(Node left, Node right, boolean negated) implements Node {
        @Override
        public Object eval(final EvaluationContext context) {
            return equal(left.eval(context), right.eval(context)) != negated;
        }

        private static boolean equal(final Object a, final Object b) {
            if (a instanceof Double && b instanceof Double) {
                return (Double) a == ((Double) b).doubleValue();
            }
            if (isNumber(a) && isNumber(b)) {
                return a instanceof Long && b instanceof Long ? a.equals(b)
                    : ComparisonFunctions.numericEquals((Number) a, (Number) b);
            }
            if (a == NullValue.NULL_VALUE || b == NullValue.NULL_VALUE) {
                if (!isPlain(a) || !isPlain(b)) {
                    throw giveUp();
                }
                return a == b;
            }
            if (a.getClass() != b.getClass() || !(a instanceof String || a instanceof Boolean
                || a instanceof Instant)) {
                throw giveUp();
            }
            return a.equals(b);
        }
    }

    private static boolean isNumber(final Object value) {
        return value instanceof Long || value instanceof Double;
    }

    /** A value whose comparison with null is known to be false (or true for null itself). */
    private static boolean isPlain(final Object value) {
        return value == NullValue.NULL_VALUE || isNumber(value) || value instanceof String || value instanceof Boolean
            || value instanceof Instant || value instanceof AvroStructValue;
    }

    /** CEL's ordering of ints and doubles (across the two as well), bools and timestamps. */
    private static final class Compare implements Node {
        private final Node left;
        private final Node right;
        private final String operator;

        Compare(final Node left, final Node right, final String operator) {
            this.left = left;
            this.right = right;
            this.operator = operator;
        }

        @Override
        public Object eval(final EvaluationContext context) {
            final Object a = left.eval(context);
            final Object b = right.eval(context);
            if (a instanceof Double && b instanceof Double) {
                // Primitive comparisons: false whenever either side is NaN, as in CEL.
                final double x = (Double) a;
                final double y = (Double) b;
                return switch (operator) {
                    case "_<_" -> x < y;
                    case "_<=_" -> x <= y;
                    case "_>_" -> x > y;
                    default -> x >= y;
                };
            }
            return holds(order(a, b));
        }

        private boolean holds(final int order) {
            return switch (operator) {
                case "_<_" -> order < 0;
                case "_<=_" -> order <= 0;
                case "_>_" -> order > 0;
                default -> order >= 0;
            };
        }

        private static int order(final Object a, final Object b) {
            if (a instanceof Long && b instanceof Long) {
                return Long.compare((Long) a, (Long) b);
            }
            if (a instanceof Long && b instanceof Double && !((Double) b).isNaN()) {
                return ComparisonFunctions.compareIntDouble((Long) a, (Double) b);
            }
            if (a instanceof Double && b instanceof Long && !((Double) a).isNaN()) {
                return ComparisonFunctions.compareDoubleInt((Double) a, (Long) b);
            }
            if (a instanceof Instant && b instanceof Instant) {
                return ((Instant) a).compareTo((Instant) b);
            }
            if (a instanceof Boolean && b instanceof Boolean) {
                return Boolean.compare((Boolean) a, (Boolean) b);
            }
            throw giveUp();
        }
    }

    /** {@code + - * /} on two ints (an overflow or a division by zero is CEL's error) or two doubles. */
    private record Arithmetic(Node left, Node right, char operator) implements Node {
        @Override
        public Object eval(final EvaluationContext context) {
            final Object a = left.eval(context);
            final Object b = right.eval(context);
            if (a instanceof Long && b instanceof Long) {
                final long x = (Long) a;
                final long y = (Long) b;
                try {
                    return switch (operator) {
                        case '+' -> Math.addExact(x, y);
                        case '-' -> Math.subtractExact(x, y);
                        case '*' -> Math.multiplyExact(x, y);
                        default -> {
                            if (y == 0 || x == Long.MIN_VALUE && y == -1) {
                                throw giveUp();
                            }
                            yield x / y;
                        }
                    };
                } catch (final ArithmeticException e) {
                    throw giveUp();
                }
            }
            if (a instanceof Double && b instanceof Double) {
                final double x = (Double) a;
                final double y = (Double) b;
                return switch (operator) {
                    case '+' -> x + y;
                    case '-' -> x - y;
                    case '*' -> x * y;
                    default -> x / y;
                };
            }
            throw giveUp();
        }
    }

    private record Negate(Node operand) implements Node {
        @Override
        public Object eval(final EvaluationContext context) {
            final Object value = operand.eval(context);
            if (value instanceof Long && (Long) value != Long.MIN_VALUE) {
                return -(Long) value;
            }
            if (value instanceof Double) {
                return -(Double) value;
            }
            throw giveUp();
        }
    }

    /** {@code x in list} for a string or an int among strings or ints; {@code key in map} for a string key. */
    private record In(Node element, Node collection) implements Node {
        @Override
        public Object eval(final EvaluationContext context) {
            final Object value = element.eval(context);
            final Object in = collection.eval(context);
            if (in instanceof List && (value instanceof String || value instanceof Long)) {
                boolean found = false;
                for (final Object item : (List<?>) in) {
                    if (item == null || item.getClass() != value.getClass()) {
                        throw giveUp();
                    }
                    found |= value.equals(item);
                }
                return found;
            }
            if (in instanceof Map && value instanceof String) {
                // The record view's maps are keyed by strings (AvroCelValues converts the keys).
                return ((Map<?, ?>) in).containsKey(value);
            }
            throw giveUp();
        }
    }

    /** {@code size} of a list, a map or a string (in code points, as CEL counts). */
    private record Size(Node operand) implements Node {
        @Override
        public Object eval(final EvaluationContext context) {
            final Object value = operand.eval(context);
            if (value instanceof List) {
                return (long) ((List<?>) value).size();
            }
            if (value instanceof Map) {
                return (long) ((Map<?, ?>) value).size();
            }
            if (value instanceof String) {
                return (long) ((String) value).codePointCount(0, ((String) value).length());
            }
            throw giveUp();
        }
    }

    /** A rule helper, called through the first of its checked overloads that accepts the arguments, as CEL does. */
    private record Helper(Node[] args, CelFunctionBinding[] overloads) implements Node {
        @Override
        public Object eval(final EvaluationContext context) {
            final Object[] values = new Object[args.length];
            for (int i = 0; i < args.length; i++) {
                values[i] = args[i].eval(context);
            }
            for (final CelFunctionBinding overload : overloads) {
                if (CelFunctionOverload.canHandle(values, overload.getArgTypes(), overload.isStrict())) {
                    try {
                        final Object result = overload.getDefinition().apply(values);
                        return result instanceof PlainValue ? ((CelValue) result).value() : result;
                    } catch (final Exception e) {
                        throw giveUp();
                    }
                }
            }
            throw giveUp();
        }
    }
}
