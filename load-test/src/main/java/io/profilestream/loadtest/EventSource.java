package io.profilestream.loadtest;

/**
 * An endless supply of events, one at a time, in the order they should be produced.
 * Implementations need not be safe for concurrent use.
 */
public interface EventSource {

    /**
     * Returns the next event; never {@code null}.
     */
    GeneratedEvent next();
}
