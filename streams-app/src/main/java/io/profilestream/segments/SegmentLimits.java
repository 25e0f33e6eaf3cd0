package io.profilestream.segments;

/**
 * Bounds on the cost of one rule, checked when it is compiled (and so before it is stored).
 * CEL has no unbounded loops: the cost of an expression grows with its size and, through comprehensions
 * ({@code all}, {@code exists}, {@code map}, {@code filter}), with the length of the lists it iterates to the
 * power of their nesting, so the size and the nesting are bounded here and the iterations at run time.
 *
 * @param maxExpressionLength        most characters in the expression text
 * @param maxAstNodes                most nodes in the checked syntax tree (after macro expansion)
 * @param maxComprehensionDepth      most comprehensions nested in one another (0 forbids them)
 * @param maxComprehensionIterations most iterations of all comprehensions in one evaluation; more is an
 *                                   evaluation error, so not-a-member
 */
public record SegmentLimits(int maxExpressionLength,
                            int maxAstNodes,
                            int maxComprehensionDepth,
                            int maxComprehensionIterations) {

    /** The defaults: ample for the rules in the default catalogue, which use at most a tenth of each. */
    public static final SegmentLimits DEFAULT = new SegmentLimits(4_096, 400, 2, 10_000);

    /**
     * Checks every bound is usable.
     */
    public SegmentLimits {
        if (maxExpressionLength < 1 || maxAstNodes < 1 || maxComprehensionDepth < 0 || maxComprehensionIterations < 1) {
            throw new IllegalArgumentException("Segment limits must be positive (comprehension depth may be 0): " 
                + "length=" + maxExpressionLength + ", nodes=" + maxAstNodes + ", depth=" + maxComprehensionDepth
                + ", iterations=" + maxComprehensionIterations);
        }
    }
}
