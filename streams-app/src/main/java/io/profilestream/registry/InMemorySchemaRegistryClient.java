package io.profilestream.registry;

import org.apache.avro.Schema;

/**
 * A registry held in memory, for topology tests and tools that run without a registry.
 * It assigns ids and enforces BACKWARD compatibility like the embedded registry does, with the same
 * {@link RegistryState}.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final RegistryState state = new RegistryState(CompatibilityLevel.BACKWARD);

    @Override
    public synchronized int register(final String subject, final Schema schema) {
        final RegistryState.Registration registration = state.plan(subject, schema);
        state.apply(registration);
        return registration.id();
    }

    @Override
    public synchronized Schema getSchemaById(final int id) {
        return state.requireSchema(id).schema();
    }

    @Override
    public synchronized RegisteredSchema getLatest(final String subject) {
        final RegistryState.SubjectVersion latest = state.requireVersion(subject, RegistryState.LATEST);
        return new RegisteredSchema(subject, latest.version(), latest.schema().id(), latest.schema().schema());
    }

    @Override
    public synchronized boolean testCompatibility(final String subject, final Schema schema) {
        return state.problems(subject, schema).isEmpty();
    }
}
