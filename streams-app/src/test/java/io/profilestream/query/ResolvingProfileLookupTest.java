package io.profilestream.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.profilestream.domain.ProfileAggregator;
import io.profilestream.profile.CustomerProfile;

class ResolvingProfileLookupTest {

    private final Map<String, LookupResult<CustomerProfile>> profiles = new HashMap<>();
    private final Map<String, LookupResult<IdentityView>> identities = new HashMap<>();
    private final List<String> asked = new ArrayList<>();
    private final ResolvingProfileLookup lookup = new ResolvingProfileLookup(
        id -> {
            asked.add(id);
            return profiles.getOrDefault(id, new LookupResult.NotFound<>());
        },
        id -> identities.getOrDefault(id, new LookupResult.NotFound<>()));

    @Test
    void shouldServeACustomerIdWithoutAskingForALink() {
        final LookupResult<CustomerProfile> found = found("c1");
        profiles.put("c1", found);

        assertThat(lookup.lookup("c1")).isEqualTo(found);
    }

    @Test
    void shouldResolveALinkedAnonymousIdToTheCustomer() {
        final LookupResult<CustomerProfile> found = found("c1");
        profiles.put("c1", found);
        identities.put("a1", identity("a1", "LINKED", "c1"));

        assertThat(lookup.lookup("a1")).isEqualTo(found);
        assertThat(lookup.lookup("anon:a1")).isEqualTo(found);
        assertThat(asked).containsExactly("a1", "c1", "c1");
    }

    @Test
    void shouldResolveAnUnlinkedOrQuarantinedIdToItsAnonymousProfile() {
        final LookupResult<CustomerProfile> anonymous = found("anon:a1");
        profiles.put("anon:a1", anonymous);
        identities.put("a1", identity("a1", "ANONYMOUS", null));

        assertThat(lookup.lookup("a1")).isEqualTo(anonymous);
        assertThat(lookup.lookup("anon:a1")).isEqualTo(anonymous);
        identities.put("a1", identity("a1", "QUARANTINED", null));
        assertThat(lookup.lookup("a1")).isEqualTo(anonymous);
    }

    @Test
    void shouldLeaveTheOwnerOfAnUnknownIdToAnswer() {
        profiles.put("c9", new LookupResult.FoundElsewhere<>("10.0.0.2", 8080));

        assertThat(lookup.lookup("c9")).isEqualTo(new LookupResult.FoundElsewhere<>("10.0.0.2", 8080));
        assertThat(lookup.lookup("nobody")).isEqualTo(new LookupResult.NotFound<>());
        assertThat(asked).containsExactly("c9", "nobody");
    }

    @Test
    void shouldBeUnavailableWhileTheLinkCannotBeRead() {
        identities.put("a1", new LookupResult.Unavailable<>(Duration.ofSeconds(2), "Restoring."));

        assertThat(lookup.lookup("a1")).isEqualTo(new LookupResult.Unavailable<>(Duration.ofSeconds(2), "Restoring."));
    }

    private static LookupResult<CustomerProfile> found(final String profileId) {
        final CustomerProfile profile = ProfileAggregator.newProfile(profileId);
        return new LookupResult.Found<>(profile);
    }

    private static LookupResult<IdentityView> identity(final String anonymousId,
                                                 final String status,
                                                 final String customerId) {
        return new LookupResult.Found<>(new IdentityView(anonymousId, status, customerId,
            customerId != null ? customerId : "anon:" + anonymousId, null, customerId != null, 1, 3, null, null,
            null, null));
    }
}
