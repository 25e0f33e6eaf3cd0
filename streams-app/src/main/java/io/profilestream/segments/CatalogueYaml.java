package io.profilestream.segments;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.profilestream.domain.CustomEventLog;
import io.profilestream.domain.Holdout;
import io.profilestream.domain.PersonaCards;
import io.profilestream.domain.TraitRules;
import io.profilestream.profile.DefinitionKind;
import io.profilestream.profile.PersonaCard;
import io.profilestream.profile.SegmentDefinition;
import io.profilestream.profile.TraitDefinition;

/**
 * Reads segment catalogues written in YAML, such as the default catalogue shipped in
 * {@value #DEFAULT_RESOURCE} that the engine publishes on first start.
 * Every definition read gets version 1 and the given {@code updatedAt}.
 */
public final class CatalogueYaml {

    /** The classpath resource of the default catalogue. */
    public static final String DEFAULT_RESOURCE = "segments/default-catalogue.yaml";

    /** Segment and persona ids: lower-case letters, digits and single dashes, as they appear in URLs. */
    private static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final int MAX_ID_LENGTH = 64;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private CatalogueYaml() {
    }

    /**
     * Whether a string can be a segment or persona id: 1 to 64 lower-case letters, digits and single dashes.
     */
    public static boolean isValidId(final String id) {
        return id != null && id.length() <= MAX_ID_LENGTH && ID.matcher(id).matches();
    }

    /**
     * Reads the default catalogue and checks that every expression compiles.
     *
     * @throws IllegalStateException when the shipped file is unreadable or a rule in it does not compile
     */
    public static List<SegmentDefinition> loadDefault(final SegmentCompiler compiler, final Instant updatedAt) {
        try (InputStream in = CatalogueYaml.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The default segment catalogue " + DEFAULT_RESOURCE
                    + " is not on the classpath");
            }
            return readValidated(in, compiler, updatedAt);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read the default segment catalogue " + DEFAULT_RESOURCE, e);
        }
    }

    /**
     * Reads a catalogue and checks that every expression compiles.
     *
     * @throws IllegalStateException naming every definition whose expression does not compile, with the error
     */
    public static List<SegmentDefinition> readValidated(final InputStream in,
                                                        final SegmentCompiler compiler,
                                                        final Instant updatedAt) throws IOException {
        final List<SegmentDefinition> definitions = read(in, updatedAt);
        final List<String> problems = new ArrayList<>();
        for (final SegmentDefinition definition : definitions) {
            try {
                compiler.compile(definition.getExpression());
            } catch (final InvalidExpressionException e) {
                problems.add(definition.getId() + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid segment catalogue: " + String.join("; ", problems));
        }
        return definitions;
    }

    /**
     * Reads a catalogue and checks its structure (ids, kinds, required fields), not its expressions.
     *
     * @throws IllegalArgumentException when an entry is malformed, with its id or index
     * @throws IOException when the text is not YAML of the expected shape
     */
    public static List<SegmentDefinition> read(final InputStream in, final Instant updatedAt) throws IOException {
        final CatalogueFile file = YAML.readValue(in, CatalogueFile.class);
        if (file == null || file.definitions() == null) {
            throw new IllegalArgumentException("A segment catalogue needs a 'definitions' list");
        }
        final Set<String> ids = new HashSet<>();
        final List<SegmentDefinition> definitions = new ArrayList<>(file.definitions().size());
        for (int i = 0; i < file.definitions().size(); i++) {
            final Entry entry = file.definitions().get(i);
            final String where = "definition " + (i + 1) + (entry.id() == null ? "" : " (" + entry.id() + ")");
            if (!isValidId(entry.id())) {
                throw new IllegalArgumentException(where + ": the id must be 1 to " + MAX_ID_LENGTH
                    + " lower-case letters, digits and single dashes");
            }
            if (!ids.add(entry.id())) {
                throw new IllegalArgumentException(where + ": the id is used twice");
            }
            requireText(entry.name(), "name", where);
            requireText(entry.kind(), "kind", where);
            requireText(entry.expression(), "expression", where);
            final DefinitionKind kind;
            try {
                kind = DefinitionKind.valueOf(entry.kind().trim().toUpperCase(Locale.ROOT));
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": kind must be SEGMENT or PERSONA, not " + entry.kind(), e);
            }
            definitions.add(SegmentDefinition.newBuilder()
                .setId(entry.id())
                .setName(entry.name().trim())
                .setDescription(entry.description() == null ? "" : entry.description().trim())
                .setKind(kind)
                .setExpression(entry.expression().trim())
                .setPriority(entry.priority() == null ? 0 : entry.priority())
                .setEnabled(entry.enabled() == null || entry.enabled())
                .setVersion(1L)
                .setUpdatedAt(updatedAt)
                .setHoldoutPercent(holdout(entry.holdoutPercent(), where))
                .setCard(card(entry.card(), where))
                .build());
        }
        return List.copyOf(definitions);
    }

    private static double holdout(final Double percent, final String where) {
        try {
            return percent == null ? 0.0 : Holdout.check(percent);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static PersonaCard card(final CardEntry card, final String where) {
        if (card == null) {
            return null;
        }
        try {
            return PersonaCards.of(card.goals(), card.frustrations(), card.preferredChannels(), card.quote(),
                card.imageUrl());
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static void requireText(final String value, final String field, final String where) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(where + ": '" + field + "' is required");
        }
    }

    /**
     * The computed traits of the default catalogue, checked like those the REST API accepts.
     *
     * @param log the retention bounds that windows must fit in
     */
    public static List<TraitDefinition> loadDefaultTraits(final CustomEventLog log, final Instant updatedAt) {
        try (InputStream in = CatalogueYaml.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The default segment catalogue " + DEFAULT_RESOURCE
                    + " is not on the classpath");
            }
            return readTraits(in, log, updatedAt);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read the default segment catalogue " + DEFAULT_RESOURCE, e);
        }
    }

    /**
     * Reads the computed traits of a catalogue ({@code traits}, optional).
     *
     * @throws IllegalArgumentException when an entry is invalid, with its id or index
     */
    public static List<TraitDefinition> readTraits(final InputStream in,
                                                   final CustomEventLog log,
                                                   final Instant updatedAt) throws IOException {
        final CatalogueFile file = YAML.readValue(in, CatalogueFile.class);
        if (file == null || file.traits() == null) {
            return List.of();
        }
        final List<TraitDefinition> traits = new ArrayList<>(file.traits().size());
        final Set<String> ids = new HashSet<>();
        for (int i = 0; i < file.traits().size(); i++) {
            final TraitEntry entry = file.traits().get(i);
            final String where = "trait " + (i + 1) + (entry.id() == null ? "" : " (" + entry.id() + ")");
            if (!ids.add(String.valueOf(entry.id()))) {
                throw new IllegalArgumentException(where + ": the id is used twice");
            }
            try {
                traits.add(TraitRules.build(entry.id(), entry.event(), entry.aggregation(), entry.property(),
                    entry.windowDays(), 1L, updatedAt, log));
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(traits);
    }

    /** The file: a list of definitions under {@code definitions}, computed traits under {@code traits}. */
    private record CatalogueFile(@JsonProperty("definitions") List<Entry> definitions,
                                 @JsonProperty("traits") List<TraitEntry> traits) {
    }

    /** One computed trait as written in YAML. */
    private record TraitEntry(@JsonProperty("id") String id,
                              @JsonProperty("event") String event,
                              @JsonProperty("aggregation") String aggregation,
                              @JsonProperty("property") String property,
                              @JsonProperty("windowDays") Integer windowDays) {
    }

    /** One entry as written in YAML. */
    private record Entry(@JsonProperty("id") String id,
                         @JsonProperty("name") String name,
                         @JsonProperty("description") String description,
                         @JsonProperty("kind") String kind,
                         @JsonProperty("expression") String expression,
                         @JsonProperty("priority") Integer priority,
                         @JsonProperty("enabled") Boolean enabled,
                         @JsonProperty("holdoutPercent") Double holdoutPercent,
                         @JsonProperty("card") CardEntry card) {
    }

    /** A persona card as written in YAML. */
    private record CardEntry(@JsonProperty("goals") List<String> goals,
                             @JsonProperty("frustrations") List<String> frustrations,
                             @JsonProperty("preferredChannels") List<String> preferredChannels,
                             @JsonProperty("quote") String quote,
                             @JsonProperty("imageUrl") String imageUrl) {
    }
}
