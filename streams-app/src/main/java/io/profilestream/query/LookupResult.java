package io.profilestream.query;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * The answer of a lookup by key: the value, the instance that owns the key, no such key, or not now.
 * Profile lookups answer with profiles and identity lookups with identities; both decide the same way.
 * Reasons carried by {@link Unavailable} are shown to clients and written to logs, so they never contain ids.
 *
 * @param <V> the type of the value looked up
 */
public sealed interface LookupResult<V> {

    /**
     * The same answer with the value, if any, converted; the other answers carry over unchanged.
     *
     * @param mapping converts a found value
     * @param <W> the type of the converted value
     */
    <W> LookupResult<W> map(Function<? super V, ? extends W> mapping);

    /**
     * This instance owns the key and here is its value; or, when {@code stale}, this instance keeps a copy of the
     * key's partition (a standby replica, or an active task still restoring) and here is the value in that copy, which
     * may lag behind the latest.
     */
    record Found<V>(V value, boolean stale) implements LookupResult<V> {

        public Found {
            Objects.requireNonNull(value, "value");
        }

        /**
         * A value read from the active, up-to-date store.
         */
        public Found(final V value) {
            this(value, false);
        }

        @Override
        public <W> LookupResult<W> map(final Function<? super V, ? extends W> mapping) {
            return new Found<>(mapping.apply(value), stale);
        }
    }

    /**
     * Another instance owns the key; ask it at this host and port (its {@code application.server}).
     */
    record FoundElsewhere<V>(String host, int port) implements LookupResult<V> {

        public FoundElsewhere {
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("Port must be between 1 and 65535, got " + port + ".");
            }
        }

        @Override
        public <W> LookupResult<W> map(final Function<? super V, ? extends W> mapping) {
            return new FoundElsewhere<>(host, port);
        }
    }

    /**
     * This instance owns the key and holds no value for it.
     */
    record NotFound<V>() implements LookupResult<V> {

        @Override
        public <W> LookupResult<W> map(final Function<? super V, ? extends W> mapping) {
            return new NotFound<>();
        }
    }

    /**
     * The answer is not known now, for example while state is restoring or partitions are moving.
     * The caller should try again after {@code retryAfter}.
     */
    record Unavailable<V>(Duration retryAfter, String reason) implements LookupResult<V> {

        public Unavailable {
            Objects.requireNonNull(retryAfter, "retryAfter");
            Objects.requireNonNull(reason, "reason");
            if (retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative.");
            }
        }

        @Override
        public <W> LookupResult<W> map(final Function<? super V, ? extends W> mapping) {
            return new Unavailable<>(retryAfter, reason);
        }
    }
}
