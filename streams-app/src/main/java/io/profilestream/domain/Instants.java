package io.profilestream.domain;

import java.time.Instant;

/**
 * The earlier and the later of two instants, either of which may be unknown (null).
 */
final class Instants {

    private Instants() {
    }

    static Instant earliest(final Instant current, final Instant candidate) {
        if (candidate == null) {
            return current;
        }
        return current == null || candidate.isBefore(current) ? candidate : current;
    }

    static Instant latest(final Instant current, final Instant candidate) {
        if (candidate == null) {
            return current;
        }
        return current == null || candidate.isAfter(current) ? candidate : current;
    }
}
