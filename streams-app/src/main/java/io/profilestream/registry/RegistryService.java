package io.profilestream.registry;

import java.util.List;

import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the embedded registry answers, without HTTP: lookups and changes of its {@link RegistryState}, one at a time.
 * A change is written to the schemas topic before the state takes it, so nothing answered is lost by a restart.
 * Unknown subjects, versions and schemas, and refused schemas, are {@link SchemaRegistryException}s with the status
 * and error code of Confluent's registry.
 */
final class RegistryService {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryService.class);

    private final RegistryState state;
    private final KafkaSchemaLog log;
    private final SchemaRecordCodec codec;
    private final Object lock = new Object();

    /**
     * Serves a state restored from the log.
     *
     * @param state the state, which this service locks from now on
     * @param log where changes are written
     * @param codec the record format of the log
     */
    RegistryService(final RegistryState state,
                    final KafkaSchemaLog log,
                    final SchemaRecordCodec codec) {
        this.state = state;
        this.log = log;
        this.codec = codec;
    }

    RegistryState.StoredSchema schema(final int id) {
        synchronized (lock) {
            return state.requireSchema(id);
        }
    }

    /** Returns every (subject, version) that holds a schema id, by subject then version. */
    List<RegistryState.SubjectVersion> usesOf(final int id) {
        synchronized (lock) {
            state.requireSchema(id);
            return state.usesOf(id);
        }
    }

    /** Returns the subjects that have at least one version, sorted. */
    List<String> subjects() {
        synchronized (lock) {
            return state.subjects();
        }
    }

    /** Returns the version numbers of a subject, ascending. */
    List<Integer> versions(final String subject) {
        synchronized (lock) {
            final List<Integer> versions = state.versions(subject);
            if (versions.isEmpty()) {
                throw SchemaRegistryException.subjectNotFound(subject);
            }
            return versions;
        }
    }

    /** Returns one version of a subject, or its latest with {@link RegistryState#LATEST}. */
    RegistryState.SubjectVersion version(final String subject,
                                         final int version) {
        synchronized (lock) {
            return state.requireVersion(subject, version);
        }
    }

    /**
     * Registers a schema under a subject, or finds it there.
     *
     * @return the schema's global id
     */
    int register(final String subject,
                 final Schema schema) {
        synchronized (lock) {
            final RegistryState.Registration registration = state.plan(subject, schema);
            if (registration.isNew()) {
                log.append(codec.schemaKey(registration), codec.schemaValue(registration));
                state.apply(registration);
                LOG.info("Registered schema id {} as version {} of subject {}.", registration.id(),
                    registration.version(), subject);
            }
            return registration.id();
        }
    }

    /** Finds the version of a subject that holds a schema, the earliest first. */
    RegistryState.SubjectVersion lookUp(final String subject,
                                        final Schema schema) {
        synchronized (lock) {
            if (!state.hasSubject(subject)) {
                throw SchemaRegistryException.subjectNotFound(subject);
            }
            return state.find(subject, schema.toString())
                .orElseThrow(() -> new SchemaRegistryException(404, 40403, "Schema not found"));
        }
    }

    /**
     * Checks a schema under the subject's compatibility level.
     *
     * @param version {@link RegistryState#LATEST} to check as a registration would, or one version to check against
     * @return why the schema is incompatible, one line per problem; empty when it is compatible
     */
    List<String> problems(final String subject,
                          final int version,
                          final Schema schema) {
        synchronized (lock) {
            if (version == RegistryState.LATEST) {
                return state.problems(subject, schema);
            }
            final RegistryState.SubjectVersion against = state.requireVersion(subject, version);
            return state.effectiveLevel(subject).check(schema, List.of(against.schema().schema()));
        }
    }

    /**
     * Returns a compatibility level.
     *
     * @param subject the subject, or null for the global level
     * @param defaultToGlobal whether a subject without a level of its own answers with the global level
     * @throws SchemaRegistryException (404, 40408) when the subject has no level of its own and may not default
     */
    CompatibilityLevel level(final String subject,
                             final boolean defaultToGlobal) {
        synchronized (lock) {
            if (subject == null) {
                return state.globalLevel();
            }
            if (defaultToGlobal) {
                return state.effectiveLevel(subject);
            }
            return state.subjectLevel(subject).orElseThrow(() -> new SchemaRegistryException(404, 40408,
                "Subject '" + subject + "' does not have subject-level compatibility configured"));
        }
    }

    /**
     * Sets a compatibility level.
     *
     * @param subject the subject, or null for the global level
     */
    void setLevel(final String subject,
                  final CompatibilityLevel level) {
        synchronized (lock) {
            log.append(codec.configKey(subject), codec.configValue(level));
            state.setLevel(subject, level);
        }
        LOG.info("Set the compatibility level of {} to {}.", subject == null ? "the registry" : "subject " + subject,
            level);
    }
}
