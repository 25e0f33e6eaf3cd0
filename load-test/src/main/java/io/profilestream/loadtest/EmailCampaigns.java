package io.profilestream.loadtest;

import static io.profilestream.loadtest.Agenda.DAY;
import static io.profilestream.loadtest.Agenda.HOUR;
import static io.profilestream.loadtest.Agenda.MINUTE;
import static io.profilestream.loadtest.Agenda.SECOND;

import java.util.Locale;
import java.util.SplittableRandom;

import io.profilestream.events.EmailEvent;
import io.profilestream.events.EmailEventType;

/**
 * Email: weekly campaigns go to part of the registered customers who can still be reached.
 * Each email is sent, then delivered or bounced, then opened and clicked by each customer's propensity (a click
 * leads to a browsing session), with the odd unsubscribe or complaint; a bounce, complaint or unsubscribe stops
 * further email to the customer.
 * Instances are not safe for concurrent use.
 */
final class EmailCampaigns {

    private static final long FIRST_CAMPAIGN = DAY + 10 * HOUR;
    private static final long CAMPAIGN_INTERVAL = 7 * DAY;
    private static final long CAMPAIGN_SPREAD = 2 * HOUR;
    private static final double CAMPAIGN_REACH = 0.3;
    private static final double BOUNCE_SHARE = 0.02;
    private static final double COMPLAINT_SHARE = 0.003;
    private static final double UNSUBSCRIBE_SHARE = 0.01;
    private static final long MEAN_OPEN_DELAY = 6 * HOUR;

    private final SimulationContext context;
    private final BrowsingSessions browsing;
    private final SplittableRandom random;
    private int campaigns;

    EmailCampaigns(final SimulationContext context, final BrowsingSessions browsing) {
        this.context = context;
        this.browsing = browsing;
        this.random = context.random();
    }

    /**
     * Schedules the first campaign; each campaign schedules the next.
     */
    void scheduleFirstCampaign() {
        context.schedule(FIRST_CAMPAIGN, this::campaign);
    }

    /**
     * The id of the latest campaign, or of the first one before it starts.
     */
    String latestCampaignId() {
        return campaignId(Math.max(1, campaigns));
    }

    private static String campaignId(final int number) {
        return String.format(Locale.ROOT, "cmp-%04d", number);
    }

    /**
     * Starts this week's campaign: part of the registered customers who can still be reached get it within two hours.
     */
    private GeneratedEvent campaign() {
        campaigns++;
        final String campaignId = campaignId(campaigns);
        final VisitorStates states = context.states();
        for (final Visitor customer : context.population().customers()) {
            final int index = customer.index();
            if (states.isRegistered(index) && states.isReachable(index) && Sampling.chance(random, CAMPAIGN_REACH)) {
                context.schedule(context.now() + Sampling.uniform(random, 0, CAMPAIGN_SPREAD),
                    () -> send(customer, campaignId));
            }
        }
        context.schedule(context.now() + CAMPAIGN_INTERVAL, this::campaign);
        return null;
    }

    private GeneratedEvent send(final Visitor customer, final String campaignId) {
        final int index = customer.index();
        if (!context.states().isReachable(index)) {
            return null;
        }
        final long at = context.now() + Sampling.uniform(random, 5 * SECOND, 5 * MINUTE);
        if (Sampling.chance(random, BOUNCE_SHARE)) {
            context.schedule(at, () -> {
                context.states().stopReaching(index);
                return email(customer, campaignId, EmailEventType.BOUNCED, null);
            });
        } else {
            context.schedule(at, () -> delivered(customer, campaignId));
        }
        return email(customer, campaignId, EmailEventType.SENT, null);
    }

    private GeneratedEvent delivered(final Visitor customer, final String campaignId) {
        if (Sampling.chance(random, COMPLAINT_SHARE)) {
            context.schedule(context.now() + MINUTE + Sampling.delay(random, DAY), () -> {
                context.states().stopReaching(customer.index());
                return email(customer, campaignId, EmailEventType.COMPLAINED, null);
            });
        } else if (Sampling.chance(random, customer.emailOpenPropensity())) {
            context.schedule(context.now() + MINUTE + Sampling.delay(random, MEAN_OPEN_DELAY),
                () -> opened(customer, campaignId));
        }
        return email(customer, campaignId, EmailEventType.DELIVERED, null);
    }

    private GeneratedEvent opened(final Visitor customer, final String campaignId) {
        if (Sampling.chance(random, customer.emailClickPropensity())) {
            final String url = "/c/" + Sampling.pick(random, customer.interests()) + "?utm_campaign=" + campaignId;
            context.schedule(context.now() + Sampling.uniform(random, 5 * SECOND, 5 * MINUTE),
                () -> clicked(customer, campaignId, url));
        }
        if (Sampling.chance(random, UNSUBSCRIBE_SHARE)) {
            context.schedule(context.now() + Sampling.uniform(random, 5 * SECOND, 10 * MINUTE), () -> {
                context.states().stopReaching(customer.index());
                return email(customer, campaignId, EmailEventType.UNSUBSCRIBED, null);
            });
        }
        return email(customer, campaignId, EmailEventType.OPENED, null);
    }

    /**
     * The click on an email's link, which opens a browsing session on the linked page a few seconds later.
     */
    private GeneratedEvent clicked(final Visitor customer, final String campaignId, final String url) {
        context.schedule(context.now() + Sampling.uniform(random, 2 * SECOND, 30 * SECOND), () -> {
            browsing.browse(customer, "email", url);
            return null;
        });
        return email(customer, campaignId, EmailEventType.CLICKED, url);
    }

    private GeneratedEvent email(final Visitor customer,
                                 final String campaignId,
                                 final EmailEventType type,
                                 final String url) {
        return GeneratedEvent.email(EmailEvent.newBuilder()
            .setEventId(context.eventId())
            .setCustomerId(customer.customerId())
            .setCampaignId(campaignId)
            .setType(type)
            .setTimestamp(context.stamp())
            .setUrl(url)
            .build());
    }
}
