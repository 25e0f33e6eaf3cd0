package io.profilestream.query;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown when a query cannot be answered now, for example while Kafka Streams is starting or rebalancing.
 * The message is safe to show to clients and to log: it never contains ids.
 */
public class QueryUnavailableException extends RuntimeException {

    private final Duration retryAfter;

    public QueryUnavailableException(final String message, final Duration retryAfter) {
        super(message);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /**
     * How long the caller should wait before it asks again.
     */
    public Duration retryAfter() {
        return retryAfter;
    }
}
