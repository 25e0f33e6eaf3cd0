package io.profilestream.http;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.events.ErasureRequest;
import io.profilestream.query.RecordPublisher;
import io.profilestream.serde.RegistryAvroSerde;

/**
 * {@code POST /api/v1/erasures}: accepts a right-to-be-forgotten request and queues it on {@code erasure-requests};
 * the engine deletes the profile and its traces when it processes it.
 */
public final class ErasureRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(ErasureRoutes.class);
    private static final int MAX_ID_LENGTH = 256;

    private final ApiKeyGuard guard;
    private final RecordPublisher publisher;
    private final RegistryAvroSerde<ErasureRequest> serde;
    private final String topic;
    private final Clock clock;

    public ErasureRoutes(final ApiKeyGuard guard,
                         final RecordPublisher publisher,
                         final RegistryAvroSerde<ErasureRequest> serde,
                         final String topic,
                         final Clock clock) {
        this.guard = guard;
        this.publisher = publisher;
        this.serde = serde;
        this.topic = topic;
        this.clock = clock;
    }

    public void register(final Javalin app) {
        app.post("/api/v1/erasures", this::erase);
    }

    private void erase(final Context ctx) {
        guard.check(ctx);
        final JsonNode body = Json.body(ctx);
        final String customerId = body.path("customerId").asText("");
        if (customerId.isBlank() || customerId.length() > MAX_ID_LENGTH) {
            throw new HttpResponseException(400, "customerId is required (at most " + MAX_ID_LENGTH + " characters).");
        }
        final String requestId = UUID.randomUUID().toString();
        final ErasureRequest request = ErasureRequest.newBuilder()
            .setRequestId(requestId)
            .setCustomerId(customerId)
            .setRequestedAt(clock.instant())
            .build();
        publisher.publish(topic, customerId, serde.serialize(topic, request));
        LOG.info("Accepted erasure request {}.", requestId);
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("requestId", requestId));
    }
}
