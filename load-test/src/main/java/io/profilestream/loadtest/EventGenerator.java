package io.profilestream.loadtest;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
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
 * Turns a {@link Population} into a plausible stream of click, purchase and email events, by simulating it in time.
 *
 * <p>Every visitor browses in sessions that come as a Poisson process at a rate set by their activity: page and
 * product views in their categories of interest, searches, cart changes, and now and then a checkout that is
 * abandoned.
 * Customers buy when their {@link PurchaseTimeline} says, following the BG/NBD process of the population's
 * {@link PurchaseModel}: each purchase is the end of a session that views, adds to the cart and checks out exactly
 * the basket ordered; customers who are still alive browse more, those who dropped out less.
 * Customers browse anonymously until they sign up (or log in, if they have an account), and only after that do
 * their clicks carry the customerId; at the latest they sign up in the session of their first purchase.
 * A few orders are refunded days later.
 * Weekly email campaigns go to part of the registered customers who can still be reached: sent, then delivered or
 * bounced, then opened and clicked by each customer's propensity (a click leads to a session), with the odd
 * unsubscribe or complaint.
 * {@link Noise} adds late events, duplicates and malformed records on a random stream of its own.
 *
 * <p>Simulated time is in milliseconds and advances from one scheduled happening to the next, so the stream runs as
 * fast as it is read.
 * In simulated mode each event carries its simulated time; live, it carries the clock's time when it is emitted,
 * and simulated time only orders the events.
 * Every decision comes from random streams seeded by the population's seed, so the same population and settings
 * always yield the same events in the same order (ids included); only live timestamps come from the clock.
 * Instances are not safe for concurrent use.
 */
public final class EventGenerator implements EventSource {

    private static final long SEED_SALT = 0x5DEECE66DL;
    private static final long NOISE_SALT = 0x2545F4914F6CDD1DL;
    private static final long SECOND = 1_000L;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = PurchaseTimeline.MILLIS_PER_DAY;
    /** Nothing is scheduled further ahead than this. */
    private static final double HORIZON_MILLIS = 1e6 * DAY;

    /** Browsing sessions per day of a visitor of average activity. */
    private static final double SESSIONS_PER_DAY = 0.1;
    /** Extra browsing sessions per expected purchase, while a customer is alive. */
    private static final double SESSIONS_PER_PURCHASE = 2;
    /** How much of their browsing customers keep after they drop out. */
    private static final double DROPPED_OUT_ACTIVITY = 0.2;
    private static final long MIN_CLICK_GAP = 2 * SECOND;
    private static final long MEAN_CLICK_GAP = 30 * SECOND;
    /** How long before a purchase its session is planned; longer than nearly every session lasts. */
    private static final long PURCHASE_PLANNING_LEAD = 2 * HOUR;

    private static final long FIRST_CAMPAIGN = DAY + 10 * HOUR;
    private static final long CAMPAIGN_INTERVAL = 7 * DAY;
    private static final long CAMPAIGN_SPREAD = 2 * HOUR;
    private static final double CAMPAIGN_REACH = 0.3;
    private static final double BOUNCE_SHARE = 0.02;
    private static final double COMPLAINT_SHARE = 0.003;
    private static final double UNSUBSCRIBE_SHARE = 0.01;
    private static final long MEAN_OPEN_DELAY = 6 * HOUR;

    private static final double REFUND_SHARE = 0.05;
    private static final long MEAN_LATENESS = HOUR;
    private static final long MEAN_DUPLICATE_DELAY = 2 * MINUTE;
    private static final String UNKNOWN_CURRENCY = "ZZZ";

    private static final Comparator<Scheduled> BY_TIME =
        Comparator.comparingLong(Scheduled::at).thenComparingLong(Scheduled::sequence);
    private static final Comparator<Held> BY_RELEASE =
        Comparator.comparingLong(Held::release).thenComparingLong(Held::sequence);

    private final Population population;
    private final Catalogue catalogue;
    private final Clock clock;
    private final long startMillis;
    private final long endOffset;
    private final Noise noise;
    private final SplittableRandom random;
    private final SplittableRandom noiseRandom;
    private final PriorityQueue<Scheduled> agenda = new PriorityQueue<>(BY_TIME);
    private final PriorityQueue<Held> held = new PriorityQueue<>(BY_RELEASE);
    private final PurchaseTimeline[] timelines;
    private final int[] purchases;
    private final boolean[] droppedOut;
    private final boolean[] registered;
    private final boolean[] reachable;
    private long now;
    private long sequence;
    private int campaigns;
    private GeneratedEvent ready;
    private long delivered;
    private long late;
    private long duplicates;
    private long malformed;

    /**
     * Creates a live generator without noise: timestamps come from the clock.
     *
     * @param population who browses, buys and reads email
     * @param clock where event timestamps come from, read once per event (the system clock in live mode)
     */
    public EventGenerator(final Population population, final Clock clock) {
        this(population, clock, SimulatedTime.LIVE, Noise.NONE);
    }

    /**
     * Creates a generator; its random streams are derived from the population's seed.
     *
     * @param population who browses, buys and reads email
     * @param clock where live timestamps come from; not read when the time is simulated
     * @param time live, or the simulated start and (optionally) the number of simulated days to run
     * @param noise late, duplicate and malformed records to mix in
     */
    public EventGenerator(final Population population,
                          final Clock clock,
                          final SimulatedTime time,
                          final Noise noise) {
        if (time.isLive() && clock == null) {
            throw new IllegalArgumentException("Live timestamps need a clock.");
        }
        this.population = population;
        this.catalogue = population.catalogue();
        this.clock = time.isLive() ? clock : null;
        this.startMillis = time.isLive() ? 0 : time.start().toEpochMilli();
        this.endOffset = time.days() == 0 ? Long.MAX_VALUE : PurchaseTimeline.toMillis(time.days());
        this.noise = noise;
        this.random = new SplittableRandom(population.seed() ^ SEED_SALT);
        this.noiseRandom = new SplittableRandom(population.seed() ^ NOISE_SALT);
        final int size = population.visitors().size();
        this.timelines = new PurchaseTimeline[size];
        this.purchases = new int[size];
        this.droppedOut = new boolean[size];
        this.registered = new boolean[size];
        this.reachable = new boolean[size];
        for (final Visitor visitor : population.visitors()) {
            final int index = visitor.index();
            registered[index] = visitor.isCustomer() && visitor.registeredAtStart();
            reachable[index] = visitor.isCustomer();
            scheduleBrowsing(index);
        }
        for (final Visitor customer : population.customers()) {
            timelines[customer.index()] = new PurchaseTimeline(customer, catalogue);
            schedulePurchase(customer, timelines[customer.index()].next());
        }
        schedule(FIRST_CAMPAIGN, this::campaign);
    }

    /**
     * A generator of simulated time, whose events carry simulated timestamps.
     *
     * @param population who browses, buys and reads email
     * @param time the simulated start and (optionally) the number of simulated days to run
     * @param noise late, duplicate and malformed records to mix in
     */
    public static EventGenerator simulated(final Population population,
                                           final SimulatedTime time,
                                           final Noise noise) {
        if (time.isLive()) {
            throw new IllegalArgumentException("A simulated generator needs a simulated start.");
        }
        return new EventGenerator(population, null, time, noise);
    }

    /**
     * The customers who place the first orders in this population's live event stream, in the order they do so.
     *
     * @see #firstActiveCustomers(Population, SimulatedTime, int, int)
     */
    public static List<String> firstActiveCustomers(final Population population,
                                                    final int count,
                                                    final int maxEvents) {
        return firstActiveCustomers(population, SimulatedTime.LIVE, count, maxEvents);
    }

    /**
     * The customers who place the first orders in this population's event stream, in the order they do so.
     * The stream is replayed from the seed without a clock, so the answer is exact and costs no I/O: a demo can
     * print these ids knowing their profiles will have an order soon after generation starts.
     * When fewer than {@code count} customers order within {@code maxEvents} events, customers who appear in any
     * event fill the list.
     *
     * @param population the population a generator will run over
     * @param time the generator's time settings
     * @param count how many ids to return at most
     * @param maxEvents how many events to replay at most
     */
    public static List<String> firstActiveCustomers(final Population population,
                                                    final SimulatedTime time,
                                                    final int count,
                                                    final int maxEvents) {
        final EventGenerator replay = new EventGenerator(population, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), time,
            Noise.NONE);
        final Set<String> buyers = new LinkedHashSet<>();
        final Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < maxEvents && buyers.size() < count; i++) {
            final GeneratedEvent event = replay.next();
            if (event == null) {
                break;
            }
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

    /**
     * The simulated time of the latest happening, as an instant (live: counted from the epoch).
     */
    public Instant simulatedNow() {
        return Instant.ofEpochMilli(startMillis + now);
    }

    /** What has been delivered so far. */
    public Counts counts() {
        return new Counts(delivered, late, duplicates, malformed);
    }

    @Override
    public GeneratedEvent next() {
        if (ready != null) {
            final GeneratedEvent event = ready;
            ready = null;
            return deliver(event);
        }
        final GeneratedEvent event = nextWellFormed();
        if (event == null) {
            return null;
        }
        if (noise.malformedRate() > 0 && Sampling.chance(noiseRandom, noise.malformedProbability())) {
            ready = event;
            malformed++;
            return deliver(malformed());
        }
        return deliver(event);
    }

    private GeneratedEvent deliver(final GeneratedEvent event) {
        delivered++;
        return event;
    }

    /**
     * Runs the agenda until a happening yields an event to deliver now; held-back events are released when their
     * time comes, and all of them once the simulated end is reached.
     */
    private GeneratedEvent nextWellFormed() {
        while (true) {
            final Held due = held.peek();
            final Scheduled next = agenda.peek();
            final boolean ended = next == null || next.at() > endOffset;
            if (due != null && (ended || due.release() <= next.at())) {
                held.poll();
                return due.event();
            }
            if (ended) {
                return null;
            }
            agenda.poll();
            now = next.at();
            final GeneratedEvent event = next.step().run();
            if (event != null && disorder(event)) {
                return event;
            }
        }
    }

    /**
     * Decides whether an event arrives late and whether it is sent twice; returns whether it goes out now.
     */
    private boolean disorder(final GeneratedEvent event) {
        if (noise.lateRate() == 0 && noise.duplicateRate() == 0) {
            return true;
        }
        final boolean isLate = noise.lateRate() > 0 && Sampling.chance(noiseRandom, noise.lateRate());
        final long deliverAt = isLate ? now + MINUTE + delay(noiseRandom, MEAN_LATENESS) : now;
        if (noise.duplicateRate() > 0 && Sampling.chance(noiseRandom, noise.duplicateProbability())) {
            duplicates++;
            held.add(new Held(deliverAt + 1 + delay(noiseRandom, MEAN_DUPLICATE_DELAY), sequence++, event));
        }
        if (isLate) {
            late++;
            held.add(new Held(deliverAt, sequence++, event));
            return false;
        }
        return true;
    }

    private Instant stamp() {
        return Instant.ofEpochMilli(clock != null ? clock.millis() : startMillis + now);
    }

    private void schedule(final long at, final Step step) {
        agenda.add(new Scheduled(at, sequence++, step));
    }

    private String eventId() {
        return Sampling.uuid(random).toString();
    }

    private static long delay(final SplittableRandom random, final long mean) {
        return Math.round(Sampling.exponential(random, mean));
    }

    // Browsing.

    private double sessionsPerDay(final int index) {
        final Visitor visitor = population.visitor(index);
        final double base = visitor.activity() * SESSIONS_PER_DAY;
        if (!visitor.buys() || purchases[index] == 0) {
            return base;
        }
        if (droppedOut[index]) {
            return base * DROPPED_OUT_ACTIVITY;
        }
        return base + SESSIONS_PER_PURCHASE * visitor.habit().lambda();
    }

    /**
     * Schedules the visitor's next browsing session, after an exponential wait at the visitor's current rate.
     */
    private void scheduleBrowsing(final int index) {
        final double rate = sessionsPerDay(index);
        final double wait = rate > 0 ? Sampling.exponential(random, DAY / rate) : Double.POSITIVE_INFINITY;
        if (wait > HORIZON_MILLIS) {
            return;
        }
        schedule(now + 1 + Math.round(wait), () -> {
            browse(population.visitor(index), null, null);
            scheduleBrowsing(index);
            return null;
        });
    }

    /**
     * Plans a browsing session starting now: the clicks, whether the visitor identifies, and how far the cart gets.
     * Browsing sessions never end in an order; carts are abandoned.
     *
     * @param channel the channel, or {@code null} to pick one
     * @param landing the landing page, or {@code null} to pick one
     */
    private void browse(final Visitor visitor, final String channel, final String landing) {
        final Visitor.Browser browser = pickBrowser(visitor);
        final String sessionChannel = channel != null ? channel : pickChannel(visitor);
        final String sessionId = "s-" + Sampling.hex(random, 16);
        final double propensity = visitor.purchasePropensity();
        final boolean addsToCart = Sampling.chance(random, 0.15 + 0.6 * propensity);
        final boolean checksOut = addsToCart && Sampling.chance(random, 0.1 + 0.3 * propensity);
        final boolean identifies = visitor.isCustomer()
            && Sampling.chance(random, registered[visitor.index()] ? 0.45 : 0.08);

        final List<ClickEvent.Builder> clicks = new ArrayList<>();
        final String interest = Sampling.pick(random, visitor.interests());
        final String page = landing != null ? landing : Sampling.chance(random, 0.5) ? "/" : "/c/" + interest;
        clicks.add(click(ClickType.PAGE_VIEW, page));
        if (Sampling.chance(random, 0.35)) {
            clicks.add(search(Sampling.pick(random, catalogue.category(interest).searchTerms())));
        }
        final List<Catalogue.Product> viewed = new ArrayList<>();
        final int views = Sampling.between(random, 1, 6);
        for (int i = 0; i < views; i++) {
            final Catalogue.Product product = pickProduct(visitor);
            viewed.add(product);
            clicks.add(productClick(ClickType.PRODUCT_VIEW, "/p/", product));
        }
        if (addsToCart) {
            final List<Catalogue.Product> cart = new ArrayList<>();
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
        final int identifyAt = identifies ? insertIdentify(clicks, checksOut) : -1;

        final SessionIdentity identity = new SessionIdentity();
        final List<Timed> steps = new ArrayList<>(clicks.size());
        long at = now;
        for (int i = 0; i < clicks.size(); i++) {
            if (i > 0) {
                at += clickGap();
            }
            steps.add(new Timed(at, clickStep(visitor, browser, sessionChannel, sessionId, identity, clicks.get(i),
                i == identifyAt)));
        }
        start(steps);
    }

    /**
     * Inserts a login (or sign-up; decided when it is emitted) after the first click and before the checkout, and
     * marks the clicks from there on with the customer; returns its position.
     */
    private int insertIdentify(final List<ClickEvent.Builder> clicks, final boolean beforeLast) {
        final int latest = beforeLast ? clicks.size() - 1 : clicks.size();
        final int at = Sampling.between(random, 1, Math.max(1, latest));
        clicks.add(at, click(ClickType.LOGIN, "/login"));
        return at;
    }

    /**
     * A click, built when it is emitted; from the session's login or sign-up on, clicks carry the customerId.
     */
    private Step clickStep(final Visitor visitor,
                           final Visitor.Browser browser,
                           final String channel,
                           final String sessionId,
                           final SessionIdentity identity,
                           final ClickEvent.Builder click,
                           final boolean identify) {
        click.setAnonymousId(browser.anonymousId())
            .setSessionId(sessionId)
            .setChannel(channel)
            .setDevice(browser.device())
            .setCountry(visitor.country());
        final int index = visitor.index();
        return () -> {
            if (identify) {
                final boolean signsUp = !registered[index];
                click.setType(signsUp ? ClickType.SIGN_UP : ClickType.LOGIN).setUrl(signsUp ? "/signup" : "/login");
                registered[index] = true;
                identity.identified = true;
            }
            if (identity.identified) {
                click.setCustomerId(visitor.customerId());
            }
            return GeneratedEvent.click(click.setEventId(eventId()).setTimestamp(stamp()).build());
        };
    }

    private void start(final List<Timed> steps) {
        final Session session = new Session(new ArrayDeque<>(steps));
        schedule(steps.get(0).at(), session);
    }

    private long clickGap() {
        return MIN_CLICK_GAP + delay(random, MEAN_CLICK_GAP);
    }

    private Visitor.Browser pickBrowser(final Visitor visitor) {
        return visitor.browsers().size() == 1 || Sampling.chance(random, 0.75)
            ? visitor.preferredBrowser()
            : Sampling.pick(random, visitor.browsers().subList(1, visitor.browsers().size()));
    }

    private String pickChannel(final Visitor visitor) {
        return Sampling.chance(random, 0.6) ? visitor.preferredChannel() : Sampling.pick(random, Population.CHANNELS);
    }

    private Catalogue.Product pickProduct(final Visitor visitor) {
        final String category = Sampling.chance(random, 0.85)
            ? Sampling.pick(random, visitor.interests())
            : Sampling.pick(random, catalogue.categoryNames());
        return Sampling.pick(random, catalogue.products(category));
    }

    private static ClickEvent.Builder click(final ClickType type, final String url) {
        return ClickEvent.newBuilder().setType(type).setUrl(url);
    }

    private static ClickEvent.Builder search(final String term) {
        return click(ClickType.SEARCH, "/search?q=" + term.replace(' ', '+')).setSearchQuery(term);
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

    // Purchases.

    /**
     * Schedules the planning of a purchase's session a while before the purchase, so that sessions are only held in
     * memory shortly before they run.
     */
    private void schedulePurchase(final Visitor customer, final PurchaseTimeline.Purchase purchase) {
        if (purchase == null) {
            return;
        }
        schedule(Math.max(now, purchase.offsetMillis() - PURCHASE_PLANNING_LEAD), () -> {
            planPurchase(customer, purchase);
            return null;
        });
    }

    /**
     * Plans the session that ends in a purchase, backwards from the purchase's time: it views the basket (and
     * maybe more), adds each unit to the cart, identifies, checks out and orders exactly at the planned time.
     */
    private void planPurchase(final Visitor customer, final PurchaseTimeline.Purchase purchase) {
        final Visitor.Browser browser = pickBrowser(customer);
        final String channel = pickChannel(customer);
        final String sessionId = "s-" + Sampling.hex(random, 16);
        final List<Catalogue.Product> basket = List.copyOf(purchase.basket().keySet());

        final List<ClickEvent.Builder> clicks = new ArrayList<>();
        clicks.add(click(ClickType.PAGE_VIEW, Sampling.chance(random, 0.5) ? "/" : "/c/" + basket.get(0).category()));
        if (Sampling.chance(random, 0.35)) {
            clicks.add(search(Sampling.pick(random, catalogue.category(basket.get(0).category()).searchTerms())));
        }
        final List<Catalogue.Product> extras = new ArrayList<>();
        final int extraViews = Sampling.between(random, 0, 3);
        for (int i = 0; i < extraViews; i++) {
            final Catalogue.Product product = pickProduct(customer);
            extras.add(product);
            clicks.add(productClick(ClickType.PRODUCT_VIEW, "/p/", product));
        }
        for (final Catalogue.Product product : basket) {
            clicks.add(productClick(ClickType.PRODUCT_VIEW, "/p/", product));
        }
        for (final Map.Entry<Catalogue.Product, Integer> line : purchase.basket().entrySet()) {
            for (int i = 0; i < line.getValue(); i++) {
                clicks.add(productClick(ClickType.ADD_TO_CART, "/cart/add/", line.getKey()));
            }
        }
        if (!extras.isEmpty() && Sampling.chance(random, 0.2)) {
            final Catalogue.Product removed = Sampling.pick(random, extras);
            clicks.add(productClick(ClickType.ADD_TO_CART, "/cart/add/", removed));
            clicks.add(productClick(ClickType.REMOVE_FROM_CART, "/cart/remove/", removed));
        }
        clicks.add(click(ClickType.CHECKOUT_STARTED, "/checkout"));
        final int identifyAt = insertIdentify(clicks, true);

        final long orderAt = purchase.offsetMillis();
        final long[] times = new long[clicks.size()];
        long at = orderAt;
        for (int i = clicks.size() - 1; i >= 0; i--) {
            at -= clickGap();
            times[i] = at;
        }
        final SessionIdentity identity = new SessionIdentity();
        final List<Timed> steps = new ArrayList<>(clicks.size() + 1);
        long previous = now;
        for (int i = 0; i < clicks.size(); i++) {
            previous = Math.min(orderAt, Math.max(previous, times[i]));
            steps.add(new Timed(previous, clickStep(customer, browser, channel, sessionId, identity, clicks.get(i),
                i == identifyAt)));
        }
        steps.add(new Timed(orderAt, () -> order(customer, channel, purchase)));
        start(steps);
    }

    /**
     * The order of a planned purchase; schedules the customer's next purchase, unless they drop out with this one.
     */
    private GeneratedEvent order(final Visitor customer,
                                 final String channel,
                                 final PurchaseTimeline.Purchase purchase) {
        final int index = customer.index();
        purchases[index]++;
        final PurchaseEvent order = PurchaseEvent.newBuilder()
            .setEventId(eventId())
            .setOrderId("o-" + Sampling.hex(random, 16))
            .setCustomerId(customer.customerId())
            .setType(PurchaseType.ORDER)
            .setTimestamp(stamp())
            .setCurrency(Catalogue.CURRENCY)
            .setTotalMinor(purchase.totalMinor())
            .setDiscountMinor(purchase.discountMinor())
            .setItems(purchase.lineItems())
            .setChannel(channel)
            .build();
        if (Sampling.chance(random, REFUND_SHARE)) {
            schedule(now + Sampling.uniform(random, DAY, 30 * DAY), () -> refund(order));
        }
        if (purchase.dropsOut()) {
            droppedOut[index] = true;
        } else {
            schedulePurchase(customer, timelines[index].next());
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
            .setEventId(eventId())
            .setOrderId(order.getOrderId())
            .setCustomerId(order.getCustomerId())
            .setType(PurchaseType.REFUND)
            .setTimestamp(stamp())
            .setCurrency(order.getCurrency())
            .setTotalMinor(total)
            .setDiscountMinor(0)
            .setItems(List.copyOf(items))
            .setChannel(order.getChannel())
            .build());
    }

    // Email.

    /**
     * Starts this week's campaign: part of the registered customers who can still be reached get it within two hours.
     */
    private GeneratedEvent campaign() {
        campaigns++;
        final String campaignId = String.format(Locale.ROOT, "cmp-%04d", campaigns);
        for (final Visitor customer : population.customers()) {
            final int index = customer.index();
            if (registered[index] && reachable[index] && Sampling.chance(random, CAMPAIGN_REACH)) {
                schedule(now + Sampling.uniform(random, 0, CAMPAIGN_SPREAD), () -> send(customer, campaignId));
            }
        }
        schedule(now + CAMPAIGN_INTERVAL, this::campaign);
        return null;
    }

    private GeneratedEvent send(final Visitor customer, final String campaignId) {
        final int index = customer.index();
        if (!reachable[index]) {
            return null;
        }
        final long at = now + Sampling.uniform(random, 5 * SECOND, 5 * MINUTE);
        if (Sampling.chance(random, BOUNCE_SHARE)) {
            schedule(at, () -> {
                reachable[index] = false;
                return email(customer, campaignId, EmailEventType.BOUNCED, null);
            });
        } else {
            schedule(at, () -> delivered(customer, campaignId));
        }
        return email(customer, campaignId, EmailEventType.SENT, null);
    }

    private GeneratedEvent delivered(final Visitor customer, final String campaignId) {
        if (Sampling.chance(random, COMPLAINT_SHARE)) {
            schedule(now + MINUTE + delay(random, DAY), () -> {
                reachable[customer.index()] = false;
                return email(customer, campaignId, EmailEventType.COMPLAINED, null);
            });
        } else if (Sampling.chance(random, customer.emailOpenPropensity())) {
            schedule(now + MINUTE + delay(random, MEAN_OPEN_DELAY), () -> opened(customer, campaignId));
        }
        return email(customer, campaignId, EmailEventType.DELIVERED, null);
    }

    private GeneratedEvent opened(final Visitor customer, final String campaignId) {
        if (Sampling.chance(random, customer.emailClickPropensity())) {
            final String url = "/c/" + Sampling.pick(random, customer.interests()) + "?utm_campaign=" + campaignId;
            schedule(now + Sampling.uniform(random, 5 * SECOND, 5 * MINUTE), () -> clicked(customer, campaignId, url));
        }
        if (Sampling.chance(random, UNSUBSCRIBE_SHARE)) {
            schedule(now + Sampling.uniform(random, 5 * SECOND, 10 * MINUTE), () -> {
                reachable[customer.index()] = false;
                return email(customer, campaignId, EmailEventType.UNSUBSCRIBED, null);
            });
        }
        return email(customer, campaignId, EmailEventType.OPENED, null);
    }

    /**
     * The click on an email's link, which opens a browsing session on the linked page a few seconds later.
     */
    private GeneratedEvent clicked(final Visitor customer, final String campaignId, final String url) {
        schedule(now + Sampling.uniform(random, 2 * SECOND, 30 * SECOND), () -> {
            browse(customer, "email", url);
            return null;
        });
        return email(customer, campaignId, EmailEventType.CLICKED, url);
    }

    private GeneratedEvent email(final Visitor customer,
                                 final String campaignId,
                                 final EmailEventType type,
                                 final String url) {
        return GeneratedEvent.email(EmailEvent.newBuilder()
            .setEventId(eventId())
            .setCustomerId(customer.customerId())
            .setCampaignId(campaignId)
            .setType(type)
            .setTimestamp(stamp())
            .setUrl(url)
            .build());
    }

    // Malformed records, all drawn from the noise stream.

    private GeneratedEvent malformed() {
        final Defect defect = Defect.values()[noiseRandom.nextInt(Defect.values().length)];
        final Visitor customer = Sampling.pick(noiseRandom, population.customers());
        final Instant time = stamp();
        final String eventId = Sampling.uuid(noiseRandom).toString();
        return switch (defect) {
            case GARBAGE_BYTES -> garbage(customer, time);
            case BLANK_ID -> blankId(customer, eventId, time);
            case NEGATIVE_QUANTITY -> GeneratedEvent.malformed(EventKind.PURCHASE, customer.customerId(),
                badOrder(customer, eventId, time, -Sampling.between(noiseRandom, 1, 3), Catalogue.CURRENCY), defect);
            case UNKNOWN_CURRENCY -> GeneratedEvent.malformed(EventKind.PURCHASE, customer.customerId(),
                badOrder(customer, eventId, time, 1, UNKNOWN_CURRENCY), defect);
        };
    }

    /**
     * Bytes that do not start with the wire format's magic byte, on any of the three topics.
     */
    private GeneratedEvent garbage(final Visitor customer, final Instant time) {
        final EventKind kind = EventKind.values()[noiseRandom.nextInt(EventKind.values().length)];
        final byte[] bytes = new byte[Sampling.between(noiseRandom, 6, 64)];
        noiseRandom.nextBytes(bytes);
        bytes[0] = (byte) Sampling.between(noiseRandom, 1, 255);
        final String key = kind == EventKind.CLICK ? customer.preferredBrowser().anonymousId() : customer.customerId();
        return GeneratedEvent.garbage(kind, key, bytes, time);
    }

    private GeneratedEvent blankId(final Visitor customer, final String eventId, final Instant time) {
        final String blank = Sampling.chance(noiseRandom, 0.5) ? "" : " ";
        return switch (EventKind.values()[noiseRandom.nextInt(EventKind.values().length)]) {
            case CLICK -> GeneratedEvent.malformed(EventKind.CLICK, customer.preferredBrowser().anonymousId(),
                ClickEvent.newBuilder()
                    .setEventId(blank)
                    .setAnonymousId(customer.preferredBrowser().anonymousId())
                    .setSessionId("s-" + Sampling.hex(noiseRandom, 16))
                    .setType(ClickType.PAGE_VIEW)
                    .setUrl("/")
                    .setTimestamp(time)
                    .setChannel(customer.preferredChannel())
                    .setDevice(customer.preferredBrowser().device())
                    .build(),
                Defect.BLANK_ID);
            case PURCHASE -> GeneratedEvent.malformed(EventKind.PURCHASE, blank,
                PurchaseEvent.newBuilder(badOrder(customer, eventId, time, 1, Catalogue.CURRENCY))
                    .setCustomerId(blank)
                    .build(),
                Defect.BLANK_ID);
            case EMAIL -> GeneratedEvent.malformed(EventKind.EMAIL, customer.customerId(), EmailEvent.newBuilder()
                    .setEventId(blank)
                    .setCustomerId(customer.customerId())
                    .setCampaignId(String.format(Locale.ROOT, "cmp-%04d", Math.max(1, campaigns)))
                    .setType(EmailEventType.OPENED)
                    .setTimestamp(time)
                    .build(),
                Defect.BLANK_ID);
        };
    }

    private PurchaseEvent badOrder(final Visitor customer,
                                   final String eventId,
                                   final Instant time,
                                   final int quantity,
                                   final String currency) {
        final Catalogue.Product product = Sampling.pick(noiseRandom,
            catalogue.products(Sampling.pick(noiseRandom, customer.interests())));
        return PurchaseEvent.newBuilder()
            .setEventId(eventId)
            .setOrderId("o-" + Sampling.hex(noiseRandom, 16))
            .setCustomerId(customer.customerId())
            .setType(PurchaseType.ORDER)
            .setTimestamp(time)
            .setCurrency(currency)
            .setTotalMinor(product.priceMinor() * Math.abs(quantity))
            .setItems(List.of(new LineItem(product.sku(), product.category(), quantity, product.priceMinor())))
            .build();
    }

    /**
     * How many records a generator has delivered, and how many of them were disordered or malformed.
     *
     * @param delivered every record returned by {@link #next()}
     * @param late well-formed events held back and delivered late
     * @param duplicates well-formed events sent a second time
     * @param malformed records the engine will reject
     */
    public record Counts(long delivered, long late, long duplicates, long malformed) {
    }

    /**
     * Something that happens at a point in simulated time and may yield an event.
     */
    @FunctionalInterface
    private interface Step {
        GeneratedEvent run();
    }

    private record Scheduled(long at, long sequence, Step step) {
    }

    private record Timed(long at, Step step) {
    }

    private record Held(long release, long sequence, GeneratedEvent event) {
    }

    /**
     * Whether a session has identified its visitor yet.
     */
    private static final class SessionIdentity {
        private boolean identified;
    }

    /**
     * A session's remaining steps; it emits one step at a time and puts itself back on the agenda for the next.
     */
    private final class Session implements Step {
        private final Deque<Timed> steps;

        private Session(final Deque<Timed> steps) {
            this.steps = steps;
        }

        @Override
        public GeneratedEvent run() {
            final GeneratedEvent event = steps.removeFirst().step().run();
            if (!steps.isEmpty()) {
                schedule(steps.peekFirst().at(), this);
            }
            return event;
        }
    }
}
