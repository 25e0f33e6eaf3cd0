package io.profilestream.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.profilestream.profile.Behaviour;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.Demographics;
import io.profilestream.profile.EmailEngagement;
import io.profilestream.profile.Identity;
import io.profilestream.profile.Transactions;

/**
 * Moves an anonymous visitor's profile into a customer's: the only definition of how two profiles combine.
 * It has no Kafka dependency and no I/O.
 * Merging the profile built from events A into the profile built from events B gives the profile built from A and B
 * in one stream, whatever the order, as long as the capped lists (anonymous ids, session ids, purchase days) are
 * under their caps: counters add, first and last times take the minimum and maximum, decayed affinities are
 * decayed to a common time and added, sets are united.
 * Scores, lifecycle stage, persona and segment memberships keep the target's values: they are derived, and the
 * engine recomputes them after the merge.
 * Customer traits and consent are the target's: only a customer has them.
 * Retained custom events are united; computed traits are derived from them and recomputed.
 */
public final class ProfileMerger {

    private static final long MILLIS_PER_DAY = 86_400_000L;
    private final ProfileAggregator aggregator;

    /**
     * A merger with the same caps and affinity half-life as the aggregator that built the profiles.
     */
    public ProfileMerger(final ProfileAggregator aggregator) {
        this.aggregator = aggregator;
    }

    /**
     * Merges {@code source} into {@code target}, which is updated in place and returned; {@code source} is unchanged.
     *
     * @param target the profile that stays (the customer's)
     * @param source the profile that is moved (an anonymous visitor's)
     * @param now processing time, recorded as {@code identity.updatedAt}
     */
    public CustomerProfile merge(final CustomerProfile target, final CustomerProfile source, final Instant now) {
        final boolean sourceIsNewer = isNewer(source.getIdentity(), target.getIdentity());
        mergeIdentity(target.getIdentity(), source.getIdentity(), now);
        mergeBehaviour(target.getBehaviour(), source.getBehaviour(), sourceIsNewer);
        mergeTransactions(target.getTransactions(), source.getTransactions());
        mergeEmail(target.getEmail(), source.getEmail());
        mergeDemographics(target, source.getDemographics());
        aggregator.customEvents().merge(target, source);
        // recommendations stay the target's: they follow from its orders, and are ranked again on its next order and
        // on every read.
        return target;
    }

    private void mergeIdentity(final Identity target, final Identity source, final Instant now) {
        final List<String> ids = new ArrayList<>();
        for (final String id : source.getAnonymousIds()) {
            if (!target.getAnonymousIds().contains(id)) {
                ids.add(id);
            }
        }
        ids.addAll(target.getAnonymousIds());
        target.setAnonymousIds(keepLast(ids, aggregator.maxAnonymousIds()));
        target.setFirstSeen(Instants.earliest(target.getFirstSeen(), source.getFirstSeen()));
        target.setLastSeen(Instants.latest(target.getLastSeen(), source.getLastSeen()));
        target.setVersion(target.getVersion() + source.getVersion());
        target.setUpdatedAt(now);
        if (target.getEmailHash() == null) {
            target.setEmailHash(source.getEmailHash());
        }
        target.setMerges(target.getMerges() + source.getMerges() + 1);
    }

    private void mergeBehaviour(final Behaviour target, final Behaviour source, final boolean sourceIsNewer) {
        final Set<String> shared = new LinkedHashSet<>(target.getRecentSessionIds());
        shared.retainAll(source.getRecentSessionIds());
        target.setSessions(target.getSessions() + source.getSessions() - shared.size());
        final List<String> sessions = new ArrayList<>();
        for (final String id : source.getRecentSessionIds()) {
            if (!target.getRecentSessionIds().contains(id)) {
                sessions.add(id);
            }
        }
        sessions.addAll(target.getRecentSessionIds());
        target.setRecentSessionIds(keepLast(sessions, aggregator.maxSessionIds()));
        target.setPageViews(target.getPageViews() + source.getPageViews());
        target.setProductViews(target.getProductViews() + source.getProductViews());
        target.setSearches(target.getSearches() + source.getSearches());
        target.setAddToCarts(target.getAddToCarts() + source.getAddToCarts());
        target.setRemoveFromCarts(target.getRemoveFromCarts() + source.getRemoveFromCarts());
        target.setCheckoutsStarted(target.getCheckoutsStarted() + source.getCheckoutsStarted());
        target.setLogins(target.getLogins() + source.getLogins());
        target.setSignUps(target.getSignUps() + source.getSignUps());
        target.setDeviceCounts(sum(target.getDeviceCounts(), source.getDeviceCounts()));
        target.setChannelCounts(sum(target.getChannelCounts(), source.getChannelCounts()));
        mergeAffinity(target, source);
        RecentActivity.merge(target, source);
        if (target.getLastCountry() == null || sourceIsNewer && source.getLastCountry() != null) {
            target.setLastCountry(source.getLastCountry());
        }
    }

    /**
     * Decays both sides to the later of their as-of times, then adds them.
     */
    private void mergeAffinity(final Behaviour target, final Behaviour source) {
        final Instant targetAsOf = target.getAffinityAsOf();
        final Instant sourceAsOf = source.getAffinityAsOf();
        final Instant asOf = Instants.latest(targetAsOf, sourceAsOf);
        if (asOf == null) {
            return;
        }
        final Map<String, Double> merged = new HashMap<>();
        if (targetAsOf != null) {
            final double factor = aggregator.decay(asOf.toEpochMilli() - targetAsOf.toEpochMilli());
            target.getCategoryAffinity().forEach((category, value) -> merged.merge(category, value * factor,
                Double::sum));
        }
        if (sourceAsOf != null) {
            final double factor = aggregator.decay(asOf.toEpochMilli() - sourceAsOf.toEpochMilli());
            source.getCategoryAffinity().forEach((category, value) -> merged.merge(category, value * factor,
                Double::sum));
        }
        target.setCategoryAffinity(merged);
        target.setAffinityAsOf(asOf);
    }

    private void mergeTransactions(final Transactions target, final Transactions source) {
        target.setOrders(target.getOrders() + source.getOrders());
        target.setRefunds(target.getRefunds() + source.getRefunds());
        target.setRevenueMinor(target.getRevenueMinor() + source.getRevenueMinor());
        target.setRefundedMinor(target.getRefundedMinor() + source.getRefundedMinor());
        target.setDiscountMinor(target.getDiscountMinor() + source.getDiscountMinor());
        target.setItemsPurchased(target.getItemsPurchased() + source.getItemsPurchased());
        target.setFirstPurchaseDayMinor(firstPurchaseDayMinor(target, source));
        target.setFirstPurchaseAt(Instants.earliest(target.getFirstPurchaseAt(), source.getFirstPurchaseAt()));
        target.setLastPurchaseAt(Instants.latest(target.getLastPurchaseAt(), source.getLastPurchaseAt()));
        final Set<Integer> shared = new TreeSet<>(target.getPurchaseDays());
        shared.retainAll(source.getPurchaseDays());
        target.setDistinctPurchaseDays(target.getDistinctPurchaseDays() + source.getDistinctPurchaseDays()
            - shared.size());
        final TreeSet<Integer> days = new TreeSet<>(target.getPurchaseDays());
        days.addAll(source.getPurchaseDays());
        target.setPurchaseDays(keepLast(new ArrayList<>(days), aggregator.maxPurchaseDays()));
        target.setAverageOrderValueMinor(target.getOrders() == 0
            ? null
            : (double) (target.getRevenueMinor() + target.getRefundedMinor()) / target.getOrders());
        target.setCategorySpendMinor(sum(target.getCategorySpendMinor(), source.getCategorySpendMinor()));
        target.setCategoryOrders(sum(target.getCategoryOrders(), source.getCategoryOrders()));
    }

    /** The first purchase day's order value of the merged profile: the earlier side's, or both on the same day. */
    private static Long firstPurchaseDayMinor(final Transactions target, final Transactions source) {
        if (source.getFirstPurchaseAt() == null) {
            return target.getFirstPurchaseDayMinor();
        }
        if (target.getFirstPurchaseAt() == null) {
            return source.getFirstPurchaseDayMinor();
        }
        final long targetDay = Math.floorDiv(target.getFirstPurchaseAt().toEpochMilli(), MILLIS_PER_DAY);
        final long sourceDay = Math.floorDiv(source.getFirstPurchaseAt().toEpochMilli(), MILLIS_PER_DAY);
        if (targetDay != sourceDay) {
            return targetDay < sourceDay ? target.getFirstPurchaseDayMinor() : source.getFirstPurchaseDayMinor();
        }
        return target.getFirstPurchaseDayMinor() == null || source.getFirstPurchaseDayMinor() == null
            ? null
            : target.getFirstPurchaseDayMinor() + source.getFirstPurchaseDayMinor();
    }

    private static void mergeEmail(final EmailEngagement target, final EmailEngagement source) {
        target.setSent(target.getSent() + source.getSent());
        target.setDelivered(target.getDelivered() + source.getDelivered());
        target.setOpens(target.getOpens() + source.getOpens());
        target.setClicks(target.getClicks() + source.getClicks());
        target.setBounces(target.getBounces() + source.getBounces());
        target.setSubscribed(target.getSubscribed() && source.getSubscribed());
        target.setComplained(target.getComplained() || source.getComplained());
        target.setLastOpenAt(Instants.latest(target.getLastOpenAt(), source.getLastOpenAt()));
        target.setLastClickAt(Instants.latest(target.getLastClickAt(), source.getLastClickAt()));
    }

    /**
     * Keeps the target's traits; a location that is not from traits follows the merged latest click.
     */
    private static void mergeDemographics(final CustomerProfile target, final Demographics source) {
        final Demographics demographics = target.getDemographics();
        if (demographics.getTraitsUpdatedAt() == null && source.getTraitsUpdatedAt() != null) {
            target.setDemographics(Demographics.newBuilder(source).build());
        }
        DemographicsRules.fillLocationFromClicks(target);
        DemographicsRules.refreshAgeBand(target);
    }

    private static boolean isNewer(final Identity candidate, final Identity current) {
        return candidate.getLastSeen() != null
            && (current.getLastSeen() == null || candidate.getLastSeen().isAfter(current.getLastSeen()));
    }

    private static Map<String, Long> sum(final Map<String, Long> a, final Map<String, Long> b) {
        final Map<String, Long> total = new HashMap<>(a);
        b.forEach((key, value) -> total.merge(key, value, Long::sum));
        return total;
    }

    private static <T> List<T> keepLast(final List<T> values, final int cap) {
        return values.size() <= cap
            ? values
            : new ArrayList<>(values.subList(values.size() - cap, values.size()));
    }
}
