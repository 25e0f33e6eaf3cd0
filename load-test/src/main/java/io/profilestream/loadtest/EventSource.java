package io.profilestream.loadtest;

/**
 * A supply of events, one at a time, in the order they should be produced.
 * Implementations need not be safe for concurrent use.
 */
public interface EventSource {

    /**
     * Returns the next event, or {@code null} once a bounded source has run out; an endless source never does.
     */
    GeneratedEvent next();
}
