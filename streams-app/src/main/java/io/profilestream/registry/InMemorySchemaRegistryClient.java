package io.profilestream.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;

/**
 * A registry held in memory, for topology tests and tools that run without a registry.
 * It assigns ids and enforces BACKWARD compatibility like the embedded registry does.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final Map<Integer, Schema> byId = new HashMap<>();
    private final Map<Schema, Integer> idBySchema = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();

    @Override
    public synchronized int register(final String subject, final Schema schema) {
        final List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        final Integer known = idBySchema.get(schema);
        if (known != null && versions.contains(known)) {
            return known;
        }
        if (!isBackwardCompatible(versions, schema)) {
            throw new SchemaRegistryException(409, 409,
                "Schema being registered is incompatible with an earlier schema for subject \"" + subject + "\"");
        }
        final int id = known != null ? known : byId.size() + 1;
        byId.put(id, schema);
        idBySchema.put(schema, id);
        versions.add(id);
        return id;
    }

    @Override
    public synchronized Schema getSchemaById(final int id) {
        final Schema schema = byId.get(id);
        if (schema == null) {
            throw SchemaRegistryException.schemaNotFound(Integer.toString(id));
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema getLatest(final String subject) {
        final List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw SchemaRegistryException.subjectNotFound(subject);
        }
        final int id = versions.get(versions.size() - 1);
        return new RegisteredSchema(subject, versions.size(), id, byId.get(id));
    }

    @Override
    public synchronized boolean testCompatibility(final String subject, final Schema schema) {
        return isBackwardCompatible(versionsBySubject.getOrDefault(subject, List.of()), schema);
    }

    private boolean isBackwardCompatible(final List<Integer> versions,
                                         final Schema schema) {
        final List<Schema> previous = new ArrayList<>(versions.size());
        for (final int id : versions) {
            previous.add(byId.get(id));
        }
        return CompatibilityLevel.BACKWARD.check(schema, previous).isEmpty();
    }
}
