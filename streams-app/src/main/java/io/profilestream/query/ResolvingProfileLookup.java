package io.profilestream.query;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.profilestream.identity.ProfileIds;
import io.profilestream.profile.CustomerProfile;

/**
 * A profile lookup that also accepts anonymous ids: {@code GET /api/v1/profiles/{id}} with a customer id, a raw
 * anonymous id or {@code anon:<anonymousId>}.
 * An anonymous id linked to a customer resolves to the customer's profile; one that is not linked (or is
 * quarantined) resolves to its own anonymous profile; an id the identity resolver has never seen is a customer id.
 * Resolution reads the link first (from whichever instance owns it, through the given {@link IdentityLookup}), so every
 * instance resolves an id to the same profile and a forwarded lookup lands where that profile lives.
 * The profile found tells which customer the id resolved to: its {@code profileId} differs from the id asked for.
 */
public final class ResolvingProfileLookup implements ProfileLookup {

    private final ProfileLookup profiles;
    private final IdentityLookup identities;

    /**
     * Creates a lookup.
     *
     * @param profiles looks up profiles by profile id
     * @param identities looks up links by anonymous id, wherever they live (it never answers FoundElsewhere)
     */
    public ResolvingProfileLookup(final ProfileLookup profiles, final IdentityLookup identities) {
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.identities = Objects.requireNonNull(identities, "identities");
    }

    @Override
    public LookupResult<CustomerProfile> lookup(final String id) {
        Objects.requireNonNull(id, "id");
        final boolean prefixed = ProfileIds.isAnonymous(id);
        final LookupResult<CustomerProfile> direct = prefixed ? null : profiles.lookup(id);
        if (direct instanceof LookupResult.Found || direct instanceof LookupResult.Unavailable) {
            return direct;
        }
        final String anonymousId = prefixed ? id.substring(ProfileIds.ANONYMOUS_PREFIX.length()) : id;
        final LookupResult<IdentityView> link = anonymousId.isEmpty()
            ? new LookupResult.NotFound<>()
            : identities.lookup(anonymousId);
        final String profileId;
        if (link instanceof LookupResult.Found<IdentityView> found) {
            profileId = found.value().linked() ? found.value().customerId() : ProfileIds.anonymous(anonymousId);
        } else if (link instanceof LookupResult.NotFound) {
            profileId = id;
        } else if (link instanceof LookupResult.Unavailable<IdentityView> unavailable) {
            return new LookupResult.Unavailable<>(unavailable.retryAfter(), unavailable.reason());
        } else {
            throw new IllegalStateException("The identity lookup must resolve links wherever they live.");
        }
        return profileId.equals(id) && direct != null ? direct : profiles.lookup(profileId);
    }

    /**
     * Reads a copy of the profile with this profile id; ids are not resolved, since links may be away too.
     */
    @Override
    public LookupResult<CustomerProfile> lookupStale(final String profileId) {
        return profiles.lookupStale(profileId);
    }

    @Override
    public Optional<List<InstanceInfo>> instances() {
        return profiles.instances();
    }
}
