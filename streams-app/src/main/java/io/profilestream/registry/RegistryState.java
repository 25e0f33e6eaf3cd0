package io.profilestream.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.avro.Schema;

/**
 * What a registry knows: schemas by global id, subjects with their versions and compatibility levels.
 * The embedded registry rebuilds it from the schemas topic at start; the in-memory client keeps it alone.
 * It decides registrations the same way for both, with the rules of Confluent's registry.
 * It is not thread-safe: its owner locks it.
 */
final class RegistryState {

    /** Asks for the latest version, as Confluent's API does with {@code latest} or {@code -1}. */
    static final int LATEST = -1;

    private final Map<Integer, StoredSchema> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByText = new HashMap<>();
    private final NavigableMap<String, Subject> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private int maxId;

    RegistryState(final CompatibilityLevel globalLevel) {
        this.globalLevel = globalLevel;
    }

    Optional<StoredSchema> schema(final int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    /**
     * Returns the schema with a global id.
     *
     * @throws SchemaRegistryException (404, 40403) when no schema has that id
     */
    StoredSchema requireSchema(final int id) {
        return schema(id).orElseThrow(() -> SchemaRegistryException.schemaNotFound(Integer.toString(id)));
    }

    int schemaCount() {
        return schemasById.size();
    }

    /** Returns the subjects that have at least one version, sorted. */
    List<String> subjects() {
        final List<String> names = new ArrayList<>();
        for (final Map.Entry<String, Subject> entry : subjects.entrySet()) {
            if (!entry.getValue().versions.isEmpty()) {
                names.add(entry.getKey());
            }
        }
        return names;
    }

    boolean hasSubject(final String subject) {
        final Subject known = subjects.get(subject);
        return known != null && !known.versions.isEmpty();
    }

    /** Returns the version numbers of a subject, ascending, or an empty list when the subject is unknown. */
    List<Integer> versions(final String subject) {
        final Subject known = subjects.get(subject);
        return known == null ? List.of() : List.copyOf(known.versions.keySet());
    }

    /** Returns one version of a subject, or its latest with {@link #LATEST}. */
    Optional<SubjectVersion> version(final String subject,
                                     final int version) {
        final Subject known = subjects.get(subject);
        if (known == null || known.versions.isEmpty()) {
            return Optional.empty();
        }
        if (version == LATEST) {
            final Map.Entry<Integer, Integer> latest = known.versions.lastEntry();
            return Optional.of(subjectVersion(subject, latest.getKey(), latest.getValue()));
        }
        final Integer id = known.versions.get(version);
        return id == null ? Optional.empty() : Optional.of(subjectVersion(subject, version, id));
    }

    /**
     * Returns one version of a subject, or its latest with {@link #LATEST}.
     *
     * @throws SchemaRegistryException (404, 40401) when the subject has no versions, (404, 40402) when it lacks this
     *     one
     */
    SubjectVersion requireVersion(final String subject,
                                  final int version) {
        if (!hasSubject(subject)) {
            throw SchemaRegistryException.subjectNotFound(subject);
        }
        return version(subject, version).orElseThrow(() -> SchemaRegistryException.versionNotFound(version));
    }

    /** Finds the version of a subject that holds a schema with exactly this canonical text, the earliest first. */
    Optional<SubjectVersion> find(final String subject,
                                  final String text) {
        final Integer id = idsByText.get(text);
        final Subject known = subjects.get(subject);
        if (id == null || known == null) {
            return Optional.empty();
        }
        for (final Map.Entry<Integer, Integer> entry : known.versions.entrySet()) {
            if (entry.getValue().equals(id)) {
                return Optional.of(subjectVersion(subject, entry.getKey(), id));
            }
        }
        return Optional.empty();
    }

    /** Returns the schemas of a subject's versions, oldest first. */
    List<Schema> schemas(final String subject) {
        final Subject known = subjects.get(subject);
        final List<Schema> schemas = new ArrayList<>();
        if (known != null) {
            for (final int id : known.versions.values()) {
                schemas.add(schemasById.get(id).schema());
            }
        }
        return schemas;
    }

    /** Returns every (subject, version) that holds a schema id, by subject then version. */
    List<SubjectVersion> usesOf(final int id) {
        final List<SubjectVersion> uses = new ArrayList<>();
        for (final Map.Entry<String, Subject> subject : subjects.entrySet()) {
            for (final Map.Entry<Integer, Integer> version : subject.getValue().versions.entrySet()) {
                if (version.getValue() == id) {
                    uses.add(subjectVersion(subject.getKey(), version.getKey(), id));
                }
            }
        }
        return uses;
    }

    /** Returns why the subject's compatibility level refuses a schema, one line per problem; empty when it accepts. */
    List<String> problems(final String subject,
                          final Schema schema) {
        return effectiveLevel(subject).check(schema, schemas(subject));
    }

    /**
     * Decides how a schema is registered under a subject, and records nothing yet: see {@link #apply}.
     * A schema the subject holds already keeps its version and id.
     * Another must pass the subject's compatibility level; it gets the subject's next version, and the id its text
     * has under any subject, or the next global id, which is taken now and never given again, even if the
     * registration fails later.
     *
     * @throws SchemaRegistryException (409) when the subject's compatibility level refuses the schema
     */
    Registration plan(final String subject,
                      final Schema schema) {
        final String text = schema.toString();
        final Optional<SubjectVersion> existing = find(subject, text);
        if (existing.isPresent()) {
            return new Registration(subject, existing.get().version(), existing.get().schema().id(), text, schema,
                false);
        }
        final List<String> problems = problems(subject, schema);
        if (!problems.isEmpty()) {
            throw SchemaRegistryException.incompatible(subject, problems);
        }
        final Integer known = idsByText.get(text);
        final int id = known != null ? known : allocateId();
        final Subject current = subjects.get(subject);
        final int version = current == null ? 1 : current.maxVersion + 1;
        return new Registration(subject, version, id, text, schema, true);
    }

    /**
     * Records a registration decided by {@link #plan} or read from the schemas topic.
     * One that found the schema already there changes nothing.
     */
    void apply(final Registration registration) {
        if (!registration.isNew()) {
            return;
        }
        final int id = registration.id();
        reserveId(id);
        if (!schemasById.containsKey(id)) {
            schemasById.put(id, new StoredSchema(id, registration.text(), registration.schema()));
            idsByText.putIfAbsent(registration.text(), id);
        }
        final Subject known = subjects.computeIfAbsent(registration.subject(), s -> new Subject());
        known.versions.put(registration.version(), id);
        known.maxVersion = Math.max(known.maxVersion, registration.version());
    }

    CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    Optional<CompatibilityLevel> subjectLevel(final String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    CompatibilityLevel effectiveLevel(final String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    /** Records that an id is in use, so that it is never given to another schema, even when its schema is unusable. */
    void reserveId(final int id) {
        maxId = Math.max(maxId, id);
    }

    /** Forgets a version of a subject (deleted by another registry that shared the topic); its id stays readable. */
    void removeVersion(final String subject,
                       final int version) {
        final Subject known = subjects.get(subject);
        if (known != null) {
            known.versions.remove(version);
            known.maxVersion = Math.max(known.maxVersion, version);
        }
    }

    /** Sets the compatibility level of a subject, or the global one when the subject is null. */
    void setLevel(final String subject,
                  final CompatibilityLevel level) {
        if (subject == null) {
            globalLevel = level;
        } else {
            subjectLevels.put(subject, level);
        }
    }

    void clearLevel(final String subject) {
        subjectLevels.remove(subject);
    }

    /** Takes the next global id; an id once taken is never given again, even if its registration fails. */
    private int allocateId() {
        maxId++;
        return maxId;
    }

    private SubjectVersion subjectVersion(final String subject,
                                          final int version,
                                          final int id) {
        return new SubjectVersion(subject, version, schemasById.get(id));
    }

    /** A schema under its global id, with the canonical text the registry answers with. */
    record StoredSchema(int id, String text, Schema schema) {
    }

    /** A version of a subject and the schema it holds. */
    record SubjectVersion(String subject, int version, StoredSchema schema) {
    }

    /**
     * How a schema is registered under a subject: its version and id, and whether that version is new.
     *
     * @param text the schema's canonical text
     */
    record Registration(String subject, int version, int id, String text, Schema schema, boolean isNew) {
    }

    private static final class Subject {
        private final NavigableMap<Integer, Integer> versions = new TreeMap<>();
        private int maxVersion;
    }
}
