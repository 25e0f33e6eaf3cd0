package io.profilestream.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Merges the answers of every instance to a segment read into one answer for the whole cluster, in the shapes of the
 * HTTP contract.
 * Each instance answers for the profiles it holds; definitions come from the answering instance, which has the whole
 * catalogue like every other.
 */
final class SegmentAnswers {

    private SegmentAnswers() {
    }

    /**
     * {@code GET /segments}: this instance's catalogue with sizes and backfill progress summed over every instance.
     * A backfill is RUNNING while it runs on any instance.
     *
     * @param local this instance's answer
     * @param others the other instances' answers
     */
    static ObjectNode list(final ObjectNode local, final List<JsonNode> others) {
        final Map<String, List<JsonNode>> byId = new HashMap<>();
        for (final JsonNode answer : others) {
            for (final JsonNode segment : answer.path("segments")) {
                byId.computeIfAbsent(segment.path("id").asText(), id -> new ArrayList<>()).add(segment);
            }
        }
        final ObjectNode merged = local.deepCopy();
        for (final JsonNode node : merged.path("segments")) {
            final ObjectNode segment = (ObjectNode) node;
            long size = segment.path("size").asLong();
            final ObjectNode backfill = (ObjectNode) segment.path("backfill");
            boolean running = "RUNNING".equals(backfill.path("state").asText());
            long processed = backfill.path("processed").asLong();
            long total = backfill.path("total").asLong();
            for (final JsonNode other : byId.getOrDefault(segment.path("id").asText(), List.of())) {
                size += other.path("size").asLong();
                running |= "RUNNING".equals(other.at("/backfill/state").asText());
                processed += other.at("/backfill/processed").asLong();
                total += other.at("/backfill/total").asLong();
            }
            segment.put("size", size);
            backfill.put("state", running ? "RUNNING" : "DONE");
            backfill.put("processed", processed);
            backfill.put("total", total);
        }
        return merged;
    }

    /**
     * {@code GET /segments/{id}/members}: the smallest ids of every instance's page, one ordered page; the cursor is
     * the last id on it, which every instance understands, and null once no instance has more.
     *
     * @param limit how many ids the page holds
     * @param local this instance's page, asked with the same cursor and limit
     * @param others the other instances' pages
     */
    static ObjectNode members(final int limit, final ObjectNode local, final List<JsonNode> others) {
        final TreeSet<String> ids = new TreeSet<>();
        boolean more = false;
        for (final JsonNode answer : concat(local, others)) {
            answer.path("members").forEach(id -> ids.add(id.asText()));
            more |= !answer.path("nextCursor").isNull() && !answer.path("nextCursor").isMissingNode();
        }
        final ObjectNode merged = JsonNodeFactory.instance.objectNode();
        final ArrayNode members = merged.putArray("members");
        String last = null;
        for (final String id : ids) {
            if (members.size() == limit) {
                more = true;
                break;
            }
            members.add(id);
            last = id;
        }
        merged.put("nextCursor", more ? last : null);
        return merged;
    }

    /**
     * {@code POST /segments/preview}: sizes summed, and the smallest ids of every instance's sample.
     *
     * @param sampleSize how many ids the sample holds at most
     * @param local this instance's preview
     * @param others the other instances' previews
     */
    static ObjectNode preview(final int sampleSize, final ObjectNode local, final List<JsonNode> others) {
        long size = 0;
        final TreeSet<String> ids = new TreeSet<>();
        for (final JsonNode answer : concat(local, others)) {
            size += answer.path("size").asLong();
            answer.path("sample").forEach(id -> ids.add(id.asText()));
        }
        final ObjectNode merged = JsonNodeFactory.instance.objectNode();
        merged.put("size", size);
        final ArrayNode sample = merged.putArray("sample");
        ids.stream().limit(sampleSize).forEach(sample::add);
        return merged;
    }

    private static List<JsonNode> concat(final JsonNode local, final List<JsonNode> others) {
        final List<JsonNode> all = new ArrayList<>(others.size() + 1);
        all.add(local);
        all.addAll(others);
        return all;
    }
}
