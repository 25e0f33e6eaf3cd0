package io.profilestream.domain;

import java.time.Instant;

import io.profilestream.domain.lifecycle.ChurnCurve;
import io.profilestream.profile.CustomerProfile;

/**
 * Fills a profile's scores (P(alive), expected purchases, churn risk, expected order value, CLV, RFM) as of a time.
 */
public interface ProfileScorer extends ChurnCurve, ScoreCurve {

    /**
     * Recomputes the scores of the profile, which the caller owns, as of {@code now}.
     */
    void score(CustomerProfile profile, Instant now);
}
