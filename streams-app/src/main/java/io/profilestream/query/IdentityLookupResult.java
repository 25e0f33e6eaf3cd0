package io.profilestream.query;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer of an {@link IdentityLookup}: the link, the instance that owns it, no such anonymous id, or not now.
 * Reasons carried by {@link Unavailable} are shown to clients and written to logs, so they never contain ids.
 */
public sealed interface IdentityLookupResult {

    /**
     * The anonymous id is known and this is what is known about it.
     */
    record Found(IdentityView identity) implements IdentityLookupResult {

        public Found {
            Objects.requireNonNull(identity, "identity");
        }
    }

    /**
     * Another instance owns the anonymous id; ask it at this host and port (its {@code application.server}).
     */
    record FoundElsewhere(String host, int port) implements IdentityLookupResult {

        public FoundElsewhere {
            Objects.requireNonNull(host, "host");
        }
    }

    /**
     * The anonymous id has never been seen (or was unlinked by an erasure).
     */
    record NotFound() implements IdentityLookupResult {
    }

    /**
     * The answer is not known now; the caller should try again after {@code retryAfter}.
     */
    record Unavailable(Duration retryAfter, String reason) implements IdentityLookupResult {

        public Unavailable {
            Objects.requireNonNull(retryAfter, "retryAfter");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
