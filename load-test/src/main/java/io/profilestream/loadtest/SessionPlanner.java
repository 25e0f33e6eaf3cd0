package io.profilestream.loadtest;

import static io.profilestream.loadtest.Agenda.SECOND;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;

/**
 * What every click session has in common, whether it browses or ends in a purchase: the browser, channel and
 * session it runs in, the clicks it is made of, where the visitor identifies, the gaps between clicks, and putting
 * it on the agenda.
 *
 * <p>Clicks are built when they are emitted: from the session's login or sign-up on they carry the customerId, and
 * whether the visitor signs up or logs in is decided then, by whether they have an account by that time.
 * Instances are not safe for concurrent use.
 */
final class SessionPlanner {

    private static final long MIN_CLICK_GAP = 2 * SECOND;
    private static final long MEAN_CLICK_GAP = 30 * SECOND;

    private final SimulationContext context;
    private final SplittableRandom random;

    SessionPlanner(final SimulationContext context) {
        this.context = context;
        this.random = context.random();
    }

    /**
     * Where a session runs: the visitor's browser and channel, and a new session id.
     *
     * @param channel the channel, or {@code null} to pick one
     */
    Visit visit(final Visitor visitor, final String channel) {
        final Visitor.Browser browser = pickBrowser(visitor);
        final String sessionChannel = channel != null ? channel : pickChannel(visitor);
        final String sessionId = "s-" + Sampling.hex(random, 16);
        return new Visit(visitor, browser, sessionChannel, sessionId);
    }

    /**
     * Inserts a login (or sign-up; decided when it is emitted) after the first click and before the checkout, and
     * marks the clicks from there on with the customer; returns its position.
     */
    int insertIdentify(final List<ClickEvent.Builder> clicks, final boolean beforeLast) {
        final int latest = beforeLast ? clicks.size() - 1 : clicks.size();
        final int at = Sampling.between(random, 1, Math.max(1, latest));
        clicks.add(at, click(ClickType.LOGIN, "/login"));
        return at;
    }

    /**
     * Puts a session of clicks on the agenda.
     *
     * @param visit where the session runs
     * @param clicks the clicks, in order
     * @param times when each click happens
     * @param identifyAt the position of the click that identifies the visitor, or -1
     */
    void start(final Visit visit,
               final List<ClickEvent.Builder> clicks,
               final long[] times,
               final int identifyAt) {
        context.agenda().startSession(steps(visit, clicks, times, identifyAt));
    }

    /**
     * Puts a session of clicks on the agenda that ends with one more step.
     *
     * @param visit where the session runs
     * @param clicks the clicks, in order
     * @param times when each click happens
     * @param identifyAt the position of the click that identifies the visitor, or -1
     * @param last the step after the last click
     */
    void start(final Visit visit,
               final List<ClickEvent.Builder> clicks,
               final long[] times,
               final int identifyAt,
               final Agenda.Timed last) {
        final List<Agenda.Timed> steps = steps(visit, clicks, times, identifyAt);
        steps.add(last);
        context.agenda().startSession(steps);
    }

    long clickGap() {
        return MIN_CLICK_GAP + Sampling.delay(random, MEAN_CLICK_GAP);
    }

    Catalogue.Product pickProduct(final Visitor visitor) {
        final String category = Sampling.chance(random, 0.85)
            ? Sampling.pick(random, visitor.interests())
            : Sampling.pick(random, context.catalogue().categoryNames());
        return Sampling.pick(random, context.catalogue().products(category));
    }

    static ClickEvent.Builder click(final ClickType type, final String url) {
        return ClickEvent.newBuilder().setType(type).setUrl(url);
    }

    static ClickEvent.Builder search(final String term) {
        return click(ClickType.SEARCH, "/search?q=" + term.replace(' ', '+')).setSearchQuery(term);
    }

    static ClickEvent.Builder productClick(final ClickType type,
                                           final String path,
                                           final Catalogue.Product product) {
        return click(type, path + product.sku())
            .setProductId(product.sku())
            .setCategory(product.category())
            .setPriceMinor(product.priceMinor())
            .setCurrency(Catalogue.CURRENCY);
    }

    private List<Agenda.Timed> steps(final Visit visit,
                                     final List<ClickEvent.Builder> clicks,
                                     final long[] times,
                                     final int identifyAt) {
        final SessionIdentity identity = new SessionIdentity();
        final List<Agenda.Timed> steps = new ArrayList<>(clicks.size() + 1);
        for (int i = 0; i < clicks.size(); i++) {
            steps.add(new Agenda.Timed(times[i], clickStep(visit, identity, clicks.get(i), i == identifyAt)));
        }
        return steps;
    }

    /**
     * A click, built when it is emitted; from the session's login or sign-up on, clicks carry the customerId.
     */
    private Agenda.Step clickStep(final Visit visit,
                                  final SessionIdentity identity,
                                  final ClickEvent.Builder click,
                                  final boolean identify) {
        final Visitor visitor = visit.visitor();
        click.setAnonymousId(visit.browser().anonymousId())
            .setSessionId(visit.sessionId())
            .setChannel(visit.channel())
            .setDevice(visit.browser().device())
            .setCountry(visitor.country());
        final int index = visitor.index();
        final VisitorStates states = context.states();
        return () -> {
            if (identify) {
                final boolean signsUp = !states.isRegistered(index);
                click.setType(signsUp ? ClickType.SIGN_UP : ClickType.LOGIN).setUrl(signsUp ? "/signup" : "/login");
                states.register(index);
                identity.identified = true;
            }
            if (identity.identified) {
                click.setCustomerId(visitor.customerId());
            }
            return GeneratedEvent.click(click.setEventId(context.eventId()).setTimestamp(context.stamp()).build());
        };
    }

    private Visitor.Browser pickBrowser(final Visitor visitor) {
        return visitor.browsers().size() == 1 || Sampling.chance(random, 0.75)
            ? visitor.preferredBrowser()
            : Sampling.pick(random, visitor.browsers().subList(1, visitor.browsers().size()));
    }

    private String pickChannel(final Visitor visitor) {
        return Sampling.chance(random, 0.6) ? visitor.preferredChannel() : Sampling.pick(random, Population.CHANNELS);
    }

    /**
     * Where a session runs.
     *
     * @param visitor who browses
     * @param browser the browser, whose anonymousId keys the clicks
     * @param channel the marketing channel the session came from
     * @param sessionId the session's id
     */
    record Visit(Visitor visitor, Visitor.Browser browser, String channel, String sessionId) {
    }

    /**
     * Whether a session has identified its visitor yet.
     */
    private static final class SessionIdentity {
        private boolean identified;
    }
}
