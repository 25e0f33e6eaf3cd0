package io.profilestream.domain;

import java.util.List;
import java.util.function.Predicate;

import io.profilestream.profile.CustomerProfile;

/**
 * How complete a profile is, from 0 (nothing known) to 1: the share of these ten checks that hold, each counting
 * the same, so rules can leave thin profiles out ({@code profile.scores.completeness >= 0.5}):
 * <ol>
 *   <li>identity: a customer id (the person is known, not only an anonymous visitor);</li>
 *   <li>identity: an email hash (customer traits carried an email address);</li>
 *   <li>demographics: birth year;</li>
 *   <li>demographics: gender;</li>
 *   <li>demographics: country;</li>
 *   <li>demographics: city;</li>
 *   <li>consent: email consent stated, either way;</li>
 *   <li>behaviour: at least one session;</li>
 *   <li>transactions: at least one order;</li>
 *   <li>email: at least one email delivered.</li>
 * </ol>
 * It has no Kafka dependency and no I/O.
 */
public final class ProfileCompleteness {

    private static final List<Predicate<CustomerProfile>> CHECKS = List.of(
        profile -> profile.getIdentity().getCustomerId() != null,
        profile -> profile.getIdentity().getEmailHash() != null,
        profile -> profile.getDemographics().getBirthYear() != null,
        profile -> profile.getDemographics().getGender() != null,
        profile -> profile.getDemographics().getCountry() != null,
        profile -> profile.getDemographics().getCity() != null,
        profile -> profile.getConsent().getEmail() != null,
        profile -> profile.getBehaviour().getSessions() > 0,
        profile -> profile.getTransactions().getOrders() > 0,
        profile -> profile.getEmail().getDelivered() > 0);

    private ProfileCompleteness() {
    }

    /** The share of the checks the profile passes, in [0, 1]. */
    public static double of(final CustomerProfile profile) {
        int passed = 0;
        for (final Predicate<CustomerProfile> check : CHECKS) {
            if (check.test(profile)) {
                passed++;
            }
        }
        return (double) passed / CHECKS.size();
    }
}
