package io.profilestream.domain;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;

import io.profilestream.events.CustomerTraits;
import io.profilestream.identity.EmailHasher;
import io.profilestream.profile.Consent;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.Demographics;
import io.profilestream.profile.Identity;

/**
 * How customer traits and the clickstream's countries shape a profile's demographics, consent and age band.
 */
final class DemographicsRules {

    private final EmailHasher emailHasher;

    DemographicsRules(final EmailHasher emailHasher) {
        this.emailHasher = emailHasher;
    }

    /**
     * Applies customer traits: each record is the customer's full current traits, so a null field clears it.
     * Traits older than the newest applied are ignored, which makes the result independent of arrival order.
     * The email address is kept only as a salted hash.
     * Withdrawn email consent unsubscribes the customer like an unsubscribe event, even when the record is older than
     * the newest applied, and like an unsubscribe it is not undone by consent given later.
     */
    CustomerProfile apply(final CustomerProfile profile, final CustomerTraits traits, final Instant now) {
        final Identity identity = profile.getIdentity();
        identity.setVersion(identity.getVersion() + 1);
        identity.setUpdatedAt(now);
        if (Boolean.FALSE.equals(traits.getEmailConsent())) {
            profile.getEmail().setSubscribed(false);
        }
        final Demographics demographics = profile.getDemographics();
        final Instant updatedAt = traits.getUpdatedAt();
        if (demographics.getTraitsUpdatedAt() != null && updatedAt.isBefore(demographics.getTraitsUpdatedAt())) {
            return profile;
        }
        demographics.setTraitsUpdatedAt(updatedAt);
        demographics.setBirthYear(traits.getBirthYear());
        demographics.setGender(trimmed(traits.getGender()));
        demographics.setLoyaltyTier(trimmed(traits.getLoyaltyTier()));
        demographics.setAttributes(new HashMap<>(traits.getAttributes()));
        final String country = trimmed(traits.getCountry());
        demographics.setCity(trimmed(traits.getCity()));
        demographics.setRegion(trimmed(traits.getRegion()));
        demographics.setPostalCode(trimmed(traits.getPostalCode()));
        if (country != null) {
            demographics.setCountry(country.toUpperCase(Locale.ROOT));
            demographics.setLocationSource(ProfileAggregator.LOCATION_FROM_CRM);
        } else {
            demographics.setCountry(null);
            demographics.setLocationSource(null);
            fillLocationFromClicks(profile);
        }
        refreshAgeBand(profile);
        identity.setEmailHash(traits.getEmail() == null ? null : emailHasher.hash(traits.getEmail()));
        final Consent consent = profile.getConsent();
        consent.setEmail(traits.getEmailConsent());
        consent.setSms(traits.getSmsConsent());
        consent.setUpdatedAt(updatedAt);
        return profile;
    }

    /**
     * The age band for an age in whole years: under-18, 18-24, 25-34, 35-44, 45-54, 55-64 or 65+.
     */
    static String ageBand(final int age) {
        if (age < 18) {
            return "under-18";
        } else if (age < 25) {
            return "18-24";
        } else if (age < 35) {
            return "25-34";
        } else if (age < 45) {
            return "35-44";
        } else if (age < 55) {
            return "45-54";
        } else if (age < 65) {
            return "55-64";
        }
        return "65+";
    }

    /**
     * Sets {@code demographics.ageBand} from the birth year as of the year of the newest event or traits applied.
     */
    static void refreshAgeBand(final CustomerProfile profile) {
        final Demographics demographics = profile.getDemographics();
        final Instant asOf = Instants.latest(profile.getIdentity().getLastSeen(), demographics.getTraitsUpdatedAt());
        if (demographics.getBirthYear() == null || asOf == null) {
            demographics.setAgeBand(null);
            return;
        }
        final int year = asOf.atZone(ZoneOffset.UTC).getYear();
        demographics.setAgeBand(ageBand(year - demographics.getBirthYear()));
    }

    /**
     * Uses the latest click's country as the location while customer traits name none.
     */
    static void fillLocationFromClicks(final CustomerProfile profile) {
        final Demographics demographics = profile.getDemographics();
        final String lastCountry = profile.getBehaviour().getLastCountry();
        if (!ProfileAggregator.LOCATION_FROM_CRM.equals(demographics.getLocationSource()) && lastCountry != null) {
            demographics.setCountry(lastCountry);
            demographics.setLocationSource(ProfileAggregator.LOCATION_FROM_CLICKS);
        }
    }

    private static String trimmed(final String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
