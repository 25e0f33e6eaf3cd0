package io.profilestream.loadtest;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import io.profilestream.domain.EventKind;
import io.profilestream.events.ClickEvent;
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
 *
 * <p>The generator wires the parts and pulls events from them: {@link BrowsingSessions}, {@link Purchasing} and
 * {@link EmailCampaigns} put their happenings on one {@link Agenda} (sessions built by a {@link SessionPlanner}),
 * and {@link Disorder} and {@link MalformedRecords} add the noise.
 * Instances are not safe for concurrent use.
 */
public final class EventGenerator implements EventSource {

    private static final long SEED_SALT = 0x5DEECE66DL;
    private static final long NOISE_SALT = 0x2545F4914F6CDD1DL;

    private final Population population;
    private final SimulationContext context;
    private final long endOffset;
    private final Disorder disorder;
    private final MalformedRecords malformed;
    private GeneratedEvent ready;
    private long delivered;

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
        this.context = new SimulationContext(population, new SplittableRandom(population.seed() ^ SEED_SALT),
            time.isLive() ? clock : null, time.isLive() ? 0 : time.start().toEpochMilli());
        this.endOffset = time.days() == 0 ? Long.MAX_VALUE : PurchaseTimeline.toMillis(time.days());
        final SplittableRandom noiseRandom = new SplittableRandom(population.seed() ^ NOISE_SALT);
        final SessionPlanner planner = new SessionPlanner(context);
        final BrowsingSessions browsing = new BrowsingSessions(context, planner);
        final Purchasing purchasing = new Purchasing(context, planner);
        final EmailCampaigns email = new EmailCampaigns(context, browsing);
        this.disorder = new Disorder(noise, noiseRandom);
        this.malformed = new MalformedRecords(context, email, noise, noiseRandom);
        browsing.scheduleAll();
        purchasing.scheduleFirstPurchases();
        email.scheduleFirstCampaign();
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
        return context.simulatedNow();
    }

    /** What has been delivered so far. */
    public Counts counts() {
        return new Counts(delivered, disorder.late(), disorder.duplicates(), malformed.count());
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
        if (malformed.comesNext()) {
            ready = event;
            return deliver(malformed.next());
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
        final Agenda agenda = context.agenda();
        while (true) {
            final boolean ended = !agenda.hasNext() || agenda.nextAt() > endOffset;
            final GeneratedEvent due = disorder.release(ended ? Long.MAX_VALUE : agenda.nextAt());
            if (due != null) {
                return due;
            }
            if (ended) {
                return null;
            }
            final GeneratedEvent event = agenda.runNext();
            if (event != null && disorder.sendsNow(event, agenda.now())) {
                return event;
            }
        }
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
}
