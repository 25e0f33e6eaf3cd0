package io.profilestream.loadtest;

import static io.profilestream.loadtest.Agenda.DAY;
import static io.profilestream.loadtest.Agenda.HOUR;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;

/**
 * Purchases: customers buy when their {@link PurchaseTimeline} says, following the BG/NBD process of the population's
 * {@link PurchaseModel}.
 * Each purchase is the end of a session that views, adds to the cart and checks out exactly the basket ordered; the
 * customer identifies in that session at the latest.
 * A few orders are refunded days later.
 * Instances are not safe for concurrent use.
 */
final class Purchasing {

    /** How long before a purchase its session is planned; longer than nearly every session lasts. */
    private static final long PURCHASE_PLANNING_LEAD = 2 * HOUR;
    private static final double REFUND_SHARE = 0.05;

    private final SimulationContext context;
    private final SessionPlanner planner;
    private final SplittableRandom random;
    private final PurchaseTimeline[] timelines;

    Purchasing(final SimulationContext context, final SessionPlanner planner) {
        this.context = context;
        this.planner = planner;
        this.random = context.random();
        this.timelines = new PurchaseTimeline[context.population().visitors().size()];
    }

    /**
     * Starts every customer's purchase timeline and schedules their first purchase.
     */
    void scheduleFirstPurchases() {
        for (final Visitor customer : context.population().customers()) {
            timelines[customer.index()] = new PurchaseTimeline(customer, context.catalogue());
            schedule(customer, timelines[customer.index()].next());
        }
    }

    /**
     * Schedules the planning of a purchase's session a while before the purchase, so that sessions are only held in
     * memory shortly before they run.
     */
    private void schedule(final Visitor customer, final PurchaseTimeline.Purchase purchase) {
        if (purchase == null) {
            return;
        }
        context.schedule(Math.max(context.now(), purchase.offsetMillis() - PURCHASE_PLANNING_LEAD), () -> {
            plan(customer, purchase);
            return null;
        });
    }

    /**
     * Plans the session that ends in a purchase, backwards from the purchase's time: it views the basket (and
     * maybe more), adds each unit to the cart, identifies, checks out and orders exactly at the planned time.
     */
    private void plan(final Visitor customer, final PurchaseTimeline.Purchase purchase) {
        final SessionPlanner.Visit visit = planner.visit(customer, null);
        final List<Catalogue.Product> basket = List.copyOf(purchase.basket().keySet());

        final List<ClickEvent.Builder> clicks = new ArrayList<>();
        clicks.add(SessionPlanner.click(ClickType.PAGE_VIEW,
            Sampling.chance(random, 0.5) ? "/" : "/c/" + basket.get(0).category()));
        if (Sampling.chance(random, 0.35)) {
            clicks.add(SessionPlanner.search(Sampling.pick(random,
                context.catalogue().category(basket.get(0).category()).searchTerms())));
        }
        final List<Catalogue.Product> extras = new ArrayList<>();
        final int extraViews = Sampling.between(random, 0, 3);
        for (int i = 0; i < extraViews; i++) {
            final Catalogue.Product product = planner.pickProduct(customer);
            extras.add(product);
            clicks.add(SessionPlanner.productClick(ClickType.PRODUCT_VIEW, "/p/", product));
        }
        for (final Catalogue.Product product : basket) {
            clicks.add(SessionPlanner.productClick(ClickType.PRODUCT_VIEW, "/p/", product));
        }
        for (final Map.Entry<Catalogue.Product, Integer> line : purchase.basket().entrySet()) {
            for (int i = 0; i < line.getValue(); i++) {
                clicks.add(SessionPlanner.productClick(ClickType.ADD_TO_CART, "/cart/add/", line.getKey()));
            }
        }
        if (!extras.isEmpty() && Sampling.chance(random, 0.2)) {
            final Catalogue.Product removed = Sampling.pick(random, extras);
            clicks.add(SessionPlanner.productClick(ClickType.ADD_TO_CART, "/cart/add/", removed));
            clicks.add(SessionPlanner.productClick(ClickType.REMOVE_FROM_CART, "/cart/remove/", removed));
        }
        clicks.add(SessionPlanner.click(ClickType.CHECKOUT_STARTED, "/checkout"));
        final int identifyAt = planner.insertIdentify(clicks, true);

        final long orderAt = purchase.offsetMillis();
        final long[] times = new long[clicks.size()];
        long at = orderAt;
        for (int i = clicks.size() - 1; i >= 0; i--) {
            at -= planner.clickGap();
            times[i] = at;
        }
        long previous = context.now();
        for (int i = 0; i < clicks.size(); i++) {
            previous = Math.min(orderAt, Math.max(previous, times[i]));
            times[i] = previous;
        }
        planner.start(visit, clicks, times, identifyAt,
            new Agenda.Timed(orderAt, () -> order(customer, visit.channel(), purchase)));
    }

    /**
     * The order of a planned purchase; schedules the customer's next purchase, unless they drop out with this one.
     */
    private GeneratedEvent order(final Visitor customer,
                                 final String channel,
                                 final PurchaseTimeline.Purchase purchase) {
        final int index = customer.index();
        context.states().recordPurchase(index);
        final PurchaseEvent order = PurchaseEvent.newBuilder()
            .setEventId(context.eventId())
            .setOrderId("o-" + Sampling.hex(random, 16))
            .setCustomerId(customer.customerId())
            .setType(PurchaseType.ORDER)
            .setTimestamp(context.stamp())
            .setCurrency(Catalogue.CURRENCY)
            .setTotalMinor(purchase.totalMinor())
            .setDiscountMinor(purchase.discountMinor())
            .setItems(purchase.lineItems())
            .setChannel(channel)
            .build();
        if (Sampling.chance(random, REFUND_SHARE)) {
            context.schedule(context.now() + Sampling.uniform(random, DAY, 30 * DAY), () -> refund(order));
        }
        if (purchase.dropsOut()) {
            context.states().dropOut(index);
        } else {
            schedule(customer, timelines[index].next());
        }
        return GeneratedEvent.purchase(order);
    }

    /**
     * A refund of the whole order or of one of its lines.
     */
    private GeneratedEvent refund(final PurchaseEvent order) {
        final List<LineItem> items = Sampling.chance(random, 0.6)
            ? order.getItems()
            : List.of(Sampling.pick(random, order.getItems()));
        long total = 0;
        for (final LineItem item : items) {
            total += item.getUnitPriceMinor() * item.getQuantity();
        }
        return GeneratedEvent.purchase(PurchaseEvent.newBuilder()
            .setEventId(context.eventId())
            .setOrderId(order.getOrderId())
            .setCustomerId(order.getCustomerId())
            .setType(PurchaseType.REFUND)
            .setTimestamp(context.stamp())
            .setCurrency(order.getCurrency())
            .setTotalMinor(total)
            .setDiscountMinor(0)
            .setItems(List.copyOf(items))
            .setChannel(order.getChannel())
            .build());
    }
}
