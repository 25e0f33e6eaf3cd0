package io.profilestream.http;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;

/**
 * Reads JSON request bodies with a clear 400 for anything that is not a JSON object.
 */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static JsonNode body(final Context ctx) {
        try {
            final JsonNode node = MAPPER.readTree(ctx.body());
            if (node == null || !node.isObject()) {
                throw new HttpResponseException(400, "The request body must be a JSON object.");
            }
            return node;
        } catch (final IOException e) {
            throw new HttpResponseException(400, "The request body is not valid JSON.");
        }
    }
}
