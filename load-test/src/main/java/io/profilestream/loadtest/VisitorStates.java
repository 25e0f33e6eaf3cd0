package io.profilestream.loadtest;

/**
 * What a simulated run has changed about each visitor so far, by visitor index: whether they have an account,
 * whether email still reaches them, how many orders they have placed and whether they have dropped out.
 * Instances are not safe for concurrent use.
 */
final class VisitorStates {

    private final boolean[] registered;
    private final boolean[] reachable;
    private final int[] purchases;
    private final boolean[] droppedOut;

    /**
     * The states at the start: customers registered at the start have an account, every customer can be emailed.
     */
    VisitorStates(final Population population) {
        final int size = population.visitors().size();
        this.registered = new boolean[size];
        this.reachable = new boolean[size];
        this.purchases = new int[size];
        this.droppedOut = new boolean[size];
        for (final Visitor visitor : population.visitors()) {
            registered[visitor.index()] = visitor.isCustomer() && visitor.registeredAtStart();
            reachable[visitor.index()] = visitor.isCustomer();
        }
    }

    boolean isRegistered(final int index) {
        return registered[index];
    }

    /** The visitor has signed up (or logged in to the account they had). */
    void register(final int index) {
        registered[index] = true;
    }

    boolean isReachable(final int index) {
        return reachable[index];
    }

    /** Email no longer reaches the customer: a bounce, a complaint or an unsubscribe. */
    void stopReaching(final int index) {
        reachable[index] = false;
    }

    int purchases(final int index) {
        return purchases[index];
    }

    void recordPurchase(final int index) {
        purchases[index]++;
    }

    boolean hasDroppedOut(final int index) {
        return droppedOut[index];
    }

    /** The customer has made their last purchase. */
    void dropOut(final int index) {
        droppedOut[index] = true;
    }
}
