package io.profilestream.http;

import java.time.Clock;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.domain.CustomEventLog;
import io.profilestream.domain.TraitRules;
import io.profilestream.profile.TraitDefinition;
import io.profilestream.query.RecordPublisher;
import io.profilestream.query.SegmentQueries;
import io.profilestream.serde.RegistryAvroSerde;

/**
 * The computed trait catalogue over HTTP: list, create or update (checked first), delete.
 * Definitions are written to {@code trait-definitions}; every instance reads the whole catalogue from its global store,
 * recomputes the traits of its profiles and answers a list alone.
 * Mutations need the admin key, like segment definitions.
 */
public final class TraitRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(TraitRoutes.class);

    private final SegmentQueries queries;
    private final ApiKeyGuard guard;
    private final RecordPublisher publisher;
    private final RegistryAvroSerde<TraitDefinition> serde;
    private final String topic;
    private final CustomEventLog log;
    private final Clock clock;

    public TraitRoutes(final SegmentQueries queries,
                       final ApiKeyGuard guard,
                       final RecordPublisher publisher,
                       final RegistryAvroSerde<TraitDefinition> serde,
                       final String topic,
                       final CustomEventLog log,
                       final Clock clock) {
        this.queries = queries;
        this.guard = guard;
        this.publisher = publisher;
        this.serde = serde;
        this.topic = topic;
        this.log = log;
        this.clock = clock;
    }

    public void register(final Javalin app) {
        app.get("/api/v1/traits", this::list);
        app.get("/api/v1/traits/{id}", this::get);
        app.put("/api/v1/traits/{id}", this::put);
        app.delete("/api/v1/traits/{id}", this::delete);
    }

    private void list(final Context ctx) {
        final ObjectNode answer = JsonNodeFactory.instance.objectNode();
        final ArrayNode traits = answer.putArray("traits");
        queries.traits().forEach(definition -> traits.add(AvroJson.toJson(definition)));
        ctx.json(answer);
    }

    private void get(final Context ctx) {
        final String id = ctx.pathParam("id");
        ctx.json(AvroJson.toJson(queries.trait(id).orElseThrow(() -> notFound(id))));
    }

    private void put(final Context ctx) {
        guard.check(ctx);
        final String id = ctx.pathParam("id");
        final JsonNode body = Json.body(ctx);
        final Optional<TraitDefinition> existing = queries.trait(id);
        if (existing.isEmpty() && queries.traits().size() >= TraitRules.MAX_DEFINITIONS) {
            throw new HttpResponseException(400, "The trait catalogue holds at most " + TraitRules.MAX_DEFINITIONS
                + " definitions.");
        }
        final JsonNode window = body.path("windowDays");
        if (!window.isMissingNode() && !window.isNull() && !window.canConvertToInt()) {
            throw new HttpResponseException(400, "windowDays must be a whole number of days.");
        }
        final TraitDefinition definition;
        try {
            definition = TraitRules.build(id, text(body, "event"), text(body, "aggregation"),
                text(body, "property"), window.isMissingNode() || window.isNull() ? null : window.asInt(),
                existing.map(TraitDefinition::getVersion).orElse(0L) + 1, clock.instant(), log);
        } catch (final IllegalArgumentException e) {
            throw new HttpResponseException(400, e.getMessage());
        }
        publisher.publish(topic, id, serde.serialize(topic, definition));
        LOG.info("Published version {} of trait definition {}.", definition.getVersion(), id);
        ctx.json(AvroJson.toJson(definition));
    }

    private void delete(final Context ctx) {
        guard.check(ctx);
        final String id = ctx.pathParam("id");
        if (queries.trait(id).isEmpty()) {
            throw notFound(id);
        }
        publisher.publish(topic, id, null);
        LOG.info("Deleted trait definition {}.", id);
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private static String text(final JsonNode body, final String field) {
        final JsonNode node = body.path(field);
        return node.isTextual() ? node.asText() : null;
    }

    private static HttpResponseException notFound(final String id) {
        return new HttpResponseException(404, "No trait definition with id " + id + ".");
    }
}
