package io.profilestream.loadtest;

import io.profilestream.config.Topics;

/**
 * The input topics a generated event can go to.
 */
public enum EventKind {
    /** A {@link io.profilestream.events.ClickEvent}, keyed by anonymousId. */
    CLICK,
    /** A {@link io.profilestream.events.PurchaseEvent}, keyed by customerId. */
    PURCHASE,
    /** An {@link io.profilestream.events.EmailEvent}, keyed by customerId. */
    EMAIL;

    /**
     * The topic events of this kind are produced to.
     */
    public String topic(final Topics topics) {
        return switch (this) {
            case CLICK -> topics.clickstream();
            case PURCHASE -> topics.purchases();
            case EMAIL -> topics.email();
        };
    }
}
