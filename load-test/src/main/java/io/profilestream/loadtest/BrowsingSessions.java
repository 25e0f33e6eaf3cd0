package io.profilestream.loadtest;

import static io.profilestream.loadtest.Agenda.DAY;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;

/**
 * Browsing: every visitor browses in sessions that come as a Poisson process at a rate set by their activity, with
 * page and product views in their categories of interest, searches, cart changes, and now and then a checkout that
 * is abandoned.
 * Customers who are still alive browse more, those who dropped out less.
 * Customers browse anonymously until they sign up (or log in, if they have an account).
 * Instances are not safe for concurrent use.
 */
final class BrowsingSessions {

    /** Nothing is scheduled further ahead than this. */
    private static final double HORIZON_MILLIS = 1e6 * DAY;
    /** Browsing sessions per day of a visitor of average activity. */
    private static final double SESSIONS_PER_DAY = 0.1;
    /** Extra browsing sessions per expected purchase, while a customer is alive. */
    private static final double SESSIONS_PER_PURCHASE = 2;
    /** How much of their browsing customers keep after they drop out. */
    private static final double DROPPED_OUT_ACTIVITY = 0.2;

    private final SimulationContext context;
    private final SessionPlanner planner;
    private final SplittableRandom random;

    BrowsingSessions(final SimulationContext context, final SessionPlanner planner) {
        this.context = context;
        this.planner = planner;
        this.random = context.random();
    }

    /**
     * Schedules every visitor's first browsing session.
     */
    void scheduleAll() {
        for (final Visitor visitor : context.population().visitors()) {
            schedule(visitor.index());
        }
    }

    /**
     * Plans a browsing session starting now: the clicks, whether the visitor identifies, and how far the cart gets.
     * Browsing sessions never end in an order; carts are abandoned.
     *
     * @param channel the channel, or {@code null} to pick one
     * @param landing the landing page, or {@code null} to pick one
     */
    void browse(final Visitor visitor, final String channel, final String landing) {
        final SessionPlanner.Visit visit = planner.visit(visitor, channel);
        final double propensity = visitor.purchasePropensity();
        final boolean addsToCart = Sampling.chance(random, 0.15 + 0.6 * propensity);
        final boolean checksOut = addsToCart && Sampling.chance(random, 0.1 + 0.3 * propensity);
        final boolean identifies = visitor.isCustomer()
            && Sampling.chance(random, context.states().isRegistered(visitor.index()) ? 0.45 : 0.08);

        final List<ClickEvent.Builder> clicks = new ArrayList<>();
        final String interest = Sampling.pick(random, visitor.interests());
        final String page = landing != null ? landing : Sampling.chance(random, 0.5) ? "/" : "/c/" + interest;
        clicks.add(SessionPlanner.click(ClickType.PAGE_VIEW, page));
        if (Sampling.chance(random, 0.35)) {
            clicks.add(SessionPlanner.search(Sampling.pick(random,
                context.catalogue().category(interest).searchTerms())));
        }
        final List<Catalogue.Product> viewed = new ArrayList<>();
        final int views = Sampling.between(random, 1, 6);
        for (int i = 0; i < views; i++) {
            final Catalogue.Product product = planner.pickProduct(visitor);
            viewed.add(product);
            clicks.add(SessionPlanner.productClick(ClickType.PRODUCT_VIEW, "/p/", product));
        }
        if (addsToCart) {
            final List<Catalogue.Product> cart = new ArrayList<>();
            final int adds = Sampling.between(random, 1, 3);
            for (int i = 0; i < adds; i++) {
                final Catalogue.Product product = Sampling.pick(random, viewed);
                cart.add(product);
                clicks.add(SessionPlanner.productClick(ClickType.ADD_TO_CART, "/cart/add/", product));
            }
            if (cart.size() >= 2 && Sampling.chance(random, 0.2)) {
                final Catalogue.Product removed = cart.remove(random.nextInt(cart.size()));
                clicks.add(SessionPlanner.productClick(ClickType.REMOVE_FROM_CART, "/cart/remove/", removed));
            }
        }
        if (checksOut) {
            clicks.add(SessionPlanner.click(ClickType.CHECKOUT_STARTED, "/checkout"));
        }
        final int identifyAt = identifies ? planner.insertIdentify(clicks, checksOut) : -1;

        final long[] times = new long[clicks.size()];
        long at = context.now();
        for (int i = 0; i < clicks.size(); i++) {
            if (i > 0) {
                at += planner.clickGap();
            }
            times[i] = at;
        }
        planner.start(visit, clicks, times, identifyAt);
    }

    /**
     * Schedules the visitor's next browsing session, after an exponential wait at the visitor's current rate.
     */
    private void schedule(final int index) {
        final double rate = sessionsPerDay(index);
        final double wait = rate > 0 ? Sampling.exponential(random, DAY / rate) : Double.POSITIVE_INFINITY;
        if (wait > HORIZON_MILLIS) {
            return;
        }
        context.schedule(context.now() + 1 + Math.round(wait), () -> {
            browse(context.population().visitor(index), null, null);
            schedule(index);
            return null;
        });
    }

    private double sessionsPerDay(final int index) {
        final Visitor visitor = context.population().visitor(index);
        final double base = visitor.activity() * SESSIONS_PER_DAY;
        final VisitorStates states = context.states();
        if (!visitor.buys() || states.purchases(index) == 0) {
            return base;
        }
        if (states.hasDroppedOut(index)) {
            return base * DROPPED_OUT_ACTIVITY;
        }
        return base + SESSIONS_PER_PURCHASE * visitor.habit().lambda();
    }
}
