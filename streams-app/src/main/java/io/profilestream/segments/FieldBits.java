package io.profilestream.segments;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sets of top-level profile field names as the bits of a {@code long}, so that whether a rule reads any of the fields
 * an event changed ({@link CompiledExpression#unaffectedBy}) is one AND per rule rather than a set intersection; that
 * intersection was a twentieth of the stream thread once rules were evaluated directly.
 * A name gets its bit the first time it is seen, the same for every compiler and evaluator in the JVM, so masks do not
 * depend on any schema's field order. Names beyond the 63rd get no bit: a set holding one is {@link #UNKNOWN}, which
 * no rule is unaffected by (it is evaluated, as without the masks).
 */
final class FieldBits {

    /** A set that cannot be encoded. Bit 63 is never given, so no encodable set equals it. */
    static final long UNKNOWN = -1L;

    private static final int BITS = 63;
    private static final ConcurrentMap<String, Integer> POSITIONS = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT = new AtomicInteger();

    private FieldBits() {
    }

    /** The mask of the names; {@link #UNKNOWN} for {@code null} (any field) or when a name has no bit. */
    static long of(final Set<String> names) {
        if (names == null) {
            return UNKNOWN;
        }
        long mask = 0L;
        for (final String name : names) {
            final int position = POSITIONS.computeIfAbsent(name, unused -> NEXT.getAndIncrement());
            if (position >= BITS) {
                return UNKNOWN;
            }
            mask |= 1L << position;
        }
        return mask;
    }
}
