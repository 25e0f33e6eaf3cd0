package io.profilestream.http;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;

/**
 * Reads JSON request bodies with a clear 400 for anything that is not a JSON object, and a 413 for a body over the
 * server's limit, whether it announces its length or comes in chunks.
 */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String LIMIT_ATTRIBUTE = "profilestream.max.body.bytes";

    private Json() {
    }

    /**
     * Answers 413 at once for a request that announces a body over the limit, and remembers the limit for
     * {@link #body(Context)}, which enforces it on bodies of unannounced length.
     */
    static void limitBody(final Context ctx, final long maxBytes) {
        ctx.attribute(LIMIT_ATTRIBUTE, maxBytes);
        if (ctx.req().getContentLengthLong() > maxBytes) {
            throw tooLarge(maxBytes);
        }
    }

    /**
     * Reads and drops what is left of a request body within the limit, so that an answer given without reading the
     * body (401, 404, 400...) reaches a client that is still sending it instead of a closed connection.
     * A body announced over the limit is left alone: its connection is closed after the 413.
     */
    static void discardUnread(final Context ctx) {
        final Long limit = ctx.attribute(LIMIT_ATTRIBUTE);
        final long maxBytes = limit == null ? ApiServer.DEFAULT_MAX_BODY_BYTES : limit;
        if (ctx.req().getContentLengthLong() > maxBytes || ctx.req().getContentLengthLong() == 0) {
            return;
        }
        try {
            final InputStream in = ctx.req().getInputStream();
            final byte[] buffer = new byte[8_192];
            long read = 0;
            int n;
            while (read <= maxBytes && (n = in.read(buffer)) >= 0) {
                read += n;
            }
        } catch (final IOException | RuntimeException e) {
            // The body was read already, or the client went away: nothing is left to drop.
        }
    }

    static JsonNode body(final Context ctx) {
        final Long limit = ctx.attribute(LIMIT_ATTRIBUTE);
        final byte[] bytes = read(ctx, limit == null ? ApiServer.DEFAULT_MAX_BODY_BYTES : limit);
        try {
            final JsonNode node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new HttpResponseException(400, "The request body must be a JSON object.");
            }
            return node;
        } catch (final IOException e) {
            throw new HttpResponseException(400, "The request body is not valid JSON.");
        }
    }

    private static byte[] read(final Context ctx, final long maxBytes) {
        try (InputStream in = ctx.req().getInputStream()) {
            final byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return bytes;
        } catch (final IOException e) {
            throw new HttpResponseException(400, "The request body could not be read.");
        }
    }

    private static HttpResponseException tooLarge(final long maxBytes) {
        return new HttpResponseException(HttpStatus.CONTENT_TOO_LARGE.getCode(),
            "The request body is larger than " + maxBytes + " bytes (http.max.body.bytes).");
    }
}
