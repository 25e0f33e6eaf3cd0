package io.profilestream.domain;

import java.time.Instant;

import io.profilestream.profile.Behaviour;

/**
 * The recent-activity figures of a profile: exponentially decayed counts that need no event log.
 * <ul>
 *   <li>{@code activity7d} and {@code activity30d}: every click, purchase, email open and email click counts 1, decayed
 *       as {@code exp(-age / tau)} with tau 7 and 30 days. A steady rate of k events a day reads about
 *       {@code k * tau}, so each figure is close to the number of events of its last tau days.</li>
 *   <li>{@code engagementPoints}: web activity (0.2 points per click event, about one per five-page session), email
 *       opens (1) and email clicks (2), decayed with tau 30 days; {@code scores.engagementScore} is {@code 100 * (1 - exp(-points / 5))}, 0 to 100: 63 for five points
 *       of recent engagement, 86 for ten, falling back towards 0 when the customer goes quiet.</li>
 * </ul>
 * All three are stated as of {@code behaviour.activityAsOf}; a later event first decays them to its time, a late event
 * adds its weight already decayed, so arrival order does not matter, and reads decay them to now.
 */
public final class RecentActivity {

    /** Engagement points of one click event on the web: a session of five pages is worth about one point. */
    static final double WEB_POINTS = 0.2;
    /** Engagement points of an email open. */
    static final double OPEN_POINTS = 1.0;
    /** Engagement points of an email click. */
    static final double CLICK_POINTS = 2.0;
    /** Engagement points at which the score is 63 (1 - 1/e of 100). */
    static final double ENGAGEMENT_SCALE = 5.0;

    private static final double DAY_MS = 86_400_000.0;
    private static final double TAU_7_MS = 7 * DAY_MS;
    private static final double TAU_30_MS = 30 * DAY_MS;

    private RecentActivity() {
    }

    /** Counts one event at {@code time} with the given engagement points (0 for events that are not engagement). */
    static void record(final Behaviour behaviour, final Instant time, final double points) {
        final Instant asOf = behaviour.getActivityAsOf();
        if (asOf == null || time.isAfter(asOf)) {
            advance(behaviour, time);
            behaviour.setActivityAsOf(time);
            add(behaviour, 1.0, 1.0, points);
        } else {
            final double age = asOf.toEpochMilli() - time.toEpochMilli();
            add(behaviour, Math.exp(-age / TAU_7_MS), Math.exp(-age / TAU_30_MS), points * Math.exp(-age / TAU_30_MS));
        }
    }

    /** Decays the figures to {@code now}; an earlier {@code now} changes nothing. */
    static void advance(final Behaviour behaviour, final Instant now) {
        final Instant asOf = behaviour.getActivityAsOf();
        if (asOf == null || !now.isAfter(asOf)) {
            return;
        }
        final double age = now.toEpochMilli() - asOf.toEpochMilli();
        final double slow = Math.exp(-age / TAU_30_MS);
        behaviour.setActivity7d(behaviour.getActivity7d() * Math.exp(-age / TAU_7_MS));
        behaviour.setActivity30d(behaviour.getActivity30d() * slow);
        behaviour.setEngagementPoints(behaviour.getEngagementPoints() * slow);
        behaviour.setActivityAsOf(now);
    }

    /**
     * Adds the figures of {@code source} into {@code target} (a profile merge), both brought to the later instant.
     */
    static void merge(final Behaviour target, final Behaviour source) {
        if (source.getActivityAsOf() == null) {
            return;
        }
        if (target.getActivityAsOf() == null) {
            target.setActivity7d(source.getActivity7d());
            target.setActivity30d(source.getActivity30d());
            target.setEngagementPoints(source.getEngagementPoints());
            target.setActivityAsOf(source.getActivityAsOf());
            return;
        }
        final Instant latest = Instants.latest(target.getActivityAsOf(), source.getActivityAsOf());
        final Behaviour copy = Behaviour.newBuilder(source).build();
        advance(copy, latest);
        advance(target, latest);
        add(target, copy.getActivity7d(), copy.getActivity30d(), copy.getEngagementPoints());
    }

    /** The engagement score, 0 to 100, of decayed engagement points. */
    public static double engagementScore(final double points) {
        return 100.0 * (1.0 - Math.exp(-Math.max(0.0, points) / ENGAGEMENT_SCALE));
    }

    /** The engagement score the profile would have at {@code at} with no new event; NaN without any activity. */
    static double engagementScoreAt(final Behaviour behaviour, final Instant at) {
        final Instant asOf = behaviour.getActivityAsOf();
        if (asOf == null) {
            return Double.NaN;
        }
        final double age = Math.max(0, at.toEpochMilli() - asOf.toEpochMilli());
        return engagementScore(behaviour.getEngagementPoints() * Math.exp(-age / TAU_30_MS));
    }

    private static void add(final Behaviour behaviour, final double fast, final double slow, final double points) {
        behaviour.setActivity7d(behaviour.getActivity7d() + fast);
        behaviour.setActivity30d(behaviour.getActivity30d() + slow);
        behaviour.setEngagementPoints(behaviour.getEngagementPoints() + points);
    }
}
