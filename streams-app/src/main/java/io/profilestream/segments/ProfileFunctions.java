package io.profilestream.segments;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeParamType;
import dev.cel.common.values.NullValue;
import dev.cel.parser.CelMacro;
import dev.cel.runtime.CelFunctionBinding;

/**
 * The helper functions, macros and derived fields that segment rules can use on top of standard CEL.
 * {@code docs/segments.md} documents each one; a change here is a change to the rule language.
 */
final class ProfileFunctions {

    /** The variable that holds the profile. */
    static final String PROFILE = "profile";
    /** The variable that holds the evaluation time. */
    static final String NOW = "now";
    /**
     * Fields of the profile that rules cannot read: the memberships they produce and the re-evaluation time derived
     * from them.
     * A rule that read its own output could change its answer on every evaluation (enter, exit, enter...), and one
     * that read another segment would depend on the order of evaluation.
     */
    static final Set<String> HIDDEN_FIELDS = Set.of("persona", "segments", "reevaluateAt");
    /** How many categories {@code profile.behaviour.topCategories} lists at most. */
    static final int TOP_CATEGORIES = 3;

    private static final String BEHAVIOUR_RECORD = "io.profilestream.profile.Behaviour";
    private static final String CATEGORY_AFFINITY = "categoryAffinity";
    private static final double SECONDS_PER_DAY = Duration.ofDays(1).toSeconds();
    private static final double NANOS_PER_DAY = Duration.ofDays(1).toNanos();

    private ProfileFunctions() {
    }

    /**
     * Fields computed from the profile: {@code behaviour.topCategories}.
     */
    static List<DerivedField> derivedFields() {
        return List.of(new DerivedField(
            BEHAVIOUR_RECORD,
            "topCategories",
            ListType.create(SimpleType.STRING),
            "Up to " + TOP_CATEGORIES + " categories with the highest affinity, highest first "
                + "(ties by name); only categories with a positive affinity.",
            ProfileFunctions::topCategories));
    }

    /**
     * {@code daysSince(t)} is {@code daysBetween(t, now)}; {@code affinity(c)} is
     * {@code lookup(profile.behaviour.categoryAffinity, c, 0.0)}.
     * Macros rather than functions, because a CEL function sees only its arguments, not {@code now} or the profile.
     */
    static List<CelMacro> macros() {
        return List.of(
            CelMacro.newGlobalMacro("daysSince", 1, (factory, target, arguments) -> Optional.of(
                factory.newGlobalCall("daysBetween", arguments.get(0), factory.newIdentifier(NOW)))),
            CelMacro.newGlobalMacro("affinity", 1, (factory, target, arguments) -> Optional.of(
                factory.newGlobalCall("lookup",
                    factory.newSelect(
                        factory.newSelect(factory.newIdentifier(PROFILE), "behaviour", false),
                        CATEGORY_AFFINITY,
                        false),
                    arguments.get(0),
                    factory.newDoubleLiteral(0.0)))));
    }

    static List<CelFunctionDecl> declarations() {
        final TypeParamType k = TypeParamType.create("K");
        final TypeParamType v = TypeParamType.create("V");
        final TypeParamType t = TypeParamType.create("T");
        return List.of(
            CelFunctionDecl.newFunctionDeclaration("daysBetween",
                CelOverloadDecl.newGlobalOverload("daysBetween_timestamp_timestamp",
                    "Days (fractional) from the first timestamp to the second.",
                    SimpleType.DOUBLE, SimpleType.TIMESTAMP, SimpleType.TIMESTAMP)),
            CelFunctionDecl.newFunctionDeclaration("lookup",
                CelOverloadDecl.newGlobalOverload("lookup_map_key_default",
                    "The value of a key in a map, or the default when the key is absent.",
                    v, MapType.create(k, v), k, v)),
            CelFunctionDecl.newFunctionDeclaration("coalesce",
                CelOverloadDecl.newGlobalOverload("coalesce_value_default",
                    "The value, or the default when the value is null.",
                    t, t, t)),
            CelFunctionDecl.newFunctionDeclaration("ratio",
                CelOverloadDecl.newGlobalOverload("ratio_int_int", "a / b as a double, 0 when b is 0.",
                    SimpleType.DOUBLE, SimpleType.INT, SimpleType.INT),
                CelOverloadDecl.newGlobalOverload("ratio_double_double", "a / b, 0 when b is 0.",
                    SimpleType.DOUBLE, SimpleType.DOUBLE, SimpleType.DOUBLE),
                CelOverloadDecl.newGlobalOverload("ratio_int_double", "a / b, 0 when b is 0.",
                    SimpleType.DOUBLE, SimpleType.INT, SimpleType.DOUBLE),
                CelOverloadDecl.newGlobalOverload("ratio_double_int", "a / b, 0 when b is 0.",
                    SimpleType.DOUBLE, SimpleType.DOUBLE, SimpleType.INT)));
    }

    static List<CelFunctionBinding> bindings() {
        return List.of(
            CelFunctionBinding.from("daysBetween_timestamp_timestamp", Object.class, Object.class,
                ProfileFunctions::daysBetween),
            CelFunctionBinding.from("lookup_map_key_default", List.<Class<?>>of(Map.class, Object.class, Object.class),
                args -> lookup((Map<?, ?>) args[0], args[1], args[2])),
            CelFunctionBinding.from("coalesce_value_default", Object.class, Object.class,
                (value, fallback) -> value == NullValue.NULL_VALUE ? fallback : value),
            CelFunctionBinding.from("ratio_int_int", Long.class, Long.class,
                (a, b) -> ratio(a.doubleValue(), b.doubleValue())),
            CelFunctionBinding.from("ratio_double_double", Double.class, Double.class, ProfileFunctions::ratio),
            CelFunctionBinding.from("ratio_int_double", Long.class, Double.class,
                (a, b) -> ratio(a.doubleValue(), b)),
            CelFunctionBinding.from("ratio_double_int", Double.class, Long.class,
                (a, b) -> ratio(a, b.doubleValue())));
    }

    private static Object daysBetween(final Object from, final Object to) {
        if (!(from instanceof Instant) || !(to instanceof Instant)) {
            throw new IllegalArgumentException("daysSince/daysBetween got null instead of a timestamp:"
                + " guard the field with has(...)");
        }
        final Duration between = Duration.between((Instant) from, (Instant) to);
        return between.getSeconds() / SECONDS_PER_DAY + between.getNano() / NANOS_PER_DAY;
    }

    private static Object lookup(final Map<?, ?> map, final Object key, final Object fallback) {
        final Object value = map.get(key);
        return value == null ? fallback : value;
    }

    private static Double ratio(final double numerator, final double denominator) {
        return denominator == 0.0 ? 0.0 : numerator / denominator;
    }

    private static Object topCategories(final IndexedRecord behaviour) {
        final Schema.Field field = behaviour.getSchema().getField(CATEGORY_AFFINITY);
        final Object raw = field == null ? null : behaviour.get(field.pos());
        if (!(raw instanceof Map) || ((Map<?, ?>) raw).isEmpty()) {
            return List.of();
        }
        // The top few in one pass, highest first, ties by name: a sort of every category per profile update was 1% of
        // the stream thread.
        final String[] names = new String[TOP_CATEGORIES];
        final double[] affinities = new double[TOP_CATEGORIES];
        int count = 0;
        for (final Map.Entry<?, ?> entry : ((Map<?, ?>) raw).entrySet()) {
            if (!(entry.getValue() instanceof Number) || !(((Number) entry.getValue()).doubleValue() > 0.0)) {
                continue;
            }
            final String name = entry.getKey().toString();
            final double affinity = ((Number) entry.getValue()).doubleValue();
            int at = count;
            while (at > 0 && (affinity > affinities[at - 1]
                || affinity == affinities[at - 1] && name.compareTo(names[at - 1]) < 0)) {
                at--;
            }
            if (at == TOP_CATEGORIES) {
                continue;
            }
            final int moved = Math.min(count, TOP_CATEGORIES - 1) - at;
            System.arraycopy(names, at, names, at + 1, moved);
            System.arraycopy(affinities, at, affinities, at + 1, moved);
            names[at] = name;
            affinities[at] = affinity;
            count = Math.min(count + 1, TOP_CATEGORIES);
        }
        return List.of(Arrays.copyOf(names, count));
    }
}
