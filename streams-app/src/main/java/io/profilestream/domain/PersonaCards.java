package io.profilestream.domain;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.profilestream.profile.PersonaCard;

/**
 * Builds and checks the card a persona or segment definition may carry: goals, frustrations, preferred channels, a
 * quote and an image URL, for the people who act on it. The one place that says what a valid card is, for the REST
 * API and the default catalogue alike.
 */
public final class PersonaCards {

    private static final int MAX_ITEMS = 20;
    private static final int MAX_TEXT = 500;
    private static final int MAX_URL = 2048;

    private PersonaCards() {
    }

    /**
     * A checked card.
     *
     * @throws IllegalArgumentException when a list has more than 20 items, a text is blank or longer than 500
     *                                  characters, or the image URL is not an http or https URL
     */
    public static PersonaCard of(final List<String> goals,
                                 final List<String> frustrations,
                                 final List<String> preferredChannels,
                                 final String quote,
                                 final String imageUrl) {
        if (quote != null && (quote.isBlank() || quote.length() > MAX_TEXT)) {
            throw new IllegalArgumentException("card.quote must be 1 to " + MAX_TEXT + " characters.");
        }
        if (imageUrl != null && !isWebUrl(imageUrl)) {
            throw new IllegalArgumentException("card.imageUrl must be an http or https URL of at most " + MAX_URL
                + " characters.");
        }
        return PersonaCard.newBuilder()
            .setGoals(texts("goals", goals))
            .setFrustrations(texts("frustrations", frustrations))
            .setPreferredChannels(texts("preferredChannels", preferredChannels))
            .setQuote(quote == null ? null : quote.trim())
            .setImageUrl(imageUrl)
            .build();
    }

    private static List<String> texts(final String field, final List<String> texts) {
        final List<String> checked = new ArrayList<>();
        if (texts == null) {
            return checked;
        }
        if (texts.size() > MAX_ITEMS) {
            throw new IllegalArgumentException("card." + field + " holds at most " + MAX_ITEMS + " items.");
        }
        for (final String text : texts) {
            if (text == null || text.isBlank() || text.length() > MAX_TEXT) {
                throw new IllegalArgumentException("card." + field + " items must be 1 to " + MAX_TEXT
                    + " characters.");
            }
            checked.add(text.trim());
        }
        return checked;
    }

    private static boolean isWebUrl(final String url) {
        if (url.length() > MAX_URL) {
            return false;
        }
        try {
            final URI uri = new URI(url);
            final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return ("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null;
        } catch (final URISyntaxException e) {
            return false;
        }
    }
}
