package io.profilestream.domain.lifecycle;

import java.time.Instant;

import io.profilestream.profile.CustomerProfile;

/**
 * The churn risk of a profile's purchase history as of a given time, with no further events.
 * For a fixed history it never decreases as time passes, which lets the engine find when a threshold will be crossed.
 */
@FunctionalInterface
public interface ChurnCurve {

    /**
     * Churn risk at a time, or NaN when the profile has no purchase.
     */
    double churnRiskAt(CustomerProfile profile, Instant at);
}
