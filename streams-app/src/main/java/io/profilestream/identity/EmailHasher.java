package io.profilestream.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns an email address into a salted hash, so profiles can be matched on email without keeping the address.
 * The hash is HMAC-SHA256 keyed by the salt over the trimmed, lower-cased address, in hex.
 * Without a salt no hash is kept at all: an unsalted hash of an email address is as good as the address.
 */
public final class EmailHasher {

    private static final String ALGORITHM = "HmacSHA256";

    private final byte[] salt;

    private EmailHasher(final byte[] salt) {
        this.salt = salt;
    }

    /**
     * A hasher keyed by the given secret salt; a blank salt disables hashing.
     */
    public static EmailHasher withSalt(final String salt) {
        return salt == null || salt.isBlank() ? disabled() : new EmailHasher(salt.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A hasher that keeps nothing: {@link #hash(String)} always returns null.
     */
    public static EmailHasher disabled() {
        return new EmailHasher(null);
    }

    public boolean enabled() {
        return salt != null;
    }

    /**
     * The hex HMAC-SHA256 of the normalised address, or null when the address is blank or hashing is disabled.
     */
    public String hash(final String email) {
        if (salt == null || email == null || email.isBlank()) {
            return null;
        }
        try {
            final Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(salt, ALGORITHM));
            final byte[] digest = mac.doFinal(email.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available in this JVM.", e);
        }
    }
}
