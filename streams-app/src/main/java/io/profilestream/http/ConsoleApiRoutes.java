package io.profilestream.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import io.profilestream.query.InstanceInfo;

/**
 * The reads the console needs beyond the segment and profile routes, under {@code /api/v1} and behind the same keys:
 * recent segment changes and their live stream (server-sent events), a segment's entries and exits over time, the
 * dead-letter queue's counts and metadata, and the state of every instance.
 * Segment changes and dead letters come from a {@link ConsoleFeed} that reads the whole topics, so every instance
 * answers the same; the status asks every instance and shows one that does not answer instead of failing.
 */
public final class ConsoleApiRoutes {

    static final String CHANGES_ROUTE = "/api/v1/segment-changes";
    static final String STREAM_ROUTE = "/api/v1/segment-changes/stream";
    static final String HISTORY_ROUTE = "/api/v1/segments/{id}/history";
    static final String DLQ_ROUTE = "/api/v1/dlq";
    static final String STATUS_ROUTE = "/api/v1/status";

    /** How many live streams one instance serves at once. */
    static final int MAX_STREAMS = 32;

    private static final int MAX_LIMIT = 1_000;
    private static final int DEFAULT_LIMIT = 100;
    private static final int STREAM_BACKLOG = 1_000;
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final Duration RATE_WINDOW = Duration.ofSeconds(60);
    private static final String EVENTS_METER = "profilestream.events";
    private static final String LAG_METER = "kafka.consumer.fetch.manager.records.lag";

    private final ConsoleFeed feed;
    private final MeterRegistry meters;
    private final Supplier<String> state;
    private final Set<String> inputs;
    private final String self;
    private final ClusterFanOut cluster;
    private final List<long[]> eventSamples = new ArrayList<>();
    private volatile boolean stopped;

    /**
     * Creates the routes.
     *
     * @param feed the segment changes and dead letters
     * @param meters the engine's meters, for events per second and input lag
     * @param state the Kafka Streams state of this instance
     * @param inputs the input topics whose lag is reported
     * @param client sends requests to the other instances; names this one
     * @param instances every instance of the application, this one included
     */
    public ConsoleApiRoutes(final ConsoleFeed feed,
                            final MeterRegistry meters,
                            final Supplier<String> state,
                            final List<String> inputs,
                            final ForwardingClient client,
                            final Supplier<List<InstanceInfo>> instances) {
        this.feed = feed;
        this.meters = meters;
        this.state = state;
        this.inputs = Set.copyOf(inputs);
        this.self = client.self();
        this.cluster = new ClusterFanOut(client, instances);
        sampleEvents();
        Gauge.builder("profilestream.console.streams", feed, ConsoleFeed::listeners)
            .description("Live segment-change streams the console is serving.")
            .register(meters);
    }

    public void register(final Javalin app) {
        app.get(CHANGES_ROUTE, this::changes);
        app.sse(STREAM_ROUTE, this::stream);
        app.get(HISTORY_ROUTE, this::history);
        app.get(DLQ_ROUTE, this::deadLetters);
        app.get(STATUS_ROUTE, this::status);
        app.events(events -> events.serverStopping(() -> stopped = true));
    }

    private void changes(final Context ctx) {
        final int limit = Math.min(MAX_LIMIT, Math.max(1, ctx.queryParamAsClass("limit", Integer.class)
            .getOrDefault(DEFAULT_LIMIT)));
        final ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("since", feed.since().toString());
        answer.put("complete", feed.caughtUp());
        final ArrayNode changes = answer.putArray("changes");
        feed.recent(filter(ctx), limit).forEach(change -> changes.add(json(change)));
        ctx.json(answer);
    }

    private void stream(final SseClient client) {
        if (feed.listeners() >= MAX_STREAMS) {
            client.sendEvent("error", "{\"error\":\"This instance serves " + MAX_STREAMS
                + " live streams already; try again later.\"}");
            return;
        }
        final Predicate<ConsoleFeed.Change> filter = filter(client.ctx());
        final BlockingQueue<ConsoleFeed.Change> queue = new ArrayBlockingQueue<>(STREAM_BACKLOG);
        final Counter dropped = Counter.builder("profilestream.console.stream.dropped")
            .description("Segment changes not sent to a live stream whose client reads too slowly.")
            .register(meters);
        try (AutoCloseable listening = feed.listen(change -> {
            if (filter.test(change) && !queue.offer(change)) {
                dropped.increment();
            }
        })) {
            client.sendComment("connected");
            long quietSince = System.nanoTime();
            while (!client.terminated() && !stopped) {
                final ConsoleFeed.Change change = queue.poll(1, TimeUnit.SECONDS);
                if (change != null) {
                    client.sendEvent("change", json(change).toString(),
                        change.partition() + "-" + change.offset());
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince > KEEP_ALIVE.toNanos()) {
                    // A comment every so often finds out that a client went away, and keeps proxies from timing out.
                    client.sendComment("keep-alive");
                    quietSince = System.nanoTime();
                }
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final Exception e) {
            throw new IllegalStateException("A live stream failed.", e);
        }
    }

    private void history(final Context ctx) {
        final String id = ctx.pathParam("id");
        final ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("segment", id);
        answer.put("bucketSeconds", ConsoleFeed.BUCKET.toSeconds());
        answer.put("since", feed.since().toString());
        answer.put("complete", feed.caughtUp());
        final ArrayNode buckets = answer.putArray("buckets");
        for (final ConsoleFeed.Bucket bucket : feed.buckets(id)) {
            final ObjectNode node = buckets.addObject();
            node.put("start", bucket.start().toString());
            node.put("entered", bucket.entered());
            node.put("exited", bucket.exited());
        }
        ctx.json(answer);
    }

    private void deadLetters(final Context ctx) {
        final int limit = Math.min(ConsoleFeed.RECENT_DEAD_LETTERS, Math.max(1,
            ctx.queryParamAsClass("limit", Integer.class).getOrDefault(ConsoleFeed.RECENT_DEAD_LETTERS)));
        final ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("since", feed.since().toString());
        answer.put("complete", feed.caughtUp());
        final ArrayNode counts = answer.putArray("counts");
        long total = 0;
        for (final Map.Entry<List<String>, Long> entry : feed.deadLetterCounts().entrySet()) {
            final ObjectNode count = counts.addObject();
            count.put("reason", entry.getKey().get(0));
            count.put("topic", entry.getKey().get(1));
            count.put("count", entry.getValue());
            total += entry.getValue();
        }
        answer.put("total", total);
        final ArrayNode recent = answer.putArray("recent");
        for (final ConsoleFeed.DeadLetter letter : feed.recentDeadLetters(limit)) {
            final ObjectNode node = recent.addObject();
            node.put("time", letter.time().toString());
            node.put("reason", letter.reason());
            node.put("topic", letter.sourceTopic());
            node.put("partition", letter.sourcePartition());
            node.put("offset", letter.sourceOffset());
            node.put("message", letter.message());
            node.put("dlqPartition", letter.partition());
            node.put("dlqOffset", letter.offset());
            node.put("valueBytes", letter.valueBytes());
        }
        ctx.json(answer);
    }

    private void status(final Context ctx) {
        final ObjectNode local = localStatus();
        if (ctx.header(ApiServer.FORWARDED_BY_HEADER) != null) {
            ctx.json(local);
            return;
        }
        final ObjectNode answer = JsonNodeFactory.instance.objectNode();
        final ArrayNode instances = answer.putArray("instances");
        instances.add(local);
        for (final Map.Entry<String, ClusterFanOut.Outcome> other
            : cluster.gatherEach("GET", STATUS_ROUTE).entrySet()) {
            if (other.getValue().answer() != null) {
                instances.add(other.getValue().answer());
            } else {
                final ObjectNode missing = instances.addObject();
                missing.put("instance", other.getKey());
                missing.put("state", "NOT_ANSWERING");
                missing.put("error", other.getValue().error());
            }
        }
        ctx.header(ClusterFanOut.INSTANCES_HEADER, Integer.toString(instances.size()));
        ctx.json(answer);
    }

    private ObjectNode localStatus() {
        final ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.put("instance", self);
        status.put("state", state.get());
        final Double rate = sampleEvents();
        if (rate == null) {
            status.putNull("eventsPerSecond");
        } else {
            status.put("eventsPerSecond", rate);
        }
        status.put("inputLag", inputLag());
        return status;
    }

    /**
     * Records the events counted so far and answers the rate over the last minute (or since the first sample), or null
     * before a second has passed.
     */
    private Double sampleEvents() {
        final long now = System.nanoTime();
        final long total = (long) meters.find(EVENTS_METER).counters().stream().mapToDouble(Counter::count).sum();
        synchronized (eventSamples) {
            eventSamples.add(new long[] {now, total});
            while (eventSamples.size() > 2 && now - eventSamples.get(1)[0] > RATE_WINDOW.toNanos()) {
                eventSamples.remove(0);
            }
            final long[] oldest = eventSamples.get(0);
            final double seconds = (now - oldest[0]) / 1e9;
            return seconds < 1 ? null : (total - oldest[1]) / seconds;
        }
    }

    /**
     * Records behind the end of the input partitions this instance's stream threads consume, summed.
     */
    private long inputLag() {
        double lag = 0;
        for (final Meter meter : meters.find(LAG_METER).meters()) {
            final String topic = meter.getId().getTag("topic");
            final String clientId = meter.getId().getTag("client.id");
            if (topic != null && inputs.contains(topic) && meter instanceof Gauge gauge
                && (clientId == null || !clientId.contains("restore"))) {
                final double value = gauge.value();
                if (Double.isFinite(value) && value > 0) {
                    lag += value;
                }
            }
        }
        return (long) lag;
    }

    private static Predicate<ConsoleFeed.Change> filter(final Context ctx) {
        final String segment = blankToNull(ctx.queryParam("segment"));
        final String customerId = blankToNull(ctx.queryParam("customerId"));
        return change -> (segment == null || segment.equals(change.value().getSegmentId()))
            && (customerId == null || customerId.equals(change.value().getCustomerId()));
    }

    private static String blankToNull(final String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static JsonNode json(final ConsoleFeed.Change change) {
        final ObjectNode node = AvroJson.toJson(change.value());
        node.put("publishedAt", change.publishedAt().toString());
        return node;
    }
}
