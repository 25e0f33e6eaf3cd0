package io.profilestream.query;

import java.util.List;
import java.util.Optional;

import io.profilestream.profile.CustomerProfile;

/**
 * Finds a profile by id, or says which instance owns it.
 * The HTTP layer serves {@link LookupResult.Found}, forwards {@link LookupResult.FoundElsewhere} and answers the rest.
 * Implementations are safe for concurrent use and never block waiting for state to become queryable.
 */
public interface ProfileLookup {

    /**
     * Looks up one profile.
     *
     * @param profileId a customerId, or {@code anon:<anonymousId>}
     * @return where the profile is, or why it cannot be read now; never null
     */
    LookupResult<CustomerProfile> lookup(String profileId);

    /**
     * Looks up one profile in a copy that may lag behind the latest, for when the instance that owns it cannot answer
     * (it restores after a failover, or does not answer at all): this instance's copy (standby or restoring), or the
     * name of an instance that keeps a standby replica.
     * A value found is {@link LookupResult.Found#stale()}; lookups without replicas answer unavailable, the default.
     *
     * @param profileId a customerId, or {@code anon:<anonymousId>}
     * @return the stale profile, where a copy is, or why none can be read now; never null
     */
    default LookupResult<CustomerProfile> lookupStale(final String profileId) {
        return new LookupResult.Unavailable<>(QueryableStreams.DEFAULT_RETRY_AFTER,
            "No copy of this profile can be read now; try again shortly.");
    }

    /**
     * Describes every instance of the application: where it serves and which stores and partitions it holds.
     * Lookups without such metadata return an empty optional, which is the default.
     *
     * @return the instances, or empty when this lookup has no instance metadata
     * @throws QueryUnavailableException when the metadata is not known now (for example before the first rebalance)
     */
    default Optional<List<InstanceInfo>> instances() {
        return Optional.empty();
    }
}
