package io.profilestream.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.CustomEvent;
import io.profilestream.events.CustomerTraits;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.identity.EmailHasher;
import io.profilestream.identity.ProfileIds;
import io.profilestream.profile.Behaviour;
import io.profilestream.profile.Consent;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.Demographics;
import io.profilestream.profile.EmailEngagement;
import io.profilestream.profile.Identity;
import io.profilestream.profile.Recommendations;
import io.profilestream.profile.Scores;
import io.profilestream.profile.Transactions;

/**
 * Applies one validated event to a profile: the engine's only profile update logic.
 * It has no Kafka dependency and no I/O; the same event applied to the same profile gives the same result
 * whatever the wall clock says, except {@code identity.updatedAt}, which is the time passed in.
 * Updates are order-insensitive where event time matters: a late event never moves {@code lastSeen} or
 * {@code lastPurchaseAt} backwards, and decayed category affinity is the same in any arrival order.
 * The profile passed in belongs to the caller and is updated in place.
 */
public final class ProfileAggregator {

    /** Channels kept as their own counter; anything else counts as {@code other}. */
    public static final Set<String> CHANNELS = Set.of("direct", "organic", "paid", "email", "social", "referral");

    private static final double VIEW_WEIGHT = 1.0;
    private static final double CART_WEIGHT = 3.0;
    private static final double PURCHASE_WEIGHT = 5.0;
    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** {@code demographics.locationSource} when the location comes from customer traits. */
    public static final String LOCATION_FROM_CRM = "crm";
    /** {@code demographics.locationSource} when the country is the one of the latest click. */
    public static final String LOCATION_FROM_CLICKS = "clickstream";

    private final int maxAnonymousIds;
    private final int maxSessionIds;
    private final int maxPurchaseDays;
    private final double affinityHalfLifeMs;
    private final Money money;
    private final DemographicsRules demographics;
    private final CustomEventLog customEvents;

    public ProfileAggregator(final int maxAnonymousIds,
                             final int maxSessionIds,
                             final int maxPurchaseDays,
                             final double affinityHalfLifeDays,
                             final Money money) {
        this(maxAnonymousIds, maxSessionIds, maxPurchaseDays, affinityHalfLifeDays, money, EmailHasher.disabled());
    }

    /**
     * An aggregator that also keeps the salted hash of a customer's email address from customer traits.
     */
    public ProfileAggregator(final int maxAnonymousIds,
                             final int maxSessionIds,
                             final int maxPurchaseDays,
                             final double affinityHalfLifeDays,
                             final Money money,
                             final EmailHasher emailHasher) {
        this(maxAnonymousIds, maxSessionIds, maxPurchaseDays, affinityHalfLifeDays, money, emailHasher,
            CustomEventLog.DEFAULT);
    }

    /**
     * An aggregator that also keeps the salted hash of a customer's email address, and retains custom events within
     * the given bounds.
     */
    public ProfileAggregator(final int maxAnonymousIds,
                             final int maxSessionIds,
                             final int maxPurchaseDays,
                             final double affinityHalfLifeDays,
                             final Money money,
                             final EmailHasher emailHasher,
                             final CustomEventLog customEvents) {
        this.customEvents = customEvents;
        this.maxAnonymousIds = maxAnonymousIds;
        this.maxSessionIds = maxSessionIds;
        this.maxPurchaseDays = maxPurchaseDays;
        this.affinityHalfLifeMs = affinityHalfLifeDays * MILLIS_PER_DAY;
        this.money = money;
        this.demographics = new DemographicsRules(emailHasher);
    }

    /**
     * The top-level profile fields that applying an event of each kind can change: every event updates
     * {@code identity} (first and last seen, version) and may refresh the age band in {@code demographics}; clicks,
     * orders and email engagement add to {@code behaviour}'s recent activity. Traits can change several parts, merges
     * and erasures replace the profile: no entry, so anything may change.
     */
    private static final Map<EventKind, Set<String>> CHANGED_FIELDS = Map.of(
        EventKind.CLICK, Set.of("identity", "behaviour", "demographics"),
        EventKind.PURCHASE, Set.of("identity", "behaviour", "transactions", "demographics"),
        EventKind.EMAIL, Set.of("identity", "behaviour", "email", "demographics"),
        EventKind.CUSTOM, Set.of("identity", "demographics", "customEvents"));

    /**
     * An empty profile with every counter at zero and every score unset.
     */
    public static CustomerProfile newProfile(final String profileId) {
        final String customerId = ProfileIds.isAnonymous(profileId) ? null : profileId;
        return CustomerProfile.newBuilder()
            .setProfileId(profileId)
            .setIdentity(Identity.newBuilder().setCustomerId(customerId).setAnonymousIds(new ArrayList<>()).build())
            .setBehaviour(Behaviour.newBuilder()
                .setDeviceCounts(new HashMap<>())
                .setChannelCounts(new HashMap<>())
                .setCategoryAffinity(new HashMap<>())
                .setRecentSessionIds(new ArrayList<>())
                .build())
            .setTransactions(Transactions.newBuilder()
                .setPurchaseDays(new ArrayList<>())
                .setCategorySpendMinor(new HashMap<>())
                .setCategoryOrders(new HashMap<>())
                .build())
            .setEmail(EmailEngagement.newBuilder().build())
            .setScores(Scores.newBuilder().build())
            .setSegments(new ArrayList<>())
            .setDemographics(Demographics.newBuilder().setAttributes(new HashMap<>()).build())
            .setConsent(Consent.newBuilder().build())
            .setCustomEvents(new ArrayList<>())
            .setComputedTraits(new HashMap<>())
            .setRecommendations(Recommendations.newBuilder().setNextCategories(new ArrayList<>()).build())
            .build();
    }

    /**
     * The top-level fields of a profile (names of {@link CustomerProfile}'s schema) that {@link #apply} can change
     * for a record of this kind, or {@code null} when it can change any.
     */
    public static Set<String> fieldsChangedBy(final EventKind kind) {
        return CHANGED_FIELDS.get(kind);
    }

    /**
     * Applies a click, purchase, email or traits record to the profile, in place, as of {@code now}.
     *
     * @return the same profile
     * @throws IllegalArgumentException for any other kind of record (erasures and merges change more than a profile)
     */
    public CustomerProfile apply(final CustomerProfile profile, final Object event, final Instant now) {
        final EventKind kind = EventKind.of(event);
        return switch (kind) {
            case CLICK -> applyClick(profile, (ClickEvent) event, now);
            case PURCHASE -> applyPurchase(profile, (PurchaseEvent) event, now);
            case EMAIL -> applyEmail(profile, (EmailEvent) event, now);
            case TRAITS -> demographics.apply(profile, (CustomerTraits) event, now);
            case CUSTOM -> {
                touch(profile, ((CustomEvent) event).getTimestamp(), now);
                customEvents.append(profile, (CustomEvent) event, now);
                yield profile;
            }
            case ERASURE, MERGE_REQUEST, MERGE -> throw new IllegalArgumentException(
                "A profile is not updated by applying a " + kind + " record.");
        };
    }

    private CustomerProfile applyClick(final CustomerProfile profile, final ClickEvent click, final Instant now) {
        final Instant time = click.getTimestamp();
        final boolean latest = touch(profile, time, now);
        addAnonymousId(profile.getIdentity(), click.getAnonymousId());
        final Behaviour behaviour = profile.getBehaviour();
        if (addSession(behaviour, click.getSessionId())) {
            behaviour.setSessions(behaviour.getSessions() + 1);
        }
        RecentActivity.record(behaviour, time, RecentActivity.WEB_POINTS);
        increment(behaviour.getDeviceCounts(), click.getDevice().name());
        increment(behaviour.getChannelCounts(), channel(click.getChannel()));
        if (latest && click.getCountry() != null && !click.getCountry().isBlank()) {
            behaviour.setLastCountry(click.getCountry().toUpperCase(Locale.ROOT));
            DemographicsRules.fillLocationFromClicks(profile);
        }
        switch (click.getType()) {
            case PAGE_VIEW -> behaviour.setPageViews(behaviour.getPageViews() + 1);
            case PRODUCT_VIEW -> {
                behaviour.setProductViews(behaviour.getProductViews() + 1);
                addAffinity(behaviour, click.getCategory(), VIEW_WEIGHT, time);
            }
            case SEARCH -> behaviour.setSearches(behaviour.getSearches() + 1);
            case ADD_TO_CART -> {
                behaviour.setAddToCarts(behaviour.getAddToCarts() + 1);
                addAffinity(behaviour, click.getCategory(), CART_WEIGHT, time);
            }
            case REMOVE_FROM_CART -> behaviour.setRemoveFromCarts(behaviour.getRemoveFromCarts() + 1);
            case CHECKOUT_STARTED -> behaviour.setCheckoutsStarted(behaviour.getCheckoutsStarted() + 1);
            case LOGIN -> behaviour.setLogins(behaviour.getLogins() + 1);
            case SIGN_UP -> behaviour.setSignUps(behaviour.getSignUps() + 1);
            default -> throw new IllegalArgumentException("Unknown click type " + click.getType() + ".");
        }
        return profile;
    }

    /**
     * Applies an order or a refund; amounts are converted into the base currency.
     */
    private CustomerProfile applyPurchase(final CustomerProfile profile,
                                          final PurchaseEvent purchase,
                                          final Instant now) {
        final Instant time = purchase.getTimestamp();
        touch(profile, time, now);
        RecentActivity.record(profile.getBehaviour(), time, 0);
        final Transactions tx = profile.getTransactions();
        final String currency = purchase.getCurrency();
        final long total = money.toBaseMinor(purchase.getTotalMinor(), currency);
        switch (purchase.getType()) {
            case ORDER -> {
                firstPurchaseDay(tx, time, total);
                tx.setOrders(tx.getOrders() + 1);
                tx.setRevenueMinor(tx.getRevenueMinor() + total);
                tx.setDiscountMinor(tx.getDiscountMinor() + money.toBaseMinor(purchase.getDiscountMinor(), currency));
                tx.setFirstPurchaseAt(Instants.earliest(tx.getFirstPurchaseAt(), time));
                tx.setLastPurchaseAt(Instants.latest(tx.getLastPurchaseAt(), time));
                if (addPurchaseDay(tx.getPurchaseDays(), (int) Math.floorDiv(time.toEpochMilli(), MILLIS_PER_DAY))) {
                    tx.setDistinctPurchaseDays(tx.getDistinctPurchaseDays() + 1);
                }
                final Behaviour behaviour = profile.getBehaviour();
                for (final LineItem item : purchase.getItems()) {
                    tx.setItemsPurchased(tx.getItemsPurchased() + item.getQuantity());
                    final long spend = money.toBaseMinor(item.getUnitPriceMinor() * item.getQuantity(), currency);
                    tx.getCategorySpendMinor().merge(item.getCategory(), spend, Long::sum);
                    addAffinity(behaviour, item.getCategory(), PURCHASE_WEIGHT, time);
                }
                for (final String category : CoPurchase.categories(purchase)) {
                    tx.getCategoryOrders().merge(category, 1L, Long::sum);
                }
            }
            case REFUND -> {
                tx.setRefunds(tx.getRefunds() + 1);
                tx.setRefundedMinor(tx.getRefundedMinor() + total);
                tx.setRevenueMinor(tx.getRevenueMinor() - total);
            }
            default -> throw new IllegalArgumentException("Unknown purchase type " + purchase.getType() + ".");
        }
        tx.setAverageOrderValueMinor(tx.getOrders() == 0
            ? null
            : (double) (tx.getRevenueMinor() + tx.getRefundedMinor()) / tx.getOrders());
        return profile;
    }

    /**
     * Applies an email event.
     */
    private CustomerProfile applyEmail(final CustomerProfile profile, final EmailEvent email, final Instant now) {
        final Instant time = email.getTimestamp();
        touch(profile, time, now);
        final EmailEngagement engagement = profile.getEmail();
        switch (email.getType()) {
            case SENT -> engagement.setSent(engagement.getSent() + 1);
            case DELIVERED -> engagement.setDelivered(engagement.getDelivered() + 1);
            case OPENED -> {
                RecentActivity.record(profile.getBehaviour(), time, RecentActivity.OPEN_POINTS);
                engagement.setOpens(engagement.getOpens() + 1);
                engagement.setLastOpenAt(Instants.latest(engagement.getLastOpenAt(), time));
            }
            case CLICKED -> {
                RecentActivity.record(profile.getBehaviour(), time, RecentActivity.CLICK_POINTS);
                engagement.setClicks(engagement.getClicks() + 1);
                engagement.setLastClickAt(Instants.latest(engagement.getLastClickAt(), time));
            }
            case BOUNCED -> engagement.setBounces(engagement.getBounces() + 1);
            case UNSUBSCRIBED -> engagement.setSubscribed(false);
            case COMPLAINED -> {
                engagement.setComplained(true);
                engagement.setSubscribed(false);
            }
            default -> throw new IllegalArgumentException("Unknown email event type " + email.getType() + ".");
        }
        return profile;
    }

    /**
     * Updates first/last seen and the version; returns whether this event is the newest seen so far.
     */
    private static boolean touch(final CustomerProfile profile, final Instant time, final Instant now) {
        final Identity identity = profile.getIdentity();
        final boolean latest = identity.getLastSeen() == null || !time.isBefore(identity.getLastSeen());
        identity.setFirstSeen(Instants.earliest(identity.getFirstSeen(), time));
        identity.setLastSeen(Instants.latest(identity.getLastSeen(), time));
        identity.setVersion(identity.getVersion() + 1);
        identity.setUpdatedAt(now);
        if (latest && profile.getDemographics().getBirthYear() != null) {
            DemographicsRules.refreshAgeBand(profile);
        }
        return latest;
    }

    private void addAnonymousId(final Identity identity, final String anonymousId) {
        final List<String> ids = identity.getAnonymousIds();
        if (!ids.contains(anonymousId)) {
            ids.add(anonymousId);
            while (ids.size() > maxAnonymousIds) {
                ids.remove(0);
            }
        }
    }

    private boolean addSession(final Behaviour behaviour, final String sessionId) {
        final List<String> sessions = behaviour.getRecentSessionIds();
        if (sessions.contains(sessionId)) {
            return false;
        }
        sessions.add(sessionId);
        while (sessions.size() > maxSessionIds) {
            sessions.remove(0);
        }
        return true;
    }

    /**
     * Inserts a UTC epoch day into the sorted list; returns whether it was new.
     * When the list is full the oldest day is dropped; a day older than every kept day counts as new only if the
     * list is not full (the count is exact for customers with up to the cap of purchase days).
     */
    private boolean addPurchaseDay(final List<Integer> days, final int day) {
        final int index = Collections.binarySearch(days, day);
        if (index >= 0) {
            return false;
        }
        final int insertAt = -index - 1;
        if (days.size() >= maxPurchaseDays) {
            if (insertAt == 0) {
                return false;
            }
            days.remove(0);
            days.add(insertAt - 1, day);
            return true;
        }
        days.add(insertAt, day);
        return true;
    }

    /**
     * Adds decayed interest in a category. Affinity is stored as of {@code affinityAsOf}: a newer event first decays
     * every category to its time, a late event adds its weight already decayed, so arrival order does not matter.
     */
    private void addAffinity(final Behaviour behaviour,
                             final String category,
                             final double weight,
                             final Instant time) {
        if (category == null || category.isBlank()) {
            return;
        }
        final Map<String, Double> affinity = behaviour.getCategoryAffinity();
        final Instant asOf = behaviour.getAffinityAsOf();
        if (asOf == null || time.isAfter(asOf)) {
            if (asOf != null) {
                final double factor = decay(time.toEpochMilli() - asOf.toEpochMilli());
                affinity.replaceAll((k, v) -> v * factor);
            }
            behaviour.setAffinityAsOf(time);
            affinity.merge(category, weight, Double::sum);
        } else {
            affinity.merge(category, weight * decay(asOf.toEpochMilli() - time.toEpochMilli()), Double::sum);
        }
    }

    /**
     * Brings the time-decayed parts of a profile to {@code now}: category affinity and the 7- and 30-day activity
     * rates, so that a profile read at {@code now} states them as of {@code now}, not as of its last event (the stored
     * profile keeps them as of its events, which keeps them independent of arrival order). A {@code now} before their
     * current instant changes nothing.
     */
    public void advanceTo(final CustomerProfile profile, final Instant now) {
        final Behaviour behaviour = profile.getBehaviour();
        final Instant asOf = behaviour.getAffinityAsOf();
        if (asOf != null && now.isAfter(asOf)) {
            final double factor = decay(now.toEpochMilli() - asOf.toEpochMilli());
            behaviour.getCategoryAffinity().replaceAll((k, v) -> v * factor);
            behaviour.setAffinityAsOf(now);
        }
        RecentActivity.advance(behaviour, now);
    }

    /**
     * Keeps the order value of the first purchase day: an order on an earlier day replaces it, one on the same day
     * adds to it.
     */
    private static void firstPurchaseDay(final Transactions tx, final Instant time, final long total) {
        final long day = Math.floorDiv(time.toEpochMilli(), MILLIS_PER_DAY);
        final Instant first = tx.getFirstPurchaseAt();
        final long firstDay = first == null ? Long.MAX_VALUE : Math.floorDiv(first.toEpochMilli(), MILLIS_PER_DAY);
        if (day < firstDay) {
            tx.setFirstPurchaseDayMinor(total);
        } else if (day == firstDay && tx.getFirstPurchaseDayMinor() != null) {
            tx.setFirstPurchaseDayMinor(tx.getFirstPurchaseDayMinor() + total);
        }
    }

    /** The bounds on the custom events a profile retains. */
    public CustomEventLog customEvents() {
        return customEvents;
    }

    int maxAnonymousIds() {
        return maxAnonymousIds;
    }

    int maxSessionIds() {
        return maxSessionIds;
    }

    int maxPurchaseDays() {
        return maxPurchaseDays;
    }

    double decay(final long elapsedMs) {
        return Math.pow(0.5, elapsedMs / affinityHalfLifeMs);
    }

    private static String channel(final String channel) {
        final String lower = channel.toLowerCase(Locale.ROOT);
        return CHANNELS.contains(lower) ? lower : "other";
    }

    private static void increment(final Map<String, Long> counts, final String key) {
        counts.merge(key, 1L, Long::sum);
    }
}
