package io.profilestream.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.CustomerTraits;
import io.profilestream.events.Device;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.EmailEventType;
import io.profilestream.identity.EmailHasher;
import io.profilestream.profile.CustomerProfile;

class ProfileAggregatorTraitsTest {

    private static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    private final ProfileAggregator aggregator = new ProfileAggregator(20, 20, 3660, 30,
        new Money("USD", Map.of()), EmailHasher.withSalt("pepper"));
    private final CustomerProfile profile = ProfileAggregator.newProfile("c1");

    @Test
    void shouldKeepDemographicsAndOnlyAHashOfTheEmail() {
        aggregator.apply(profile, traits(1).setEmail(" Ann@Example.COM").setBirthYear(1990).setGender("f")
            .setCity("Utrecht").setRegion("UT").setCountry("nl").setPostalCode("3511").setLoyaltyTier("gold")
            .setAttributes(Map.of("favouriteStore", "centre")).build(), NOW);

        final var demographics = profile.getDemographics();
        assertThat(demographics.getBirthYear()).isEqualTo(1990);
        assertThat(demographics.getAgeBand()).isEqualTo("35-44");
        assertThat(demographics.getGender()).isEqualTo("f");
        assertThat(demographics.getCity()).isEqualTo("Utrecht");
        assertThat(demographics.getRegion()).isEqualTo("UT");
        assertThat(demographics.getCountry()).isEqualTo("NL");
        assertThat(demographics.getPostalCode()).isEqualTo("3511");
        assertThat(demographics.getLocationSource()).isEqualTo("crm");
        assertThat(demographics.getLoyaltyTier()).isEqualTo("gold");
        assertThat(demographics.getAttributes()).containsExactly(Map.entry("favouriteStore", "centre"));
        assertThat(demographics.getTraitsUpdatedAt()).isEqualTo(at(1));
        assertThat(profile.getIdentity().getEmailHash()).hasSize(64)
            .isEqualTo(EmailHasher.withSalt("pepper").hash("ann@example.com"))
            .isNotEqualTo(EmailHasher.withSalt("salt").hash("ann@example.com"));
        assertThat(profile.toString()).doesNotContainIgnoringCase("ann@example.com");
        assertThat(profile.getIdentity().getVersion()).isEqualTo(1);
        assertThat(profile.getIdentity().getLastSeen()).isNull();
    }

    @Test
    void shouldKeepNoEmailHashWithoutASalt() {
        final ProfileAggregator unsalted = new ProfileAggregator(20, 20, 3660, 30, new Money("USD", Map.of()));
        unsalted.apply(profile, traits(1).setEmail("ann@example.com").build(), NOW);
        assertThat(profile.getIdentity().getEmailHash()).isNull();
    }

    @Test
    void shouldIgnoreTraitsOlderThanTheNewestApplied() {
        aggregator.apply(profile, traits(5).setCity("Utrecht").build(), NOW);
        aggregator.apply(profile, traits(2).setCity("Delft").setLoyaltyTier("gold").build(), NOW);
        assertThat(profile.getDemographics().getCity()).isEqualTo("Utrecht");
        assertThat(profile.getDemographics().getLoyaltyTier()).isNull();

        aggregator.apply(profile, traits(6).setLoyaltyTier("gold").build(), NOW);
        assertThat(profile.getDemographics().getCity()).as("a record is the full current traits").isNull();
        assertThat(profile.getDemographics().getLoyaltyTier()).isEqualTo("gold");
        assertThat(profile.getIdentity().getVersion()).isEqualTo(3);
    }

    @Test
    void shouldFillTheCountryFromClicksUntilTraitsNameOne() {
        aggregator.apply(profile, click(1, "DE"), NOW);
        assertThat(profile.getDemographics().getCountry()).isEqualTo("DE");
        assertThat(profile.getDemographics().getLocationSource()).isEqualTo("clickstream");

        aggregator.apply(profile, traits(2).setCountry("NL").build(), NOW);
        aggregator.apply(profile, click(3, "FR"), NOW);
        assertThat(profile.getDemographics().getCountry()).isEqualTo("NL");
        assertThat(profile.getDemographics().getLocationSource()).isEqualTo("crm");

        aggregator.apply(profile, traits(4).build(), NOW);
        assertThat(profile.getDemographics().getCountry()).isEqualTo("FR");
        assertThat(profile.getDemographics().getLocationSource()).isEqualTo("clickstream");
    }

    @Test
    void shouldUnsubscribeWhenEmailConsentIsWithdrawnEvenByAnOlderRecord() {
        aggregator.apply(profile, traits(5).setEmailConsent(true).setSmsConsent(false).build(), NOW);
        assertThat(profile.getEmail().getSubscribed()).isTrue();
        assertThat(profile.getConsent().getEmail()).isTrue();
        assertThat(profile.getConsent().getSms()).isFalse();

        aggregator.apply(profile, traits(3).setEmailConsent(false).build(), NOW);
        assertThat(profile.getEmail().getSubscribed()).isFalse();
        assertThat(profile.getConsent().getEmail()).as("the newest record states consent").isTrue();

        aggregator.apply(profile, traits(7).setEmailConsent(true).build(), NOW);
        assertThat(profile.getEmail().getSubscribed()).as("like an unsubscribe, withdrawal is not undone").isFalse();
    }

    @Test
    void shouldAgeTheBandWithTheNewestEvent() {
        aggregator.apply(profile, traits(1).setBirthYear(2008).build(), NOW);
        assertThat(profile.getDemographics().getAgeBand()).isEqualTo("18-24");
        aggregator.apply(profile, EmailEvent.newBuilder().setEventId("m1").setCustomerId("c1").setCampaignId("x")
            .setType(EmailEventType.SENT).setTimestamp(Instant.parse("2033-06-01T00:00:00Z")).build(), NOW);
        assertThat(profile.getDemographics().getAgeBand()).isEqualTo("25-34");
        assertThat(DemographicsRules.ageBand(17)).isEqualTo("under-18");
        assertThat(DemographicsRules.ageBand(18)).isEqualTo("18-24");
        assertThat(DemographicsRules.ageBand(25)).isEqualTo("25-34");
        assertThat(DemographicsRules.ageBand(54)).isEqualTo("45-54");
        assertThat(DemographicsRules.ageBand(64)).isEqualTo("55-64");
        assertThat(DemographicsRules.ageBand(65)).isEqualTo("65+");
    }

    private static CustomerTraits.Builder traits(final long days) {
        return CustomerTraits.newBuilder().setCustomerId("c1").setUpdatedAt(at(days));
    }

    private static ClickEvent click(final long days, final String country) {
        return ClickEvent.newBuilder()
            .setEventId("e" + days)
            .setAnonymousId("a1")
            .setCustomerId("c1")
            .setSessionId("s1")
            .setType(ClickType.PAGE_VIEW)
            .setTimestamp(at(days))
            .setChannel("organic")
            .setDevice(Device.DESKTOP)
            .setCountry(country)
            .build();
    }

    private static Instant at(final long days) {
        return START.plus(Duration.ofDays(days));
    }
}
