package io.profilestream.registry;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.javalin.Javalin;
import io.javalin.http.Context;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of the Confluent Schema Registry REST API (v1) that the embedded registry serves.
 * Each reads its path, query and body, asks the {@link RegistryService}, and writes the answer in Confluent's JSON.
 * Errors are answered as Confluent's registry answers them: {@code {"error_code": ..., "message": ...}}.
 */
final class RegistryRoutes {

    /** The media type of every answer. */
    static final String CONTENT_TYPE = RestSchemaRegistryClient.CONTENT_TYPE;

    private static final Logger LOG = LoggerFactory.getLogger(RegistryRoutes.class);
    private static final String ERROR_SENT = "profilestream.registry.error";
    private static final String INVALID_LEVEL = "Invalid compatibility level. Valid values are none, backward, "
        + "forward, full, backward_transitive, forward_transitive, and full_transitive";

    private final RegistryService service;
    private final ObjectMapper mapper = new ObjectMapper();

    RegistryRoutes(final RegistryService service) {
        this.service = service;
    }

    /** Adds the routes and the error handlers to a server that is not started yet. */
    void addTo(final Javalin server) {
        server.get("/", ctx -> json(ctx, mapper.createObjectNode()));
        server.get("/schemas/types", ctx -> json(ctx, mapper.createArrayNode().add("AVRO")));
        server.get("/schemas/ids/{id}", this::getSchemaById);
        server.get("/schemas/ids/{id}/versions", this::getVersionsById);
        server.get("/schemas/ids/{id}/subjects", this::getSubjectsById);
        server.get("/subjects", this::getSubjects);
        server.get("/subjects/{subject}/versions", this::getVersions);
        server.get("/subjects/{subject}/versions/{version}", this::getVersion);
        server.get("/subjects/{subject}/versions/{version}/schema", this::getVersionSchema);
        server.post("/subjects/{subject}/versions", this::register);
        server.post("/subjects/{subject}", this::lookUp);
        server.post("/compatibility/subjects/{subject}/versions/{version}", this::testCompatibility);
        server.get("/config", ctx -> getConfig(ctx, null));
        server.put("/config", ctx -> putConfig(ctx, null));
        server.get("/config/{subject}", ctx -> getConfig(ctx, ctx.pathParam("subject")));
        server.put("/config/{subject}", ctx -> putConfig(ctx, ctx.pathParam("subject")));
        server.exception(SchemaRegistryException.class, (e, ctx) -> error(ctx, e.status(), e.errorCode(),
            e.getMessage()));
        server.exception(Exception.class, (e, ctx) -> {
            LOG.error("The schema registry failed to answer {} {}.", ctx.method(), ctx.path(), e);
            error(ctx, 500, 500, "Internal server error: " + e);
        });
        server.error(404, ctx -> {
            if (ctx.attribute(ERROR_SENT) == null) {
                error(ctx, 404, 404, "HTTP 404 Not Found");
            }
        });
    }

    private void getSchemaById(final Context ctx) {
        json(ctx, mapper.createObjectNode().put("schema", service.schema(idParam(ctx)).text()));
    }

    private void getVersionsById(final Context ctx) {
        final ArrayNode answer = mapper.createArrayNode();
        for (final RegistryState.SubjectVersion use : service.usesOf(idParam(ctx))) {
            answer.addObject().put("subject", use.subject()).put("version", use.version());
        }
        json(ctx, answer);
    }

    private void getSubjectsById(final Context ctx) {
        final ArrayNode answer = mapper.createArrayNode();
        service.usesOf(idParam(ctx)).stream().map(RegistryState.SubjectVersion::subject).distinct()
            .forEach(answer::add);
        json(ctx, answer);
    }

    private void getSubjects(final Context ctx) {
        final ArrayNode answer = mapper.createArrayNode();
        service.subjects().forEach(answer::add);
        json(ctx, answer);
    }

    private void getVersions(final Context ctx) {
        final ArrayNode answer = mapper.createArrayNode();
        service.versions(ctx.pathParam("subject")).forEach(answer::add);
        json(ctx, answer);
    }

    private void getVersion(final Context ctx) {
        json(ctx, describe(service.version(ctx.pathParam("subject"), versionParam(ctx))));
    }

    private void getVersionSchema(final Context ctx) {
        ctx.contentType(CONTENT_TYPE).result(service.version(ctx.pathParam("subject"), versionParam(ctx))
            .schema().text());
    }

    private void register(final Context ctx) {
        final int id = service.register(ctx.pathParam("subject"), schemaFromBody(ctx));
        json(ctx, mapper.createObjectNode().put("id", id));
    }

    private void lookUp(final Context ctx) {
        json(ctx, describe(service.lookUp(ctx.pathParam("subject"), schemaFromBody(ctx))));
    }

    private void testCompatibility(final Context ctx) {
        final int version = versionParam(ctx);
        final List<String> problems = service.problems(ctx.pathParam("subject"), version,
            schemaFromBody(ctx));
        final ObjectNode answer = mapper.createObjectNode().put("is_compatible", problems.isEmpty());
        if ("true".equals(ctx.queryParam("verbose"))) {
            final ArrayNode messages = answer.putArray("messages");
            problems.forEach(messages::add);
        }
        json(ctx, answer);
    }

    private void getConfig(final Context ctx,
                           final String subject) {
        final CompatibilityLevel level = service.level(subject, "true".equals(ctx.queryParam("defaultToGlobal")));
        json(ctx, mapper.createObjectNode().put("compatibilityLevel", level.name()));
    }

    private void putConfig(final Context ctx,
                           final String subject) {
        final JsonNode body = body(ctx);
        final CompatibilityLevel level = CompatibilityLevel.forName(body.path("compatibility").asText(null))
            .orElseThrow(() -> new SchemaRegistryException(422, 42203, INVALID_LEVEL));
        service.setLevel(subject, level);
        json(ctx, mapper.createObjectNode().put("compatibility", level.name()));
    }

    private ObjectNode describe(final RegistryState.SubjectVersion version) {
        return mapper.createObjectNode()
            .put("subject", version.subject())
            .put("version", version.version())
            .put("id", version.schema().id())
            .put("schema", version.schema().text());
    }

    private Schema schemaFromBody(final Context ctx) {
        final JsonNode body = body(ctx);
        final JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
            throw new SchemaRegistryException(422, 42201, "Invalid schema: schema type " + type.asText()
                + " is not supported; this registry holds AVRO schemas only");
        }
        final JsonNode references = body.get("references");
        if (references != null && references.size() > 0) {
            throw new SchemaRegistryException(422, 42201, "Invalid schema: schema references are not supported");
        }
        final JsonNode text = body.get("schema");
        if (text == null || !text.isTextual() || text.textValue().isBlank()) {
            throw new SchemaRegistryException(422, 42201, "Invalid schema: the request has no schema");
        }
        try {
            return new Schema.Parser().parse(text.textValue());
        } catch (final SchemaParseException e) {
            throw new SchemaRegistryException(422, 42201, "Invalid schema: " + e.getMessage());
        }
    }

    private JsonNode body(final Context ctx) {
        try {
            final JsonNode body = mapper.readTree(ctx.body());
            if (body == null || !body.isObject()) {
                throw new SchemaRegistryException(400, 400, "The request body must be a JSON object");
            }
            return body;
        } catch (final JsonProcessingException e) {
            throw new SchemaRegistryException(400, 400, "The request body is not valid JSON: "
                + e.getOriginalMessage());
        }
    }

    private static int idParam(final Context ctx) {
        final String id = ctx.pathParam("id");
        try {
            return Integer.parseInt(id);
        } catch (final NumberFormatException e) {
            throw SchemaRegistryException.schemaNotFound(id);
        }
    }

    private static int versionParam(final Context ctx) {
        final String version = ctx.pathParam("version");
        if ("latest".equals(version)) {
            return RegistryState.LATEST;
        }
        try {
            final int number = Integer.parseInt(version);
            if (number == RegistryState.LATEST || number >= 1) {
                return number;
            }
        } catch (final NumberFormatException e) {
            // Not a number: answered below like a number out of range.
        }
        throw new SchemaRegistryException(422, 42202, "The specified version '" + version + "' is not a valid "
            + "version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    private static void json(final Context ctx,
                             final JsonNode answer) {
        ctx.contentType(CONTENT_TYPE).result(answer.toString());
    }

    private void error(final Context ctx,
                       final int status,
                       final int errorCode,
                       final String message) {
        ctx.attribute(ERROR_SENT, Boolean.TRUE);
        ctx.status(status).contentType(CONTENT_TYPE).result(mapper.createObjectNode()
            .put("error_code", errorCode).put("message", message).toString());
    }
}
