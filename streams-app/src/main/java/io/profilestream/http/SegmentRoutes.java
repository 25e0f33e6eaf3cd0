package io.profilestream.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

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

import io.profilestream.domain.Holdout;
import io.profilestream.domain.PersonaCards;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.DefinitionKind;
import io.profilestream.profile.PersonaCard;
import io.profilestream.profile.SegmentDefinition;
import io.profilestream.profile.SegmentSnapshot;
import io.profilestream.query.BackfillProgress;
import io.profilestream.query.InstanceInfo;
import io.profilestream.query.MemberPage;
import io.profilestream.query.RecordPublisher;
import io.profilestream.query.SegmentPreview;
import io.profilestream.query.SegmentQueries;
import io.profilestream.query.SummaryPart;
import io.profilestream.segments.CatalogueYaml;
import io.profilestream.segments.CompiledExpression;
import io.profilestream.segments.InvalidExpressionException;
import io.profilestream.segments.SegmentCompiler;
import io.profilestream.segments.SegmentEvaluationException;
import io.profilestream.serde.RegistryAvroSerde;

/**
 * The segment catalogue over HTTP: list, create or update (validated and compiled first), delete, validate or
 * preview a draft and page through members.
 * Definitions are written to {@code segment-definitions}; the engine picks them up and backfills.
 * Sizes, backfill progress, previews and member lists cover the whole cluster: the instance asked answers for its own
 * profiles and asks every other instance at once ({@link ClusterFanOut}), then merges ({@link SegmentAnswers}).
 * A request forwarded by another instance ({@value ApiServer#FORWARDED_BY_HEADER}) is answered for this instance's
 * profiles only, in the same shape.
 */
public final class SegmentRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentRoutes.class);
    private static final int SAMPLE_SIZE = 10;
    private static final int MAX_PAGE = 1_000;
    private static final int DEFAULT_PAGE = 100;
    private static final String LIST_ROUTE = "/api/v1/segments";
    private static final String GROUP_ALL = "all";
    private static final String GROUP_TREATED = "treated";
    private static final String GROUP_HOLDOUT = "holdout";
    private static final String PREVIEW_ROUTE = "/api/v1/segments/preview";
    private static final String VALIDATE_ROUTE = "/api/v1/segments/validate";
    private static final String SEGMENTS_PREFIX = "/api/v1/segments/";

    private final SegmentQueries queries;
    private final ApiKeyGuard guard;
    private final RecordPublisher publisher;
    private final RegistryAvroSerde<SegmentDefinition> serde;
    private final String topic;
    private final SegmentCompiler compiler;
    private final EngineMetrics metrics;
    private final Clock clock;
    private ClusterFanOut cluster;

    public SegmentRoutes(final SegmentQueries queries,
                         final ApiKeyGuard guard,
                         final RecordPublisher publisher,
                         final RegistryAvroSerde<SegmentDefinition> serde,
                         final String topic,
                         final SegmentCompiler compiler,
                         final EngineMetrics metrics,
                         final Clock clock) {
        this.queries = queries;
        this.guard = guard;
        this.publisher = publisher;
        this.serde = serde;
        this.topic = topic;
        this.compiler = compiler;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Makes reads cover every instance of the application, asked through the given client; without it they cover
     * this instance alone, as for a single instance.
     *
     * @param client sends requests to the other instances
     * @param instances every instance of the application, this one included
     */
    public SegmentRoutes acrossCluster(final ForwardingClient client,
                                       final Supplier<List<InstanceInfo>> instances) {
        this.cluster = new ClusterFanOut(client, instances);
        return this;
    }

    public void register(final Javalin app) {
        app.get(LIST_ROUTE, this::list);
        // A preview publishes nothing: the read key may ask for one.
        app.post(PREVIEW_ROUTE, this::preview, ApiKeyGuard.Access.READ);
        // Validating compiles a rule and publishes nothing: the read key may ask, as the console does while one types.
        app.post(VALIDATE_ROUTE, this::validate, ApiKeyGuard.Access.READ);
        app.put("/api/v1/segments/{id}", this::put);
        app.delete("/api/v1/segments/{id}", this::delete);
        app.get("/api/v1/segments/{id}/members", this::members);
        app.get("/api/v1/segments/{id}/summary", this::summary);
    }

    private void list(final Context ctx) {
        final Map<String, BackfillProgress> backfills = queries.backfills();
        final ObjectNode local = JsonNodeFactory.instance.objectNode();
        final ArrayNode segments = local.putArray("segments");
        for (final SegmentDefinition definition : queries.definitions()) {
            final ObjectNode node = describe(definition);
            final BackfillProgress progress = backfills.getOrDefault(definition.getId(), BackfillProgress.NONE);
            final ObjectNode backfill = node.putObject("backfill");
            backfill.put("state", progress.running() ? "RUNNING" : "DONE");
            backfill.put("processed", progress.processed());
            backfill.put("total", progress.total());
            segments.add(node);
        }
        answer(ctx, local, others -> SegmentAnswers.list(local, others), "GET", LIST_ROUTE, null);
    }

    private void put(final Context ctx) {
        guard.check(ctx);
        final String id = ctx.pathParam("id");
        if (!CatalogueYaml.isValidId(id)) {
            throw new HttpResponseException(400, "Segment ids are lower-case letters, digits and dashes.");
        }
        final JsonNode body = Json.body(ctx);
        final String name = body.path("name").asText("");
        final String expression = body.path("expression").asText("");
        if (name.isBlank() || expression.isBlank()) {
            throw new HttpResponseException(400, "name and expression are required.");
        }
        final DefinitionKind kind;
        try {
            kind = DefinitionKind.valueOf(body.path("kind").asText("SEGMENT"));
        } catch (final IllegalArgumentException e) {
            throw new HttpResponseException(400, "kind must be SEGMENT or PERSONA.");
        }
        final SegmentDefinition existing = queries.definition(id).orElse(null);
        final SegmentDefinition definition = SegmentDefinition.newBuilder()
            .setId(id)
            .setName(name)
            .setDescription(body.path("description").asText(""))
            .setKind(kind)
            .setExpression(expression)
            .setPriority(body.path("priority").asInt(existing == null ? 0 : existing.getPriority()))
            .setEnabled(body.path("enabled").asBoolean(true))
            .setVersion(existing == null ? 1 : existing.getVersion() + 1)
            .setUpdatedAt(clock.instant())
            .setHoldoutPercent(holdoutPercent(body, existing))
            .setCard(card(body, existing))
            .build();
        try {
            compiler.compile(definition);
        } catch (final InvalidExpressionException e) {
            invalid(ctx, e);
            return;
        }
        publisher.publish(topic, id, serde.serialize(topic, definition));
        LOG.info("Published version {} of segment definition {}.", definition.getVersion(), id);
        ctx.json(describe(definition));
    }

    /** The body's {@code holdoutPercent}, or the existing definition's when the body has none. */
    private static double holdoutPercent(final JsonNode body, final SegmentDefinition existing) {
        final JsonNode node = body.path("holdoutPercent");
        if (node.isMissingNode() || node.isNull()) {
            return existing == null ? 0.0 : existing.getHoldoutPercent();
        }
        try {
            return Holdout.check(node.isNumber() ? node.asDouble() : Double.NaN);
        } catch (final IllegalArgumentException e) {
            throw new HttpResponseException(400, e.getMessage());
        }
    }

    /** The body's {@code card}, or the existing definition's when the body has none; {@code null} removes it. */
    private static PersonaCard card(final JsonNode body, final SegmentDefinition existing) {
        final JsonNode node = body.path("card");
        if (node.isMissingNode()) {
            return existing == null ? null : existing.getCard();
        }
        if (node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new HttpResponseException(400, "card must be an object.");
        }
        try {
            return PersonaCards.of(texts(node, "goals"), texts(node, "frustrations"), texts(node, "preferredChannels"),
                node.path("quote").isTextual() ? node.path("quote").asText() : null,
                node.path("imageUrl").isTextual() ? node.path("imageUrl").asText() : null);
        } catch (final IllegalArgumentException e) {
            throw new HttpResponseException(400, e.getMessage());
        }
    }

    private static List<String> texts(final JsonNode card, final String field) {
        final List<String> texts = new ArrayList<>();
        final JsonNode node = card.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return texts;
        }
        if (!node.isArray()) {
            throw new HttpResponseException(400, "card." + field + " must be a list of texts.");
        }
        node.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    private void delete(final Context ctx) {
        guard.check(ctx);
        final String id = ctx.pathParam("id");
        if (queries.definition(id).isEmpty()) {
            throw new HttpResponseException(404, "No segment definition with id " + id + ".");
        }
        publisher.publish(topic, id, null);
        LOG.info("Deleted segment definition {}.", id);
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private void preview(final Context ctx) {
        // The body is read once, within the size limit; the other instances are sent what was read.
        final JsonNode body = Json.body(ctx);
        final String expression = body.path("expression").asText("");
        final CompiledExpression compiled;
        try {
            compiled = compiler.compile(expression);
        } catch (final InvalidExpressionException e) {
            invalid(ctx, e);
            return;
        }
        final Instant now = clock.instant();
        final SegmentPreview preview = queries.preview(profile -> matches(compiled, profile, now), SAMPLE_SIZE);
        final ObjectNode local = JsonNodeFactory.instance.objectNode();
        local.put("size", preview.size());
        preview.sample().forEach(local.putArray("sample")::add);
        answer(ctx, local, others -> SegmentAnswers.preview(SAMPLE_SIZE, local, others),
            "POST", PREVIEW_ROUTE, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void validate(final Context ctx) {
        final String expression = Json.body(ctx).path("expression").asText("");
        try {
            compiler.compile(expression);
        } catch (final InvalidExpressionException e) {
            invalid(ctx, e);
            return;
        }
        ctx.json(Map.of("valid", true));
    }

    private boolean matches(final CompiledExpression compiled, final CustomerProfile profile, final Instant now) {
        try {
            return compiled.matches(compiler.context(profile.getProfileId(), profile, now));
        } catch (final SegmentEvaluationException e) {
            metrics.segmentRuleFailed(null, 0, profile.getProfileId(), e);
            return false;
        }
    }

    private void members(final Context ctx) {
        final String id = ctx.pathParam("id");
        final int limit = Math.min(MAX_PAGE, Math.max(1, ctx.queryParamAsClass("limit", Integer.class)
            .getOrDefault(DEFAULT_PAGE)));
        final String cursor = ctx.queryParam("cursor");
        final String group = ctx.queryParamAsClass("group", String.class).getOrDefault(GROUP_ALL);
        if (!GROUP_ALL.equals(group) && !GROUP_TREATED.equals(group) && !GROUP_HOLDOUT.equals(group)) {
            throw new HttpResponseException(400, "group must be all, treated or holdout.");
        }
        final double percent = queries.definition(id).map(SegmentDefinition::getHoldoutPercent).orElse(0.0);
        final MemberPage page = GROUP_ALL.equals(group)
            ? queries.members(id, cursor, limit)
            : queries.members(id, cursor, limit,
                member -> Holdout.isHeldOut(id, member, percent) == GROUP_HOLDOUT.equals(group));
        final ObjectNode local = JsonNodeFactory.instance.objectNode();
        page.members().forEach(local.putArray("members")::add);
        local.put("nextCursor", page.nextCursor());
        final String query = "?limit=" + limit + "&group=" + group + (cursor == null ? "" : "&cursor=" + encode(cursor));
        answer(ctx, local, others -> SegmentAnswers.members(limit, local, others),
            "GET", SEGMENTS_PREFIX + encode(id) + "/members" + query, null);
    }

    /**
     * {@code GET /segments/{id}/summary}: size, CLV, churn risk, lifecycle mix, top categories, countries, the holdout
     * comparison and the trend of daily snapshots, over the whole cluster.
     * Each instance sends its part ({@link SummaryPart}); the instance asked merges them.
     */
    private void summary(final Context ctx) {
        final String id = ctx.pathParam("id");
        final SegmentDefinition definition = queries.definition(id)
            .orElseThrow(() -> new HttpResponseException(404, "No segment definition with id " + id + "."));
        final SummaryPart local = queries.summary(id, definition.getHoldoutPercent(), clock.instant());
        if (cluster == null || ctx.header(ApiServer.FORWARDED_BY_HEADER) != null) {
            if (cluster == null) {
                ctx.json(describeSummary(definition, local));
            } else {
                ctx.json(local.toJson());
            }
            return;
        }
        final List<JsonNode> others = cluster.gather("GET", SEGMENTS_PREFIX + encode(id) + "/summary", null);
        ctx.header(ClusterFanOut.INSTANCES_HEADER, Integer.toString(others.size() + 1));
        for (final JsonNode other : others) {
            local.merge(SummaryPart.fromJson(other));
        }
        ctx.json(describeSummary(definition, local));
    }

    /** The cluster-wide summary of a definition, its card and its trend. */
    public ObjectNode summary(final SegmentDefinition definition) {
        final SummaryPart part = queries.summary(definition.getId(), definition.getHoldoutPercent(), clock.instant());
        if (cluster != null) {
            cluster.gather("GET", SEGMENTS_PREFIX + encode(definition.getId()) + "/summary", null)
                .forEach(other -> part.merge(SummaryPart.fromJson(other)));
        }
        return describeSummary(definition, part);
    }

    private ObjectNode describeSummary(final SegmentDefinition definition, final SummaryPart part) {
        final ObjectNode answer = part.answer(definition.getHoldoutPercent());
        final ObjectNode summary = JsonNodeFactory.instance.objectNode();
        summary.put("id", definition.getId());
        summary.put("name", definition.getName());
        summary.put("kind", definition.getKind().name());
        summary.set("card", definition.getCard() == null ? null : AvroJson.toJson(definition.getCard()));
        summary.setAll(answer);
        final ArrayNode trend = summary.putArray("trend");
        for (final SegmentSnapshot snapshot : queries.snapshots(definition.getId())) {
            trend.addObject().put("at", snapshot.getAt().toString()).put("size", snapshot.getSize())
                .put("clvMean", snapshot.getClvMean());
        }
        trend.addObject().put("at", clock.instant().toString()).put("size", part.size()).put("clvMean",
            part.clvMean());
        return summary;
    }

    /**
     * Answers this instance's part to another instance, or the whole cluster's to a client.
     */
    private void answer(final Context ctx,
                        final ObjectNode local,
                        final Function<List<JsonNode>, ObjectNode> merge,
                        final String method,
                        final String pathAndQuery,
                        final byte[] body) {
        if (cluster == null || ctx.header(ApiServer.FORWARDED_BY_HEADER) != null) {
            ctx.json(local);
            return;
        }
        final List<JsonNode> others = cluster.gather(method, pathAndQuery, body);
        ctx.header(ClusterFanOut.INSTANCES_HEADER, Integer.toString(others.size() + 1));
        ctx.json(merge.apply(others));
    }

    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private ObjectNode describe(final SegmentDefinition definition) {
        final ObjectNode node = AvroJson.toJson(definition);
        node.put("size", metrics.segmentSize(definition.getId()));
        return node;
    }

    private static void invalid(final Context ctx, final InvalidExpressionException e) {
        final ObjectNode error = JsonNodeFactory.instance.objectNode();
        error.put("error", e.error());
        e.position().ifPresentOrElse(position -> {
            final ObjectNode at = error.putObject("position");
            at.put("offset", position.offset());
            at.put("line", position.line());
            at.put("column", position.column());
        }, () -> error.putNull("position"));
        ctx.status(HttpStatus.BAD_REQUEST).json(error);
    }
}
