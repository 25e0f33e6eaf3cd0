package io.profilestream.domain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Holdout assignment: whether a member of a definition is held out (not to be acted on), so the effect of acting on
 * the others can be measured.
 * The assignment depends only on the definition id and the profile id, so it is the same on every instance, after
 * every restart, on every entry and in every replay; a profile's position is the first 8 bytes of
 * SHA-256({@code definitionId + "\n" + profileId}), read as an unsigned number and scaled to [0, 1), and it is held
 * out when {@code 100 * position < holdoutPercent}. Raising the percentage only adds members to the holdout.
 */
public final class Holdout {

    /** The largest holdout a definition may set. */
    public static final double MAX_PERCENT = 50.0;

    private static final double TWO_TO_MINUS_53 = 0x1.0p-53;

    private Holdout() {
    }

    /** Where a profile falls in [0, 1) for a definition. */
    public static double position(final String definitionId, final String profileId) {
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest((definitionId + "\n" + profileId).getBytes(StandardCharsets.UTF_8));
            return (ByteBuffer.wrap(digest, 0, Long.BYTES).getLong() >>> 11) * TWO_TO_MINUS_53;
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime.", e);
        }
    }

    /** Whether a profile is in the holdout of a definition that holds out {@code percent} of its members. */
    public static boolean isHeldOut(final String definitionId, final String profileId, final double percent) {
        return percent > 0 && 100.0 * position(definitionId, profileId) < percent;
    }

    /**
     * Checks a holdout percentage.
     *
     * @throws IllegalArgumentException unless it is a number from 0 to {@link #MAX_PERCENT}
     */
    public static double check(final double percent) {
        if (!(percent >= 0 && percent <= MAX_PERCENT)) {
            throw new IllegalArgumentException("holdoutPercent must be between 0 and " + (int) MAX_PERCENT + ".");
        }
        return percent;
    }
}
