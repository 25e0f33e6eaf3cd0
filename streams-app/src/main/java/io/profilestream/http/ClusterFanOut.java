package io.profilestream.http;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.query.InstanceInfo;
import io.profilestream.query.QueryUnavailableException;

/**
 * Asks every other instance of the application the same question at once and collects their answers, for reads that
 * cover the whole cluster (segment sizes, backfill progress, members, previews).
 * Requests carry {@value ApiServer#FORWARDED_BY_HEADER}, so each instance answers from its own state only.
 * Every instance must answer 200 within the forwarding timeout: one that does not fails the whole read with
 * {@link QueryUnavailableException} naming it, because an answer without it would be silently smaller.
 */
final class ClusterFanOut {

    /**
     * The header that says how many instances the answer covers, this one included.
     */
    static final String INSTANCES_HEADER = "X-Instances-Answered";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterFanOut.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ForwardingClient client;
    private final Supplier<List<InstanceInfo>> instances;

    /**
     * Creates a fan-out.
     *
     * @param client sends the requests; its own host and port tell which instance is this one
     * @param instances every instance of the application, this one included; throws
     *                  {@link QueryUnavailableException} while that is not known
     */
    ClusterFanOut(final ForwardingClient client, final Supplier<List<InstanceInfo>> instances) {
        this.client = Objects.requireNonNull(client, "client");
        this.instances = Objects.requireNonNull(instances, "instances");
    }

    /**
     * The answers of every other instance to one request, in no particular order.
     *
     * @param method {@code GET} or {@code POST}
     * @param pathAndQuery the path with its encoded query
     * @param body the JSON body of a POST, or null
     * @throws QueryUnavailableException when an instance does not answer 200 in time
     */
    List<JsonNode> gather(final String method, final String pathAndQuery, final byte[] body) {
        final Map<String, CompletableFuture<HttpResponse<byte[]>>> pending = send(method, pathAndQuery, body);
        final long deadline = System.nanoTime() + client.timeout().toNanos();
        final List<JsonNode> answers = new ArrayList<>();
        try {
            for (final Map.Entry<String, CompletableFuture<HttpResponse<byte[]>>> entry : pending.entrySet()) {
                answers.add(answer(entry.getKey(), entry.getValue(), deadline));
            }
        } finally {
            pending.values().forEach(future -> future.cancel(true));
        }
        return answers;
    }

    /**
     * The answer of every other instance to one request, or why it gave none, by address; for views that show each
     * instance (a missing one is shown, not hidden) rather than one merged answer.
     *
     * @param method {@code GET} or {@code POST}
     * @param pathAndQuery the path with its encoded query
     */
    Map<String, Outcome> gatherEach(final String method, final String pathAndQuery) {
        final Map<String, CompletableFuture<HttpResponse<byte[]>>> pending = send(method, pathAndQuery, null);
        final long deadline = System.nanoTime() + client.timeout().toNanos();
        final Map<String, Outcome> outcomes = new LinkedHashMap<>();
        try {
            for (final Map.Entry<String, CompletableFuture<HttpResponse<byte[]>>> entry : pending.entrySet()) {
                try {
                    outcomes.put(entry.getKey(), new Outcome(answer(entry.getKey(), entry.getValue(), deadline), null));
                } catch (final QueryUnavailableException e) {
                    outcomes.put(entry.getKey(), new Outcome(null, e.getMessage()));
                }
            }
        } finally {
            pending.values().forEach(future -> future.cancel(true));
        }
        return outcomes;
    }

    /**
     * One instance's answer, or (answer null) why it gave none.
     */
    record Outcome(JsonNode answer, String error) {
    }

    private Map<String, CompletableFuture<HttpResponse<byte[]>>> send(final String method,
                                                                      final String pathAndQuery,
                                                                      final byte[] body) {
        final String self = client.self();
        final Map<String, CompletableFuture<HttpResponse<byte[]>>> pending = new LinkedHashMap<>();
        for (final InstanceInfo instance : instances.get()) {
            final String address = instance.host() + ":" + instance.port();
            if (!address.equals(self)) {
                pending.put(address, client.sendAsync(instance.host(), instance.port(), method, pathAndQuery, body));
            }
        }
        return pending;
    }

    private JsonNode answer(final String address,
                            final CompletableFuture<HttpResponse<byte[]>> future,
                            final long deadline) {
        final HttpResponse<byte[]> response;
        try {
            response = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw missing(address, "the request was interrupted");
        } catch (final ExecutionException | TimeoutException e) {
            final Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.warn("Instance {} did not answer a cluster-wide read ({}).", address, cause.getClass().getSimpleName());
            throw missing(address, "it did not answer within " + client.timeout().toMillis() + " ms");
        }
        if (response.statusCode() != 200) {
            throw missing(address, "it answered " + response.statusCode());
        }
        try {
            return JSON.readTree(response.body());
        } catch (final IOException e) {
            throw missing(address, "its answer was not JSON");
        }
    }

    private static QueryUnavailableException missing(final String address, final String why) {
        return new QueryUnavailableException("Instance " + address + " is part of the cluster but " + why
            + "; an answer without it would be incomplete. Try again shortly.", ForwardingClient.RETRY_AFTER);
    }
}
