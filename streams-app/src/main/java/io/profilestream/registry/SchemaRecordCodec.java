package io.profilestream.registry;

import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record format of the schemas topic, the one Confluent's registry uses: JSON keys and values.
 * It writes the records of schema registrations and compatibility levels, and it restores a {@link RegistryState}
 * from the records that this registry or Confluent's wrote.
 */
final class SchemaRecordCodec {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRecordCodec.class);

    private final String topic;
    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * Creates the codec of one schemas topic.
     *
     * @param topic the schemas topic, named when a record is skipped
     */
    SchemaRecordCodec(final String topic) {
        this.topic = topic;
    }

    /** Returns the key of the record of a version of a subject. */
    String schemaKey(final RegistryState.Registration registration) {
        return mapper.createObjectNode().put("keytype", "SCHEMA").put("subject", registration.subject())
            .put("version", registration.version()).put("magic", 1).toString();
    }

    /** Returns the value of the record of a version of a subject. */
    String schemaValue(final RegistryState.Registration registration) {
        return mapper.createObjectNode().put("subject", registration.subject())
            .put("version", registration.version()).put("id", registration.id())
            .put("schema", registration.text()).put("deleted", false).toString();
    }

    /** Returns the key of the record of a compatibility level: a subject's, or the global one when it is null. */
    String configKey(final String subject) {
        final ObjectNode key = mapper.createObjectNode().put("keytype", "CONFIG");
        if (subject == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subject);
        }
        return key.put("magic", 0).toString();
    }

    /** Returns the value of the record of a compatibility level. */
    String configValue(final CompatibilityLevel level) {
        return mapper.createObjectNode().put("compatibilityLevel", level.name()).toString();
    }

    /**
     * Applies one record of the schemas topic to the state.
     * Records it cannot use are logged and skipped, except that their ids stay reserved.
     *
     * @param keyText the record's key
     * @param valueText the record's value, or null for a tombstone
     */
    void restore(final RegistryState state,
                 final String keyText,
                 final String valueText) {
        final JsonNode key;
        final JsonNode value;
        try {
            key = mapper.readTree(keyText == null ? "null" : keyText);
            value = valueText == null ? null : mapper.readTree(valueText);
        } catch (final JsonProcessingException e) {
            LOG.warn("Skipped a record of the schemas topic {} that is not JSON.", topic);
            return;
        }
        final String keyType = key == null ? "" : key.path("keytype").asText("");
        final String subject = key == null || key.path("subject").isNull() ? null : key.path("subject").asText();
        if ("CONFIG".equals(keyType)) {
            restoreConfig(state, subject, value);
        } else if ("SCHEMA".equals(keyType) && subject != null) {
            restoreSchema(state, subject, key.path("version").asInt(0), value);
        } else {
            LOG.debug("Skipped a record of type {} of the schemas topic {}.", keyType, topic);
        }
    }

    private void restoreConfig(final RegistryState state,
                               final String subject,
                               final JsonNode value) {
        if (value == null || value.isNull()) {
            if (subject != null) {
                state.clearLevel(subject);
            }
            return;
        }
        final String name = value.path("compatibilityLevel").asText(null);
        final Optional<CompatibilityLevel> level = CompatibilityLevel.forName(name);
        if (level.isPresent()) {
            state.setLevel(subject, level.get());
        } else if (name != null) {
            LOG.warn("Skipped the unknown compatibility level {} in the schemas topic {}.", name, topic);
        }
    }

    private void restoreSchema(final RegistryState state,
                               final String subject,
                               final int version,
                               final JsonNode value) {
        if (value == null || value.isNull()) {
            state.removeVersion(subject, version);
            return;
        }
        final int id = value.path("id").asInt(0);
        if (id <= 0 || version <= 0) {
            LOG.warn("Skipped a schema record of subject {} without a valid id or version in topic {}.",
                subject, topic);
            return;
        }
        state.reserveId(id);
        if (value.path("deleted").asBoolean(false)) {
            state.removeVersion(subject, version);
            return;
        }
        final String type = value.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            LOG.warn("Skipped schema id {} of subject {} in topic {}: its type {} is not supported.",
                id, subject, topic, type);
            return;
        }
        try {
            final Schema schema = new Schema.Parser().parse(value.path("schema").asText());
            state.apply(new RegistryState.Registration(subject, version, id, schema.toString(), schema, true));
        } catch (final SchemaParseException e) {
            LOG.warn("Skipped schema id {} of subject {} in topic {}: it does not parse ({}).",
                id, subject, topic, e.getMessage());
        }
    }
}
