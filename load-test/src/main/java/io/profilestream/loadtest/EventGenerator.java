package io.profilestream.loadtest;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.EmailEventType;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;

/**
 * Turns a {@link Population} into a plausible, endless stream of click, purchase and email events.
 *
 * <p>Visitors browse in sessions that run side by side: page and product views in their categories of interest,
 * searches, cart changes and checkouts.
 * Customers log in or sign up in some sessions, and only after that do their clicks carry the customerId.
 * Some identified sessions end in an order for the cart's contents, and a few orders are refunded later.
 * Email campaigns go to registered customers: sent, then delivered or bounced, then opened and clicked by each
 * customer's propensity, with the odd unsubscribe or complaint.
 *
 * <p>Every decision comes from a random stream seeded by the population's seed, and delays are counted in
 * generated events rather than in time, so the same population always yields the same events in the same order
 * (ids included); only the timestamps come from the clock, read when each event is emitted.
 * Instances are not safe for concurrent use.
 */
public final class EventGenerator implements EventSource {

    private static final long SEED_SALT = 0x5DEECE66DL;
    private static final double NEW_SESSION_SHARE = 0.2;
    private static final int MAX_CONCURRENT_SESSIONS = 64;
    private static final double EMAIL_SHARE = 0.04;
    private static final int CAMPAIGN_SIZE = 250;
    private static final double REFUND_SHARE = 0.05;
    private static final double DISCOUNT_SHARE = 0.2;
    private static final int PICK_ATTEMPTS = 20;

    private final Population population;
    private final Catalogue catalogue;
    private final Clock clock;
    private final SplittableRandom random;
    private final double[] activity;
    private final boolean[] inSession;
    private final boolean[] registered;
    private final boolean[] reachable;
    private final int[] lastCampaign;
    private final List<Session> sessions = new ArrayList<>();
    private final int maxConcurrentSessions;
    private final PriorityQueue<Scheduled> agenda = new PriorityQueue<>(
        Comparator.comparingLong(Scheduled::dueStep).thenComparingLong(Scheduled::sequence));
    private long step;
    private long scheduled;
    private long emailsSent;

    /**
     * Creates a generator for a population; its random stream is derived from the population's seed.
     *
     * @param population who browses, buys and reads email
     * @param clock where event timestamps come from, read once per event (the system clock in live mode)
     */
    public EventGenerator(final Population population, final Clock clock) {
        this.population = population;
        this.catalogue = population.catalogue();
        this.clock = clock;
        this.random = new SplittableRandom(population.seed() ^ SEED_SALT);
        final List<Visitor> visitors = population.visitors();
        this.activity = new double[visitors.size()];
        this.inSession = new boolean[visitors.size()];
        this.registered = new boolean[visitors.size()];
        this.reachable = new boolean[visitors.size()];
        this.lastCampaign = new int[visitors.size()];
        for (final Visitor visitor : visitors) {
            activity[visitor.index()] = visitor.activity();
            registered[visitor.index()] = visitor.isCustomer() && visitor.registeredAtStart();
            reachable[visitor.index()] = visitor.isCustomer();
        }
        this.maxConcurrentSessions = Math.max(1, Math.min(MAX_CONCURRENT_SESSIONS, visitors.size() / 20));
    }

    /**
     * The customers who place the first orders in this population's event stream, in the order they do so.
     * The stream is replayed from the seed without a clock, so the answer is exact and costs no I/O: a demo can
     * print these ids knowing their profiles will have an order soon after generation starts.
     * When fewer than {@code count} customers order within {@code maxEvents} events, customers who appear in any
     * event fill the list.
     *
     * @param population the population a generator will run over
     * @param count how many ids to return at most
     * @param maxEvents how many events to replay at most
     */
    public static List<String> firstActiveCustomers(final Population population,
                                                    final int count,
                                                    final int maxEvents) {
        final EventGenerator replay = new EventGenerator(population, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        final Set<String> buyers = new LinkedHashSet<>();
        final Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < maxEvents && buyers.size() < count; i++) {
            final GeneratedEvent event = replay.next();
            if (event.kind() != EventKind.CLICK) {
                seen.add(event.key());
            } else if (((ClickEvent) event.value()).getCustomerId() != null) {
                seen.add(((ClickEvent) event.value()).getCustomerId());
            }
            if (event.value() instanceof PurchaseEvent purchase && purchase.getType() == PurchaseType.ORDER) {
                buyers.add(purchase.getCustomerId());
            }
        }
        final Set<String> result = new LinkedHashSet<>(buyers);
        for (final String id : seen) {
            if (result.size() >= count) {
                break;
            }
            result.add(id);
        }
        return List.copyOf(result);
    }

    public Population population() {
        return population;
    }

    @Override
    public GeneratedEvent next() {
        step++;
        final Scheduled due = agenda.peek();
        if (due != null && due.dueStep() <= step) {
            agenda.poll();
            return due.draft().emit(now());
        }
        if (Sampling.chance(random, EMAIL_SHARE)) {
            final GeneratedEvent email = sendEmail();
            if (email != null) {
                return email;
            }
        }
        if (sessions.isEmpty()
            || (sessions.size() < maxConcurrentSessions && Sampling.chance(random, NEW_SESSION_SHARE))) {
            startSession();
        }
        final int index = random.nextInt(sessions.size());
        final Session session = sessions.get(index);
        final GeneratedEvent event = session.steps.removeFirst().emit(now());
        if (session.steps.isEmpty()) {
            sessions.set(index, sessions.get(sessions.size() - 1));
            sessions.remove(sessions.size() - 1);
            inSession[session.visitor.index()] = false;
        }
        return event;
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private void schedule(final int minDelay, final int maxDelay, final Draft draft) {
        agenda.add(new Scheduled(step + Sampling.between(random, minDelay, maxDelay), scheduled++, draft));
    }

    private String eventId() {
        return Sampling.uuid(random).toString();
    }

    private void startSession() {
        for (int attempt = 0; attempt < PICK_ATTEMPTS; attempt++) {
            final int index = Sampling.weighted(random, activity);
            if (!inSession[index]) {
                inSession[index] = true;
                sessions.add(plan(population.visitor(index)));
                return;
            }
        }
        if (sessions.isEmpty()) {
            throw new IllegalStateException("No visitor is free to start a session.");
        }
    }

    /**
     * Decides the whole session up front: the clicks, where the visitor identifies, and whether it ends in an order.
     */
    private Session plan(final Visitor visitor) {
        final Visitor.Browser browser = visitor.browsers().size() == 1 || Sampling.chance(random, 0.75)
            ? visitor.preferredBrowser()
            : Sampling.pick(random, visitor.browsers().subList(1, visitor.browsers().size()));
        final String channel = Sampling.chance(random, 0.6)
            ? visitor.preferredChannel()
            : Sampling.pick(random, Population.CHANNELS);
        final String sessionId = "s-" + Sampling.hex(random, 16);
        final double propensity = visitor.purchasePropensity();
        final boolean addsToCart = Sampling.chance(random, 0.15 + 0.6 * propensity);
        final boolean checksOut = addsToCart && Sampling.chance(random, 0.3 + 0.5 * propensity);
        final boolean orders = checksOut && visitor.isCustomer() && Sampling.chance(random, 0.5 + 0.45 * propensity);
        final boolean signedUp = registered[visitor.index()];
        final boolean identifies = visitor.isCustomer()
            && (orders || Sampling.chance(random, signedUp ? 0.45 : 0.08));

        final List<ClickEvent.Builder> clicks = new ArrayList<>();
        final String landing = Sampling.pick(random, visitor.interests());
        clicks.add(click(ClickType.PAGE_VIEW, Sampling.chance(random, 0.5) ? "/" : "/c/" + landing));
        if (Sampling.chance(random, 0.35)) {
            final String term = Sampling.pick(random, catalogue.category(landing).searchTerms());
            clicks.add(click(ClickType.SEARCH, "/search?q=" + term.replace(' ', '+')).setSearchQuery(term));
        }
        final List<Catalogue.Product> viewed = new ArrayList<>();
        final int views = Sampling.between(random, 1, 6);
        for (int i = 0; i < views; i++) {
            final String category = Sampling.chance(random, 0.85)
                ? Sampling.pick(random, visitor.interests())
                : Sampling.pick(random, catalogue.categoryNames());
            final Catalogue.Product product = Sampling.pick(random, catalogue.products(category));
            viewed.add(product);
            clicks.add(productClick(ClickType.PRODUCT_VIEW, "/p/", product));
        }
        final List<Catalogue.Product> cart = new ArrayList<>();
        if (addsToCart) {
            final int adds = Sampling.between(random, 1, 3);
            for (int i = 0; i < adds; i++) {
                final Catalogue.Product product = Sampling.pick(random, viewed);
                cart.add(product);
                clicks.add(productClick(ClickType.ADD_TO_CART, "/cart/add/", product));
            }
            if (cart.size() >= 2 && Sampling.chance(random, 0.2)) {
                final Catalogue.Product removed = cart.remove(random.nextInt(cart.size()));
                clicks.add(productClick(ClickType.REMOVE_FROM_CART, "/cart/remove/", removed));
            }
        }
        if (checksOut) {
            clicks.add(click(ClickType.CHECKOUT_STARTED, "/checkout"));
        }
        if (identifies) {
            final int latest = checksOut ? clicks.size() - 1 : clicks.size();
            final int at = Sampling.between(random, 1, latest);
            final ClickType type = signedUp ? ClickType.LOGIN : ClickType.SIGN_UP;
            clicks.add(at, click(type, type == ClickType.LOGIN ? "/login" : "/signup"));
            for (int i = at; i < clicks.size(); i++) {
                clicks.get(i).setCustomerId(visitor.customerId());
            }
        }

        final Deque<Draft> steps = new ArrayDeque<>(clicks.size() + 1);
        for (final ClickEvent.Builder click : clicks) {
            click.setAnonymousId(browser.anonymousId())
                .setSessionId(sessionId)
                .setChannel(channel)
                .setDevice(browser.device())
                .setCountry(visitor.country());
            steps.add(now -> {
                if (click.getType() == ClickType.SIGN_UP) {
                    registered[visitor.index()] = true;
                }
                return GeneratedEvent.click(click.setEventId(eventId()).setTimestamp(now).build());
            });
        }
        if (orders) {
            steps.add(now -> order(visitor, channel, cart, now));
        }
        return new Session(visitor, steps);
    }

    private static ClickEvent.Builder click(final ClickType type, final String url) {
        return ClickEvent.newBuilder().setType(type).setUrl(url);
    }

    private static ClickEvent.Builder productClick(final ClickType type,
                                                   final String path,
                                                   final Catalogue.Product product) {
        return click(type, path + product.sku())
            .setProductId(product.sku())
            .setCategory(product.category())
            .setPriceMinor(product.priceMinor())
            .setCurrency(Catalogue.CURRENCY);
    }

    /**
     * An order for the cart: one line per SKU, quantity as often as it was added.
     * A discount lowers the unit prices paid; {@code discountMinor} is what it saved, so the total is the sum of the
     * lines as paid.
     */
    private GeneratedEvent order(final Visitor visitor,
                                 final String channel,
                                 final List<Catalogue.Product> cart,
                                 final Instant now) {
        final Map<Catalogue.Product, Integer> quantities = new LinkedHashMap<>();
        for (final Catalogue.Product product : cart) {
            quantities.merge(product, 1, Integer::sum);
        }
        final int discountPercent = Sampling.chance(random, DISCOUNT_SHARE) ? 5 * Sampling.between(random, 2, 4) : 0;
        final List<LineItem> items = new ArrayList<>(quantities.size());
        long total = 0;
        long discount = 0;
        for (final Map.Entry<Catalogue.Product, Integer> line : quantities.entrySet()) {
            final long list = line.getKey().priceMinor();
            final long paid = list - list * discountPercent / 100;
            final int quantity = line.getValue();
            items.add(new LineItem(line.getKey().sku(), line.getKey().category(), quantity, paid));
            total += paid * quantity;
            discount += (list - paid) * quantity;
        }
        final PurchaseEvent order = PurchaseEvent.newBuilder()
            .setEventId(eventId())
            .setOrderId("o-" + Sampling.hex(random, 16))
            .setCustomerId(visitor.customerId())
            .setType(PurchaseType.ORDER)
            .setTimestamp(now)
            .setCurrency(Catalogue.CURRENCY)
            .setTotalMinor(total)
            .setDiscountMinor(discount)
            .setItems(items)
            .setChannel(channel)
            .build();
        if (Sampling.chance(random, REFUND_SHARE)) {
            schedule(50, 2_000, later -> refund(order, later));
        }
        return GeneratedEvent.purchase(order);
    }

    /**
     * A refund of the whole order or of one of its lines.
     */
    private GeneratedEvent refund(final PurchaseEvent order, final Instant now) {
        final List<LineItem> items = Sampling.chance(random, 0.6)
            ? order.getItems()
            : List.of(Sampling.pick(random, order.getItems()));
        long total = 0;
        for (final LineItem item : items) {
            total += item.getUnitPriceMinor() * item.getQuantity();
        }
        return GeneratedEvent.purchase(PurchaseEvent.newBuilder()
            .setEventId(eventId())
            .setOrderId(order.getOrderId())
            .setCustomerId(order.getCustomerId())
            .setType(PurchaseType.REFUND)
            .setTimestamp(now)
            .setCurrency(order.getCurrency())
            .setTotalMinor(total)
            .setDiscountMinor(0)
            .setItems(List.copyOf(items))
            .setChannel(order.getChannel())
            .build());
    }

    /**
     * Sends the current campaign to a registered customer who can still be reached and has not had it yet;
     * returns {@code null} when no such customer turns up.
     */
    private GeneratedEvent sendEmail() {
        final int campaign = (int) (emailsSent / CAMPAIGN_SIZE) + 1;
        final List<Visitor> customers = population.customers();
        for (int attempt = 0; attempt < PICK_ATTEMPTS; attempt++) {
            final Visitor customer = Sampling.pick(random, customers);
            final int index = customer.index();
            if (registered[index] && reachable[index] && lastCampaign[index] != campaign) {
                lastCampaign[index] = campaign;
                emailsSent++;
                final String campaignId = String.format(Locale.ROOT, "cmp-%04d", campaign);
                if (Sampling.chance(random, 0.02)) {
                    schedule(1, 20, now -> {
                        reachable[index] = false;
                        return email(customer, campaignId, EmailEventType.BOUNCED, null, now);
                    });
                } else {
                    schedule(1, 20, now -> delivered(customer, campaignId, now));
                }
                return email(customer, campaignId, EmailEventType.SENT, null, now());
            }
        }
        return null;
    }

    private GeneratedEvent delivered(final Visitor customer, final String campaignId, final Instant now) {
        if (Sampling.chance(random, 0.002)) {
            schedule(20, 3_000, later -> {
                reachable[customer.index()] = false;
                return email(customer, campaignId, EmailEventType.COMPLAINED, null, later);
            });
        } else if (Sampling.chance(random, customer.emailOpenPropensity())) {
            schedule(20, 3_000, later -> opened(customer, campaignId, later));
        }
        return email(customer, campaignId, EmailEventType.DELIVERED, null, now);
    }

    private GeneratedEvent opened(final Visitor customer, final String campaignId, final Instant now) {
        if (Sampling.chance(random, customer.emailClickPropensity())) {
            final String url = "/c/" + Sampling.pick(random, customer.interests()) + "?utm_campaign=" + campaignId;
            schedule(5, 300, later -> email(customer, campaignId, EmailEventType.CLICKED, url, later));
        }
        if (Sampling.chance(random, 0.01)) {
            schedule(5, 300, later -> {
                reachable[customer.index()] = false;
                return email(customer, campaignId, EmailEventType.UNSUBSCRIBED, null, later);
            });
        }
        return email(customer, campaignId, EmailEventType.OPENED, null, now);
    }

    private GeneratedEvent email(final Visitor customer,
                                 final String campaignId,
                                 final EmailEventType type,
                                 final String url,
                                 final Instant now) {
        return GeneratedEvent.email(EmailEvent.newBuilder()
            .setEventId(eventId())
            .setCustomerId(customer.customerId())
            .setCampaignId(campaignId)
            .setType(type)
            .setTimestamp(now)
            .setUrl(url)
            .build());
    }

    /**
     * An event decided earlier, built when it is emitted so it carries the time of emission.
     */
    @FunctionalInterface
    private interface Draft {
        GeneratedEvent emit(Instant now);
    }

    private record Scheduled(long dueStep, long sequence, Draft draft) {
    }

    private record Session(Visitor visitor, Deque<Draft> steps) {
    }
}
