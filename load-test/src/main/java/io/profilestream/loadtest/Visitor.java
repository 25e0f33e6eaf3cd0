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
                      boolean registeredAtStart) {

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
}
