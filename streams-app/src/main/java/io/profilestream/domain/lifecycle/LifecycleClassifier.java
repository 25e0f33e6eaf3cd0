package io.profilestream.domain.lifecycle;

import java.time.Duration;
import java.time.Instant;

import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.LifecycleStage;

/**
 * Assigns lifecycle stages and tells when the stage could next change with no new event.
 * <ul>
 *   <li>VISITOR: an anonymous visitor; LEAD: a known customer without a purchase.</li>
 *   <li>NEW: within {@code newPeriod} of the first purchase, whatever the churn risk (most first-time buyers
 *       score as likely to churn at once).</li>
 *   <li>CHURNED: churn risk at or above {@code churnedEnter} (held until it falls below {@code churnedExit}).</li>
 *   <li>REACTIVATED: a CHURNED customer who bought again (churn risk below {@code churnedExit}), for
 *       {@code reactivatedPeriod} unless at risk again.</li>
 *   <li>AT_RISK: churn risk at or above {@code atRiskEnter} (held until it falls below {@code atRiskExit}).</li>
 *   <li>LOYAL: {@code loyalPurchaseDays} or more purchase days; ACTIVE otherwise.</li>
 * </ul>
 */
public final class LifecycleClassifier {

    /** How often a CHURNED profile, whose stage only a purchase can change, is scored again. */
    public static final Duration CHURNED_RESCORE = Duration.ofDays(7);
    /** Precision of the search for the time a churn threshold is crossed. */
    private static final long PRECISION_MS = 60_000;

    private final LifecycleRules rules;
    private final ChurnCurve churn;

    public LifecycleClassifier(final LifecycleRules rules, final ChurnCurve churn) {
        this.rules = rules;
        this.churn = churn;
    }

    /**
     * The stage of a profile at a time, given its current stage (for hysteresis) and when it was entered.
     */
    public LifecycleStage classify(final CustomerProfile profile, final Instant at) {
        final LifecycleStage previous = profile.getLifecycleStage();
        if (profile.getTransactions().getOrders() == 0 || profile.getTransactions().getFirstPurchaseAt() == null) {
            return profile.getIdentity().getCustomerId() == null ? LifecycleStage.VISITOR : LifecycleStage.LEAD;
        }
        final Instant newUntil = profile.getTransactions().getFirstPurchaseAt().plus(rules.newPeriod());
        if (at.isBefore(newUntil)) {
            return LifecycleStage.NEW;
        }
        final double risk = churn.churnRiskAt(profile, at);
        if (risk >= rules.churnedEnter() || previous == LifecycleStage.CHURNED && risk >= rules.churnedExit()) {
            return LifecycleStage.CHURNED;
        }
        // Churn risk never falls as time passes, so a churned customer below the exit threshold has bought again.
        final boolean returning = previous == LifecycleStage.CHURNED
            || previous == LifecycleStage.REACTIVATED && profile.getLifecycleSince() != null
                && at.isBefore(profile.getLifecycleSince().plus(rules.reactivatedPeriod()));
        final boolean atRisk = risk >= rules.atRiskEnter()
            || previous == LifecycleStage.AT_RISK && risk >= rules.atRiskExit();
        if (atRisk) {
            return LifecycleStage.AT_RISK;
        }
        if (returning) {
            return LifecycleStage.REACTIVATED;
        }
        return profile.getTransactions().getDistinctPurchaseDays() >= rules.loyalPurchaseDays()
            ? LifecycleStage.LOYAL
            : LifecycleStage.ACTIVE;
    }

    /**
     * The earliest time after {@code now} at which the stage could change with no new event, or null if never
     * (within the horizon); for a CHURNED profile, when its scores are next refreshed ({@link #CHURNED_RESCORE}).
     * The profile's stage must already be the one {@link #classify} gives at {@code now}.
     */
    public Instant nextChange(final CustomerProfile profile, final Instant now) {
        final LifecycleStage stage = profile.getLifecycleStage();
        if (stage == null || stage == LifecycleStage.VISITOR || stage == LifecycleStage.LEAD) {
            return null;
        }
        if (stage == LifecycleStage.CHURNED) {
            // The stage holds until a purchase, but its scores keep moving: they are refreshed at this interval.
            return now.plus(CHURNED_RESCORE);
        }
        if (stage == LifecycleStage.NEW) {
            return profile.getTransactions().getFirstPurchaseAt().plus(rules.newPeriod());
        }
        Instant next = null;
        if (stage == LifecycleStage.REACTIVATED && profile.getLifecycleSince() != null) {
            next = earliest(next, profile.getLifecycleSince().plus(rules.reactivatedPeriod()));
        }
        final double threshold = stage == LifecycleStage.AT_RISK ? rules.churnedEnter() : rules.atRiskEnter();
        return earliest(next, crossing(profile, now, threshold));
    }

    /** The first time after now at which churn risk reaches the threshold, found by bisection on the curve. */
    private Instant crossing(final CustomerProfile profile, final Instant now, final double threshold) {
        long low = now.toEpochMilli();
        long high = now.plus(rules.horizon()).toEpochMilli();
        if (churn.churnRiskAt(profile, Instant.ofEpochMilli(high)) < threshold) {
            return null;
        }
        if (churn.churnRiskAt(profile, now) >= threshold) {
            return now.plusMillis(PRECISION_MS);
        }
        while (high - low > PRECISION_MS) {
            final long middle = low + (high - low) / 2;
            if (churn.churnRiskAt(profile, Instant.ofEpochMilli(middle)) >= threshold) {
                high = middle;
            } else {
                low = middle;
            }
        }
        return Instant.ofEpochMilli(high);
    }

    private static Instant earliest(final Instant a, final Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }
}
