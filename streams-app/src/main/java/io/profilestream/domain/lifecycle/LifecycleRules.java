package io.profilestream.domain.lifecycle;

import java.time.Duration;

/**
 * Thresholds of the lifecycle stages, with hysteresis: a stage entered at one churn risk is left only when the risk
 * falls below a lower one, so a customer near a threshold does not flap.
 *
 * @param newPeriod how long after the first purchase a customer is NEW
 * @param loyalPurchaseDays distinct purchase days from which a customer in good standing is LOYAL
 * @param atRiskEnter churn risk at or above which a customer becomes AT_RISK
 * @param atRiskExit churn risk below which an AT_RISK customer recovers
 * @param churnedEnter churn risk at or above which a customer is CHURNED
 * @param churnedExit churn risk below which a CHURNED customer is no longer churned (a purchase makes it REACTIVATED)
 * @param reactivatedPeriod how long a returning customer stays REACTIVATED
 * @param horizon how far ahead the engine looks for the next time-driven change
 */
public record LifecycleRules(Duration newPeriod,
                             int loyalPurchaseDays,
                             double atRiskEnter,
                             double atRiskExit,
                             double churnedEnter,
                             double churnedExit,
                             Duration reactivatedPeriod,
                             Duration horizon) {

    public LifecycleRules {
        if (!(atRiskExit <= atRiskEnter && atRiskEnter < churnedEnter && churnedExit <= churnedEnter)) {
            throw new IllegalArgumentException("lifecycle thresholds must satisfy at-risk.exit <= at-risk.enter < "
                + "churned.enter and churned.exit <= churned.enter.");
        }
        if (atRiskExit < 0 || churnedEnter > 1) {
            throw new IllegalArgumentException("lifecycle churn-risk thresholds must be between 0 and 1.");
        }
    }
}
