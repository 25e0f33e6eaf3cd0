package io.profilestream.identity;

import io.profilestream.events.ClickEvent;

/**
 * Profile ids: a customer's id, or {@code anon:<anonymousId>} for a visitor who is not known yet.
 */
public final class ProfileIds {

    /** Prefix of anonymous profile ids. */
    public static final String ANONYMOUS_PREFIX = "anon:";

    private ProfileIds() {
    }

    public static String anonymous(final String anonymousId) {
        return ANONYMOUS_PREFIX + anonymousId;
    }

    public static boolean isAnonymous(final String profileId) {
        return profileId.startsWith(ANONYMOUS_PREFIX);
    }

    /**
     * The profile a click belongs to: its customer when the event names one, otherwise its anonymous visitor.
     */
    public static String forClick(final ClickEvent click) {
        final String customerId = click.getCustomerId();
        return customerId != null ? customerId : anonymous(click.getAnonymousId());
    }
}
