package io.profilestream.query;

import io.profilestream.profile.CustomerProfile;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer of a {@link ProfileLookup}: the profile, the instance that owns it, no such profile, or not now.
 * Reasons carried by {@link Unavailable} are shown to clients and written to logs, so they never contain ids.
 */
public sealed interface LookupResult {

    /**
     * This instance owns the profile and here it is.
     */
    record Found(CustomerProfile profile) implements LookupResult {

        public Found {
            Objects.requireNonNull(profile, "profile");
        }
    }

    /**
     * Another instance owns the profile; ask it at this host and port (its {@code application.server}).
     */
    record FoundElsewhere(String host, int port) implements LookupResult {

        public FoundElsewhere {
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("Port must be between 1 and 65535, got " + port + ".");
            }
        }
    }

    /**
     * This instance owns the key and holds no profile for it.
     */
    record NotFound() implements LookupResult {
    }

    /**
     * The answer is not known now, for example while state is restoring or partitions are moving.
     * The caller should try again after {@code retryAfter}.
     */
    record Unavailable(Duration retryAfter, String reason) implements LookupResult {

        public Unavailable {
            Objects.requireNonNull(retryAfter, "retryAfter");
            Objects.requireNonNull(reason, "reason");
            if (retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative.");
            }
        }
    }
}
