package io.profilestream.query;

/**
 * Finds what is known about an anonymous id (its link to a customer), or says which instance owns it.
 * Implementations are safe for concurrent use and never block waiting for state to become queryable.
 */
public interface IdentityLookup {

    /**
     * Looks up one anonymous id.
     *
     * @param anonymousId a device or cookie id as sent on {@code clickstream-events}
     * @return where the link is, or why it cannot be read now; never null
     */
    LookupResult<IdentityView> lookup(String anonymousId);
}
