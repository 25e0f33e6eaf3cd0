package io.profilestream.domain;

import static io.profilestream.domain.Profiles.assertSameFacts;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.CustomerTraits;
import io.profilestream.events.Device;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.identity.EmailHasher;
import io.profilestream.identity.ProfileIds;
import io.profilestream.profile.CustomerProfile;

class ProfileMergerTest {

    private static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");

    private final ProfileAggregator aggregator = new ProfileAggregator(20, 20, 3660, 30,
        new Money("USD", Map.of()), EmailHasher.withSalt("pepper"));
    private final ProfileMerger merger = new ProfileMerger(aggregator);

    @Test
    void shouldGiveTheProfileOfOneStreamWhateverTheOrderOfEvents() {
        final Random random = new Random(20260301L);
        for (int run = 0; run < 200; run++) {
            final Journey journey = Journey.random(random, "c" + run, "a" + run);

            final CustomerProfile anonymous = ProfileAggregator.newProfile(ProfileIds.anonymous(journey.anonymousId()));
            final CustomerProfile customer = ProfileAggregator.newProfile(journey.customerId());
            final List<SpecificRecord> customerEvents = new ArrayList<>(journey.customer());
            customerEvents.add(journey.login());
            Collections.shuffle(customerEvents, random);
            final List<ClickEvent> anonymousEvents = new ArrayList<>(journey.anonymous());
            Collections.shuffle(anonymousEvents, random);
            anonymousEvents.forEach(click -> aggregator.apply(anonymous, click, NOW));
            customerEvents.forEach(event -> apply(customer, event));
            final CustomerProfile merged = merger.merge(customer, anonymous, NOW);

            final CustomerProfile oneStream = ProfileAggregator.newProfile(journey.customerId());
            journey.shuffled(random).forEach(event -> apply(oneStream, event));

            assertSameFacts(merged, oneStream);
            assertThat(merged.getIdentity().getMerges()).isEqualTo(1);
        }
    }

    @Test
    void shouldDefineTheMergeOfEveryProfileField() {
        // A new profile field needs a merge rule in ProfileMerger (or a reason to keep the target's value); then
        // add it here.
        assertThat(fieldNames(CustomerProfile.getClassSchema())).containsExactlyInAnyOrder(
            "profileId", "identity", "behaviour", "transactions", "email", "scores", "lifecycleStage",
            "lifecycleSince", "persona", "segments", "demographics", "consent", "reevaluateAt", "customEvents",
            "computedTraits", "recommendations");
        assertThat(fieldNames(group("identity"))).containsExactlyInAnyOrder("customerId", "anonymousIds",
            "firstSeen", "lastSeen", "version", "updatedAt", "emailHash", "merges");
        assertThat(fieldNames(group("behaviour"))).containsExactlyInAnyOrder("sessions", "pageViews", "productViews",
            "searches", "addToCarts", "removeFromCarts", "checkoutsStarted", "logins", "signUps", "deviceCounts",
            "channelCounts", "categoryAffinity", "affinityAsOf", "recentSessionIds", "lastCountry", "activity7d",
            "activity30d", "engagementPoints", "activityAsOf");
        assertThat(fieldNames(group("transactions"))).containsExactlyInAnyOrder("orders", "refunds", "revenueMinor",
            "refundedMinor", "discountMinor", "itemsPurchased", "firstPurchaseAt", "lastPurchaseAt",
            "distinctPurchaseDays", "purchaseDays", "averageOrderValueMinor", "categorySpendMinor",
            "firstPurchaseDayMinor", "categoryOrders");
        assertThat(fieldNames(group("email"))).containsExactlyInAnyOrder("sent", "delivered", "opens", "clicks",
            "bounces", "subscribed", "complained", "lastOpenAt", "lastClickAt");
        assertThat(fieldNames(group("demographics"))).containsExactlyInAnyOrder("birthYear", "ageBand", "gender",
            "city", "region", "country", "postalCode", "locationSource", "loyaltyTier", "attributes",
            "traitsUpdatedAt");
        assertThat(fieldNames(group("consent"))).containsExactlyInAnyOrder("email", "sms", "updatedAt");
    }

    @Test
    void shouldKeepTheCustomersTraitsAndDerivedValues() {
        final CustomerProfile customer = ProfileAggregator.newProfile("c1");
        aggregator.apply(customer, CustomerTraits.newBuilder().setCustomerId("c1").setUpdatedAt(at(1))
            .setCountry("nl").setBirthYear(1990).setEmailConsent(true).setEmail("Ann@Example.com ").build(), NOW);
        customer.setPersona("bargain-hunter");
        customer.setSegments(new ArrayList<>(List.of("vip")));
        final CustomerProfile anonymous = ProfileAggregator.newProfile("anon:a1");
        aggregator.apply(anonymous, click("e1", "a1", at(5)).setCountry("DE").build(), NOW);

        final CustomerProfile merged = merger.merge(customer, anonymous, NOW);

        assertThat(merged.getProfileId()).isEqualTo("c1");
        assertThat(merged.getIdentity().getCustomerId()).isEqualTo("c1");
        assertThat(merged.getIdentity().getAnonymousIds()).containsExactly("a1");
        assertThat(merged.getIdentity().getEmailHash()).isEqualTo(EmailHasher.withSalt("pepper")
            .hash("ann@example.com"));
        assertThat(merged.getDemographics().getCountry()).isEqualTo("NL");
        assertThat(merged.getDemographics().getLocationSource()).isEqualTo("crm");
        assertThat(merged.getDemographics().getAgeBand()).isEqualTo("35-44");
        assertThat(merged.getBehaviour().getLastCountry()).isEqualTo("DE");
        assertThat(merged.getConsent().getEmail()).isTrue();
        assertThat(merged.getPersona()).isEqualTo("bargain-hunter");
        assertThat(merged.getSegments()).containsExactly("vip");
        assertThat(merged.getIdentity().getUpdatedAt()).isEqualTo(NOW);
    }

    @Test
    void shouldTakeTheLocationFromTheNewestClickWhenTraitsNameNone() {
        final CustomerProfile customer = ProfileAggregator.newProfile("c1");
        aggregator.apply(customer, click("e1", "a2", at(1)).setCustomerId("c1").setCountry("FR").build(), NOW);
        final CustomerProfile anonymous = ProfileAggregator.newProfile("anon:a1");
        aggregator.apply(anonymous, click("e2", "a1", at(5)).setCountry("DE").build(), NOW);

        final CustomerProfile merged = merger.merge(customer, anonymous, NOW);

        assertThat(merged.getDemographics().getCountry()).isEqualTo("DE");
        assertThat(merged.getDemographics().getLocationSource()).isEqualTo("clickstream");
    }

    @Test
    void shouldDropTheOldestAnonymousIdsBeyondTheCap() {
        final ProfileAggregator small = new ProfileAggregator(2, 20, 3660, 30, new Money("USD", Map.of()));
        final CustomerProfile customer = ProfileAggregator.newProfile("c1");
        small.apply(customer, click("e1", "a2", at(1)).setCustomerId("c1").build(), NOW);
        small.apply(customer, click("e2", "a3", at(2)).setCustomerId("c1").build(), NOW);
        final CustomerProfile anonymous = ProfileAggregator.newProfile("anon:a1");
        small.apply(anonymous, click("e3", "a1", at(0)).build(), NOW);

        final CustomerProfile merged = new ProfileMerger(small).merge(customer, anonymous, NOW);

        assertThat(merged.getIdentity().getAnonymousIds()).containsExactly("a2", "a3");
        assertThat(merged.getBehaviour().getSessions()).isEqualTo(3);
        assertThat(merged.getBehaviour().getPageViews()).isEqualTo(3);
    }

    @Test
    void shouldStayUnsubscribedWhenEitherSideUnsubscribed() {
        final CustomerProfile customer = ProfileAggregator.newProfile("c1");
        final CustomerProfile other = ProfileAggregator.newProfile("anon:a1");
        other.getEmail().setSubscribed(false);
        other.getEmail().setComplained(true);

        final CustomerProfile merged = merger.merge(customer, other, NOW);

        assertThat(merged.getEmail().getSubscribed()).isFalse();
        assertThat(merged.getEmail().getComplained()).isTrue();
    }

    private void apply(final CustomerProfile profile, final SpecificRecord event) {
        if (event instanceof ClickEvent click) {
            aggregator.apply(profile, click, NOW);
        } else if (event instanceof PurchaseEvent purchase) {
            aggregator.apply(profile, purchase, NOW);
        } else if (event instanceof EmailEvent email) {
            aggregator.apply(profile, email, NOW);
        } else {
            aggregator.apply(profile, (CustomerTraits) event, NOW);
        }
    }

    private static ClickEvent.Builder click(final String eventId, final String anonymousId, final Instant time) {
        return ClickEvent.newBuilder()
            .setEventId(eventId)
            .setAnonymousId(anonymousId)
            .setSessionId("s-" + anonymousId)
            .setType(ClickType.PAGE_VIEW)
            .setTimestamp(time)
            .setChannel("organic")
            .setDevice(Device.MOBILE);
    }

    private static Instant at(final long days) {
        return Journey.START.plus(Duration.ofDays(days));
    }

    private static Schema group(final String name) {
        return CustomerProfile.getClassSchema().getField(name).schema();
    }

    private static Set<String> fieldNames(final Schema schema) {
        return schema.getFields().stream().map(Schema.Field::name).collect(Collectors.toSet());
    }
}
