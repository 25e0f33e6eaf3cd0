package io.profilestream.segments;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

import org.apache.avro.generic.IndexedRecord;

import io.profilestream.domain.ScoreCurve;
import io.profilestream.profile.DefinitionKind;
import io.profilestream.profile.SegmentDefinition;

/**
 * An immutable snapshot of the segment and persona definitions, compiled.
 * The engine keeps one in a volatile field and replaces it when the {@code segment-definitions} topic changes:
 * {@link #with(SegmentDefinition)} and {@link #without(String)} return a new snapshot that reuses every compiled
 * rule whose expression did not change, so a rule is compiled once per version.
 * A definition whose expression does not compile is kept apart ({@link #invalid()}) instead of failing the
 * catalogue: it matches nobody.
 *
 * <p>Segments are in id order. Personas are in priority order (lower first), then id order: the first enabled
 * persona that matches is the profile's persona.
 */
public final class SegmentCatalogue {

    private static final Comparator<CompiledDefinition> PERSONA_ORDER =
        Comparator.comparingInt(CompiledDefinition::priority).thenComparing(CompiledDefinition::id);

    private final SegmentCompiler compiler;
    private final Map<String, CompiledDefinition> byId;
    private final Map<String, InvalidDefinition> invalid;
    private final List<CompiledDefinition> segments;
    private final List<CompiledDefinition> personas;
    /** The enabled definitions' time thresholds together. */
    private final TimeThresholds time;

    private SegmentCatalogue(final SegmentCompiler compiler,
                             final Map<String, CompiledDefinition> byId,
                             final Map<String, InvalidDefinition> invalid) {
        this.compiler = compiler;
        this.byId = Collections.unmodifiableMap(new TreeMap<>(byId));
        this.invalid = Collections.unmodifiableMap(new TreeMap<>(invalid));
        final List<CompiledDefinition> segmentList = new ArrayList<>();
        final List<CompiledDefinition> personaList = new ArrayList<>();
        final List<TimeThresholds> enabledTimes = new ArrayList<>();
        for (final CompiledDefinition definition : this.byId.values()) {
            if (definition.kind() == DefinitionKind.PERSONA) {
                personaList.add(definition);
            } else {
                segmentList.add(definition);
            }
            if (definition.enabled()) {
                enabledTimes.add(definition.expression().timeThresholds());
            }
        }
        personaList.sort(PERSONA_ORDER);
        this.segments = List.copyOf(segmentList);
        this.personas = List.copyOf(personaList);
        this.time = TimeThresholds.union(enabledTimes);
    }

    /**
     * A catalogue with no definition.
     */
    public static SegmentCatalogue empty(final SegmentCompiler compiler) {
        return new SegmentCatalogue(Objects.requireNonNull(compiler, "compiler"), Map.of(), Map.of());
    }

    /**
     * Compiles every definition; the last one wins when two have the same id.
     */
    public static SegmentCatalogue of(final SegmentCompiler compiler, final Collection<SegmentDefinition> definitions) {
        return empty(compiler).withDefinitions(definitions);
    }

    /**
     * A catalogue of exactly these definitions (the last one wins when two have the same id), compiling only the
     * expressions that this catalogue does not already have for the same id, valid or not.
     * Returns this catalogue itself when nothing changed, so a caller can re-read the whole global store and
     * replace its catalogue cheaply.
     */
    public SegmentCatalogue withDefinitions(final Collection<SegmentDefinition> definitions) {
        final Map<String, SegmentDefinition> latest = new LinkedHashMap<>();
        for (final SegmentDefinition definition : definitions) {
            latest.remove(definition.getId());
            latest.put(definition.getId(), definition);
        }
        boolean unchanged = latest.size() == size();
        final Map<String, CompiledDefinition> nextById = new TreeMap<>();
        final Map<String, InvalidDefinition> nextInvalid = new TreeMap<>();
        for (final SegmentDefinition definition : latest.values()) {
            final String id = definition.getId();
            final CompiledDefinition current = byId.get(id);
            final InvalidDefinition currentInvalid = invalid.get(id);
            if (current != null && current.expression().source().equals(definition.getExpression())) {
                final boolean same = current.isSame(definition);
                unchanged &= same;
                nextById.put(id, same ? current : current.withDefinition(definition));
            } else if (currentInvalid != null && currentInvalid.expression().equals(definition.getExpression())) {
                final boolean same = currentInvalid.isSame(definition);
                unchanged &= same;
                nextInvalid.put(id, same ? currentInvalid : new InvalidDefinition(definition, currentInvalid.error()));
            } else {
                unchanged = false;
                try {
                    nextById.put(id, compiler.compile(definition));
                } catch (final InvalidExpressionException e) {
                    nextInvalid.put(id, new InvalidDefinition(definition, e));
                }
            }
        }
        return unchanged ? this : new SegmentCatalogue(compiler, nextById, nextInvalid);
    }

    /**
     * The version of the definition with this id, valid or not.
     */
    public OptionalLong version(final String id) {
        final CompiledDefinition definition = byId.get(id);
        if (definition != null) {
            return OptionalLong.of(definition.version());
        }
        final InvalidDefinition bad = invalid.get(id);
        return bad == null ? OptionalLong.empty() : OptionalLong.of(bad.version());
    }

    /**
     * This catalogue with a definition added or replaced, compiling its expression unless the current definition
     * with that id has the same expression.
     * A definition that does not compile replaces the current one as an invalid definition.
     */
    public SegmentCatalogue with(final SegmentDefinition definition) {
        final CompiledDefinition current = byId.get(definition.getId());
        if (current != null && current.expression().source().equals(definition.getExpression())) {
            return with(current.withDefinition(definition));
        }
        try {
            return with(compiler.compile(definition));
        } catch (final InvalidExpressionException e) {
            final Map<String, CompiledDefinition> nextById = new TreeMap<>(byId);
            nextById.remove(definition.getId());
            final Map<String, InvalidDefinition> nextInvalid = new TreeMap<>(invalid);
            nextInvalid.put(definition.getId(), new InvalidDefinition(definition, e));
            return new SegmentCatalogue(compiler, nextById, nextInvalid);
        }
    }

    /**
     * This catalogue with a definition, compiled already (for instance by the REST API while validating it),
     * added or replaced.
     */
    public SegmentCatalogue with(final CompiledDefinition definition) {
        final Map<String, CompiledDefinition> nextById = new TreeMap<>(byId);
        nextById.put(definition.id(), definition);
        final Map<String, InvalidDefinition> nextInvalid = new TreeMap<>(invalid);
        nextInvalid.remove(definition.id());
        return new SegmentCatalogue(compiler, nextById, nextInvalid);
    }

    /**
     * This catalogue without the definition with this id (a tombstone on the topic).
     */
    public SegmentCatalogue without(final String id) {
        if (!byId.containsKey(id) && !invalid.containsKey(id)) {
            return this;
        }
        final Map<String, CompiledDefinition> nextById = new TreeMap<>(byId);
        nextById.remove(id);
        final Map<String, InvalidDefinition> nextInvalid = new TreeMap<>(invalid);
        nextInvalid.remove(id);
        return new SegmentCatalogue(compiler, nextById, nextInvalid);
    }

    /**
     * The compiled definition with this id.
     */
    public Optional<CompiledDefinition> definition(final String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * Every compiled definition, by id.
     */
    public Collection<CompiledDefinition> definitions() {
        return byId.values();
    }

    /**
     * Segment definitions (enabled or not), in id order.
     */
    public List<CompiledDefinition> segments() {
        return segments;
    }

    /**
     * Persona definitions (enabled or not), in evaluation order: priority, then id.
     */
    public List<CompiledDefinition> personas() {
        return personas;
    }

    /**
     * Definitions that do not compile, by id.
     */
    public Map<String, InvalidDefinition> invalid() {
        return invalid;
    }

    /**
     * Number of definitions, valid or not.
     */
    public int size() {
        return byId.size() + invalid.size();
    }

    /**
     * Whether an enabled rule reads {@code now}, so that memberships can change with time alone and profiles need
     * time-driven re-evaluation.
     */
    public boolean isTimeDependent() {
        return time.usesNow();
    }

    /**
     * When an enabled rule's answer can next change for this profile with time alone, or {@code null} when none can
     * before the profile itself changes; see {@link CompiledExpression#nextTimeChange}.
     *
     * @param fallback how long after {@code now} to re-check a rule whose time thresholds are not known
     */
    public Instant nextTimeChange(final IndexedRecord profile, final Instant now, final Duration fallback) {
        return nextTimeChange(profile, now, fallback, ScoreCurve.NONE);
    }

    /**
     * As {@link #nextTimeChange(IndexedRecord, Instant, Duration)}, with the times at which rules comparing a score
     * with a constant flip as the score moves along the curve.
     */
    public Instant nextTimeChange(final IndexedRecord profile,
                                  final Instant now,
                                  final Duration fallback,
                                  final ScoreCurve curve) {
        return time.next(profile, now, fallback, curve);
    }

    /**
     * When one definition's answer can next change for this profile with time alone; {@code null} for an unknown or
     * disabled definition or when it cannot change before the profile does.
     */
    public Instant nextTimeChange(final String definitionId,
                                  final IndexedRecord profile,
                                  final Instant now,
                                  final Duration fallback,
                                  final ScoreCurve curve) {
        final CompiledDefinition definition = byId.get(definitionId);
        return definition == null || !definition.enabled()
            ? null
            : definition.expression().nextTimeChange(profile, now, fallback, curve);
    }

    /**
     * The compiler that compiled this catalogue; it also wraps profiles for evaluation.
     */
    public SegmentCompiler compiler() {
        return compiler;
    }

    @Override
    public String toString() {
        return "SegmentCatalogue(" + segments.size() + " segments, " + personas.size() + " personas, "
            + invalid.size() + " invalid)";
    }
}
