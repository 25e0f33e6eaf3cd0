package io.profilestream.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.Device;
import io.profilestream.internal.IdentityLink;
import io.profilestream.internal.LinkStatus;
import io.profilestream.profile.IdentityAction;

class IdentityPolicyTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private final IdentityPolicy policy = new IdentityPolicy(2, 3);

    @Test
    void shouldKeepAnUnknownVisitorOnTheAnonymousProfile() {
        final IdentityPolicy.Resolution resolution = policy.resolve(null, click("a1", null, 0));

        assertThat(resolution.profileId()).isEqualTo("anon:a1");
        assertThat(resolution.mergeAnonymousProfile()).isFalse();
        assertThat(resolution.changes()).isEmpty();
        assertThat(resolution.link().getStatus()).isEqualTo(LinkStatus.ANONYMOUS);
        assertThat(resolution.link().getEvents()).isEqualTo(1);
        assertThat(resolution.link().getFirstSeen()).isEqualTo(T0);
    }

    @Test
    void shouldLinkAndMergeOnTheFirstLoginOnly() {
        final IdentityPolicy.Resolution first = policy.resolve(null, click("a1", "c1", 0));
        assertThat(first.profileId()).isEqualTo("c1");
        assertThat(first.mergeAnonymousProfile()).isTrue();
        assertThat(first.changes()).extracting(IdentityPolicy.Change::action).containsExactly(IdentityAction.LINKED);
        assertThat(first.link().getLinkedAt()).isEqualTo(T0);

        final IdentityPolicy.Resolution again = policy.resolve(first.link(), click("a1", "c1", 1));
        assertThat(again.mergeAnonymousProfile()).isFalse();
        assertThat(again.changes()).isEmpty();
        final IdentityPolicy.Resolution anonymous = policy.resolve(again.link(), click("a1", null, 2));
        assertThat(anonymous.profileId()).isEqualTo("c1");
    }

    @Test
    void shouldRelinkToTheLatestLoginAndQuarantineBeyondTheCustomerLimit() {
        final IdentityLink linked = policy.resolve(null, click("a1", "c1", 0)).link();
        final IdentityPolicy.Resolution relinked = policy.resolve(linked, click("a1", "c2", 1));
        assertThat(relinked.mergeAnonymousProfile()).isFalse();
        assertThat(relinked.changes()).containsExactly(
            new IdentityPolicy.Change(IdentityAction.RELINKED, "c2", "c1", null));
        final IdentityPolicy.Resolution back = policy.resolve(relinked.link(), click("a1", "c1", 2));
        assertThat(back.changes()).extracting(IdentityPolicy.Change::action)
            .containsExactly(IdentityAction.RELINKED);

        final IdentityPolicy.Resolution third = policy.resolve(back.link(), click("a1", "c3", 3));
        assertThat(third.profileId()).isEqualTo("c3");
        assertThat(third.changes()).containsExactly(new IdentityPolicy.Change(IdentityAction.QUARANTINED, "c3", "c1",
            IdentityPolicy.TOO_MANY_CUSTOMERS));
        assertThat(third.link().getStatus()).isEqualTo(LinkStatus.QUARANTINED);
        assertThat(policy.resolve(third.link(), click("a1", null, 4)).profileId()).isEqualTo("anon:a1");
        assertThat(policy.resolve(third.link(), click("a1", "c4", 4)).link().getCustomers()).hasSize(3);
    }

    @Test
    void shouldQuarantineAfterTooManyClicksWithoutACustomer() {
        IdentityLink link = null;
        for (int i = 0; i < 3; i++) {
            link = policy.resolve(link, click("bot", null, i)).link();
        }
        assertThat(link.getStatus()).isEqualTo(LinkStatus.ANONYMOUS);
        final IdentityPolicy.Resolution fourth = policy.resolve(link, click("bot", null, 3));
        assertThat(fourth.changes()).containsExactly(new IdentityPolicy.Change(IdentityAction.QUARANTINED, null, null,
            IdentityPolicy.TOO_MANY_EVENTS));
        final IdentityPolicy.Resolution login = policy.resolve(fourth.link(), click("bot", "c1", 4));
        assertThat(login.profileId()).isEqualTo("c1");
        assertThat(login.mergeAnonymousProfile()).isFalse();
        assertThat(login.changes()).isEmpty();
    }

    @Test
    void shouldUnlinkOnlyTheErasedCustomer() {
        final IdentityLink linked = policy.resolve(null, click("a1", "c1", 0)).link();
        assertThat(policy.unlink(linked, "c1")).isEqualTo(new IdentityPolicy.Unlink(null, true));

        final IdentityLink relinked = policy.resolve(linked, click("a1", "c2", 1)).link();
        final IdentityPolicy.Unlink other = policy.unlink(relinked, "c1");
        assertThat(other.unlinked()).isFalse();
        assertThat(other.link().getCustomerId()).isEqualTo("c2");
        assertThat(other.link().getCustomers()).containsExactly("c2");
        assertThat(relinked.getCustomers()).as("the current state is not changed").containsExactly("c1", "c2");
    }

    @Test
    void shouldKeepAQuarantineThroughAnErasure() {
        IdentityLink link = policy.resolve(null, click("k", "c1", 0)).link();
        link = policy.resolve(link, click("k", "c2", 1)).link();
        link = policy.resolve(link, click("k", "c3", 2)).link();
        final IdentityPolicy.Unlink unlink = policy.unlink(link, "c2");

        assertThat(unlink.unlinked()).isTrue();
        assertThat(unlink.link().getStatus()).isEqualTo(LinkStatus.QUARANTINED);
        assertThat(unlink.link().getCustomerId()).isNull();
        assertThat(unlink.link().getCustomers()).containsExactly("c1", "c3");
    }

    @Test
    void shouldLeaveTheCurrentLinkAsItWas() {
        final IdentityLink anonymous = policy.resolve(null, click("a1", null, 0)).link();
        final IdentityLink before = IdentityLink.newBuilder(anonymous).build();

        final IdentityLink linked = policy.resolve(anonymous, click("a1", "c1", 1)).link();
        final IdentityLink linkedBefore = IdentityLink.newBuilder(linked).build();
        final IdentityLink relinked = policy.resolve(linked, click("a1", "c2", 2)).link();
        final IdentityLink quarantined = policy.resolve(relinked, click("a1", "c3", 3)).link();
        final IdentityLink quarantinedBefore = IdentityLink.newBuilder(quarantined).build();
        policy.unlink(quarantined, "c2");

        assertThat(anonymous).isEqualTo(before);
        assertThat(linked).isEqualTo(linkedBefore);
        assertThat(quarantined).isEqualTo(quarantinedBefore);
        assertThat(relinked.getCustomers()).containsExactly("c1", "c2");
        assertThat(quarantined.getStatus()).isEqualTo(LinkStatus.QUARANTINED);
        assertThat(quarantined.getCustomers()).containsExactly("c1", "c2", "c3");
    }

    @Test
    void shouldRefuseLimitsBelowOne() {
        assertThatThrownBy(() -> new IdentityPolicy(0, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    private static ClickEvent click(final String anonymousId, final String customerId, final long minutes) {
        return ClickEvent.newBuilder()
            .setEventId(anonymousId + "-" + minutes)
            .setAnonymousId(anonymousId)
            .setCustomerId(customerId)
            .setSessionId("s")
            .setType(customerId == null ? ClickType.PAGE_VIEW : ClickType.LOGIN)
            .setTimestamp(T0.plusSeconds(60 * minutes))
            .setChannel("organic")
            .setDevice(Device.DESKTOP)
            .build();
    }
}
