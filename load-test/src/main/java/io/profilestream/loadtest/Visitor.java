package io.profilestream.loadtest;

import java.util.List;

import io.profilestream.events.Device;

/**
 * One simulated person: a known customer, or a visitor who only ever browses anonymously.
 *
 * @param index position in the population
 * @param customerId the customer id, or {@code null} for a visitor who is never identified
 * @param browsers the person's devices, each with its own anonymous id; the first is the preferred one
 * @param preferredChannel the channel most sessions arrive through
 * @param country ISO 3166-1 alpha-2 country code
 * @param interests categories of interest, strongest first
 * @param activity relative frequency of sessions (a Gamma draw, mean 1)
 * @param purchasePropensity between 0 and 1: how readily a session moves towards an order
 * @param emailOpenPropensity probability of opening a delivered email
 * @param emailClickPropensity probability of clicking an opened email
 * @param registeredAtStart whether the customer already has an account (logs in) or still has to sign up
 * @param habit how the customer buys, or {@code null} for a visitor who never does
 */
public record Visitor(int index,
                      String customerId,
                      List<Browser> browsers,
                      String preferredChannel,
                      String country,
                      List<String> interests,
                      double activity,
                      double purchasePropensity,
                      double emailOpenPropensity,
                      double emailClickPropensity,
                      boolean registeredAtStart,
                      PurchaseHabit habit) {

    public Visitor {
        browsers = List.copyOf(browsers);
        interests = List.copyOf(interests);
    }

    /**
     * Whether this person is a customer who can log in, sign up, order and receive email.
     */
    public boolean isCustomer() {
        return customerId != null;
    }

    /**
     * Whether this visitor is a customer whose habit says it buys at all; always true for customers.
     */
    public boolean buys() {
        return habit != null;
    }

    public Browser preferredBrowser() {
        return browsers.get(0);
    }

    /**
     * A device the person browses with, identified by its anonymous id (cookie or app install).
     *
     * @param anonymousId the id clicks from this device are keyed by
     * @param device the kind of device
     */
    public record Browser(String anonymousId, Device device) {
    }

    /**
     * One customer's draws from the {@link PurchaseModel}: the truth the simulator's purchases follow.
     *
     * @param lambda purchase rate per day while alive
     * @param dropoutProbability probability of dropping out right after each repeat purchase
     * @param firstPurchaseDay when the first purchase happens, in days after the simulated start
     * @param seed seed of this customer's purchase timeline (times, dropout and baskets)
     */
    public record PurchaseHabit(double lambda, double dropoutProbability, double firstPurchaseDay, long seed) {
    }
}
