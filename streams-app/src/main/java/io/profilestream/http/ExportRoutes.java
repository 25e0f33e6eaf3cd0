package io.profilestream.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import io.profilestream.domain.Holdout;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.SegmentDefinition;
import io.profilestream.query.IdentityLookup;
import io.profilestream.query.IdentityView;
import io.profilestream.query.InstanceInfo;
import io.profilestream.query.LookupResult;
import io.profilestream.query.SegmentQueries;

/**
 * {@code GET /api/v1/profiles/{id}/export}: everything the engine holds about a person, in one document, for a
 * data-subject access request; it needs the admin key.
 * The instance asked gathers the parts of every instance ({@link ClusterFanOut}): the profile (with its retained
 * custom events and computed traits), the anonymous ids seen with the customer, and the entry of each membership,
 * from the instance that owns the profile; then the identity link of each anonymous id, wherever it is kept.
 */
public final class ExportRoutes {

    static final String ROUTE = "/api/v1/profiles/{id}/export";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SegmentQueries queries;
    private final IdentityLookup identities;
    private final ApiKeyGuard guard;
    private final Clock clock;
    private ClusterFanOut cluster;

    /**
     * @param queries this instance's stores
     * @param identities answers for every anonymous id, fetching from the owner when needed
     */
    public ExportRoutes(final SegmentQueries queries,
                        final IdentityLookup identities,
                        final ApiKeyGuard guard,
                        final Clock clock) {
        this.queries = queries;
        this.identities = identities;
        this.guard = guard;
        this.clock = clock;
    }

    /** Makes an export cover every instance of the application; without it, it covers this instance alone. */
    public ExportRoutes acrossCluster(final ForwardingClient client, final Supplier<List<InstanceInfo>> instances) {
        this.cluster = new ClusterFanOut(client, instances);
        return this;
    }

    public void register(final Javalin app) {
        app.get(ROUTE, this::export);
    }

    private void export(final Context ctx) {
        guard.check(ctx);
        final String id = ctx.pathParam("id");
        final ObjectNode local = local(id);
        if (cluster == null || ctx.header(ApiServer.FORWARDED_BY_HEADER) != null) {
            ctx.json(local);
            return;
        }
        final List<JsonNode> others = cluster.gather("GET", "/api/v1/profiles/"
            + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20") + "/export", null);
        ctx.header(ClusterFanOut.INSTANCES_HEADER, Integer.toString(others.size() + 1));
        final ObjectNode merged = merge(id, local, others);
        if (merged == null) {
            Responses.error(ctx, HttpStatus.NOT_FOUND.getCode(), "The engine holds nothing about " + id + ".");
            return;
        }
        ctx.json(merged);
    }

    /** This instance's part: the profile, the customer's anonymous ids and the membership entries it holds. */
    private ObjectNode local(final String id) {
        final ObjectNode part = JsonNodeFactory.instance.objectNode();
        final Optional<SegmentQueries.LocalProfileData> data = queries.profileData(id);
        if (data.isEmpty()) {
            return part;
        }
        final CustomerProfile profile = data.get().profile();
        if (profile != null) {
            part.set("profile", AvroJson.toJson(profile));
        }
        final ObjectNode links = part.putObject("customerLinks");
        data.get().anonymousIds().forEach((anonymousId, firstSeen) ->
            links.put(anonymousId, Instant.ofEpochMilli(firstSeen).toString()));
        final ObjectNode entries = part.putObject("membershipEntries");
        for (final Map.Entry<String, SegmentQueries.MembershipEntry> entry : data.get().memberships().entrySet()) {
            final ObjectNode node = entries.putObject(entry.getKey());
            node.put("enteredAt", Instant.ofEpochMilli(entry.getValue().enteredAtMs()).toString());
            node.put("ordersAtEntry", entry.getValue().orders());
            node.put("revenueMinorAtEntry", entry.getValue().revenueMinor());
        }
        return part;
    }

    /** The whole export from every instance's part, or null when no instance holds anything about the id. */
    private ObjectNode merge(final String id, final ObjectNode local, final List<JsonNode> others) {
        JsonNode profile = local.get("profile");
        final ObjectNode links = JsonNodeFactory.instance.objectNode();
        final ObjectNode entries = JsonNodeFactory.instance.objectNode();
        for (final JsonNode part : concat(local, others)) {
            if (profile == null && part.hasNonNull("profile")) {
                profile = part.get("profile");
            }
            part.path("customerLinks").fields().forEachRemaining(link -> links.set(link.getKey(), link.getValue()));
            part.path("membershipEntries").fields()
                .forEachRemaining(entry -> entries.set(entry.getKey(), entry.getValue()));
        }
        if (profile == null && links.isEmpty()) {
            return null;
        }
        final ObjectNode export = JsonNodeFactory.instance.objectNode();
        export.put("profileId", id);
        export.put("exportedAt", clock.instant().toString());
        export.set("profile", profile == null ? JsonNodeFactory.instance.nullNode() : profile);

        final TreeSet<String> anonymousIds = new TreeSet<>();
        links.fieldNames().forEachRemaining(anonymousIds::add);
        if (profile != null) {
            profile.at("/identity/anonymousIds").forEach(anonymousId -> anonymousIds.add(anonymousId.asText()));
        }
        final ObjectNode identity = export.putObject("identities");
        identity.put("customerId", profile == null ? id : profile.at("/identity/customerId").asText(null));
        identity.put("emailHash", profile == null ? null : profile.at("/identity/emailHash").asText(null));
        identity.put("merges", profile == null ? 0 : profile.at("/identity/merges").asLong());
        final ArrayNode anonymous = identity.putArray("anonymousIds");
        for (final String anonymousId : anonymousIds) {
            final ObjectNode node = anonymous.addObject();
            node.put("anonymousId", anonymousId);
            node.set("firstSeenWithCustomer", links.get(anonymousId));
            final LookupResult<IdentityView> link = identities.lookup(anonymousId);
            node.set("link", link instanceof LookupResult.Found<IdentityView> found
                ? JSON.valueToTree(found.value())
                : JsonNodeFactory.instance.nullNode());
        }

        final ArrayNode memberships = export.putArray("memberships");
        final ArrayNode changes = export.putArray("recentChanges");
        if (profile != null) {
            final String profileId = profile.path("profileId").asText();
            final String stage = profile.path("lifecycleStage").asText(null);
            if (stage != null) {
                final ObjectNode change = changes.addObject();
                change.put("kind", "LIFECYCLE");
                change.put("id", stage);
                change.put("change", "ENTERED");
                change.set("at", profile.get("lifecycleSince"));
            }
            final String persona = profile.path("persona").asText(null);
            for (final JsonNode segment : profile.path("segments")) {
                membership(memberships, changes, "SEGMENT", segment.asText(), profileId, entries);
            }
            if (persona != null) {
                membership(memberships, changes, "PERSONA", persona, profileId, entries);
            }
            export.set("computedTraits", profile.path("computedTraits"));
            export.set("customEvents", profile.path("customEvents"));
        }
        return export;
    }

    private void membership(final ArrayNode memberships,
                            final ArrayNode changes,
                            final String kind,
                            final String definitionId,
                            final String profileId,
                            final ObjectNode entries) {
        final Optional<SegmentDefinition> definition = queries.definition(definitionId);
        final ObjectNode node = memberships.addObject();
        node.put("kind", kind);
        node.put("id", definitionId);
        node.put("name", definition.map(SegmentDefinition::getName).orElse(null));
        node.put("holdout", Holdout.isHeldOut(definitionId, profileId,
            definition.map(SegmentDefinition::getHoldoutPercent).orElse(0.0)));
        final JsonNode entry = entries.path(definitionId);
        node.set("enteredAt", entry.path("enteredAt").isMissingNode() ? null : entry.get("enteredAt"));
        if (entry.has("enteredAt")) {
            final ObjectNode change = changes.addObject();
            change.put("kind", kind);
            change.put("id", definitionId);
            change.put("change", "ENTERED");
            change.set("at", entry.get("enteredAt"));
        }
    }

    private static List<JsonNode> concat(final JsonNode local, final List<JsonNode> others) {
        final List<JsonNode> all = new ArrayList<>(others);
        all.add(0, local);
        return all;
    }
}
