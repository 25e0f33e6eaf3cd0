package io.profilestream.domain;

import java.time.Instant;

import org.apache.avro.generic.IndexedRecord;

/**
 * How a profile's time-dependent scores move while nothing happens, so that the re-evaluation schedule can find when
 * a rule such as {@code profile.scores.churnRisk > 0.75} flips without a new event.
 * Each such score moves one way as time passes (churn risk rises; P(alive), expected purchases, CLV and the engagement
 * score fall), which is what lets the crossing time be found by bisection.
 */
public interface ScoreCurve {

    /** A curve that knows no score: rules on scores are then only re-checked when the profile changes. */
    ScoreCurve NONE = (profile, score, at) -> Double.NaN;

    /**
     * The value the named score ({@code churnRisk}, {@code pAlive}, {@code expectedPurchases}, {@code clv},
     * {@code engagementScore}) of the profile would have at {@code at} with no new event, or NaN when the profile has
     * no such score or the name is not one that moves with time.
     */
    double scoreAt(IndexedRecord profile, String score, Instant at);
}
