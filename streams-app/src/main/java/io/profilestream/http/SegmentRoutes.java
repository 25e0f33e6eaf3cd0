package io.profilestream.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.profilestream.query.RecordPublisher;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.DefinitionKind;
import io.profilestream.profile.SegmentDefinition;
import io.profilestream.query.QueryUnavailableException;
import io.profilestream.segments.CatalogueYaml;
import io.profilestream.segments.CompiledExpression;
import io.profilestream.segments.InvalidExpressionException;
import io.profilestream.segments.SegmentCompiler;
import io.profilestream.segments.SegmentEvaluationException;
import io.profilestream.serde.RegistryAvroSerde;
import io.profilestream.topology.Stores;

/**
 * The segment catalogue over HTTP: list, create or update (validated and compiled first), delete, preview a draft
 * and page through members.
 * Definitions are written to {@code segment-definitions}; the engine picks them up and backfills.
 * Sizes, backfill progress, previews and member lists cover the profiles this instance holds.
 */
public final class SegmentRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentRoutes.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    private static final int SAMPLE_SIZE = 10;
    private static final int MAX_PAGE = 1_000;
    private static final int DEFAULT_PAGE = 100;
    private static final char SEPARATOR = '\u0000';

    private final KafkaStreams streams;
    private final ApiKeyGuard guard;
    private final RecordPublisher publisher;
    private final RegistryAvroSerde<SegmentDefinition> serde;
    private final String topic;
    private final SegmentCompiler compiler;
    private final EngineMetrics metrics;
    private final Clock clock;

    public SegmentRoutes(final KafkaStreams streams,
                         final ApiKeyGuard guard,
                         final RecordPublisher publisher,
                         final RegistryAvroSerde<SegmentDefinition> serde,
                         final String topic,
                         final SegmentCompiler compiler,
                         final EngineMetrics metrics,
                         final Clock clock) {
        this.streams = streams;
        this.guard = guard;
        this.publisher = publisher;
        this.serde = serde;
        this.topic = topic;
        this.compiler = compiler;
        this.metrics = metrics;
        this.clock = clock;
    }

    public void register(final Javalin app) {
        app.get("/api/v1/segments", this::list);
        app.post("/api/v1/segments/preview", this::preview);
        app.put("/api/v1/segments/{id}", this::put);
        app.delete("/api/v1/segments/{id}", this::delete);
        app.get("/api/v1/segments/{id}/members", this::members);
    }

    private void list(final Context ctx) {
        final Map<String, long[]> progress = new TreeMap<>();
        final Map<String, Boolean> running = new TreeMap<>();
        try (KeyValueIterator<String, String> all = store(Stores.SEGMENT_BACKFILL, String.class).all()) {
            all.forEachRemaining(entry -> {
                final String[] parts = entry.value.split(";", 5);
                final long[] sums = progress.computeIfAbsent(entry.key, k -> new long[2]);
                sums[0] += Long.parseLong(parts[2]);
                sums[1] += Long.parseLong(parts[3]);
                running.merge(entry.key, "RUNNING".equals(parts[0]), Boolean::logicalOr);
            });
        }
        final List<JsonNode> segments = new ArrayList<>();
        try (KeyValueIterator<String, SegmentDefinition> all = definitions().all()) {
            all.forEachRemaining(entry -> {
                final ObjectNode node = describe(entry.value);
                final long[] sums = progress.getOrDefault(entry.key, new long[2]);
                final ObjectNode backfill = node.putObject("backfill");
                backfill.put("state", running.getOrDefault(entry.key, false) ? "RUNNING" : "DONE");
                backfill.put("processed", sums[0]);
                backfill.put("total", sums[1]);
                segments.add(node);
            });
        }
        ctx.json(Map.of("segments", segments));
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
        final SegmentDefinition existing = definitions().get(id);
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

    private void delete(final Context ctx) {
        guard.check(ctx);
        final String id = ctx.pathParam("id");
        if (definitions().get(id) == null) {
            throw new HttpResponseException(404, "No segment definition with id " + id + ".");
        }
        publisher.publish(topic, id, null);
        LOG.info("Deleted segment definition {}.", id);
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private void preview(final Context ctx) {
        final String expression = Json.body(ctx).path("expression").asText("");
        final CompiledExpression compiled;
        try {
            compiled = compiler.compile(expression);
        } catch (final InvalidExpressionException e) {
            invalid(ctx, e);
            return;
        }
        final Instant now = clock.instant();
        long size = 0;
        final List<String> sample = new ArrayList<>();
        try (KeyValueIterator<String, CustomerProfile> all = store(Stores.PROFILES, CustomerProfile.class).all()) {
            while (all.hasNext()) {
                final CustomerProfile profile = all.next().value;
                try {
                    if (compiled.matches(compiler.context(profile.getProfileId(), profile, now))) {
                        size++;
                        if (sample.size() < SAMPLE_SIZE) {
                            sample.add(profile.getProfileId());
                        }
                    }
                } catch (final SegmentEvaluationException e) {
                    metrics.segmentRuleFailed(null, 0, profile.getProfileId(), e);
                }
            }
        }
        ctx.json(Map.of("size", size, "sample", sample));
    }

    private void members(final Context ctx) {
        final String id = ctx.pathParam("id");
        final int limit = Math.min(MAX_PAGE, Math.max(1, ctx.queryParamAsClass("limit", Integer.class)
            .getOrDefault(DEFAULT_PAGE)));
        final String cursor = ctx.queryParam("cursor");
        final String prefix = id + SEPARATOR;
        // The store spans this instance's partitions, each sorted on its own: keep the smallest ids after the cursor.
        final TreeSet<String> page = new TreeSet<>();
        final String from = cursor == null || cursor.isEmpty() ? prefix : prefix + cursor + SEPARATOR;
        try (KeyValueIterator<String, byte[]> range = store(Stores.SEGMENT_MEMBERS, byte[].class)
            .range(from, prefix + Character.MAX_VALUE)) {
            while (range.hasNext()) {
                final String member = range.next().key.substring(prefix.length());
                page.add(member);
                if (page.size() > limit + 1) {
                    page.pollLast();
                }
            }
        }
        final List<String> members = new ArrayList<>(page);
        final String next = members.size() > limit ? members.get(limit - 1) : null;
        final ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.putPOJO("members", members.size() > limit ? members.subList(0, limit) : members);
        answer.put("nextCursor", next);
        ctx.json(answer);
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

    private ReadOnlyKeyValueStore<String, SegmentDefinition> definitions() {
        return store(Stores.SEGMENT_DEFINITIONS, SegmentDefinition.class);
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(final String name, final Class<V> type) {
        try {
            return streams.store(
                StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
        } catch (final InvalidStateStoreException e) {
            throw new QueryUnavailableException("State is not queryable yet; retry shortly.", RETRY_AFTER);
        }
    }
}
