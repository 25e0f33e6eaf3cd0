package io.profilestream.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.jetty.util.ssl.SslContextFactory;

import io.profilestream.config.ConfigException;
import io.profilestream.config.ProfileStreamConfig;

/**
 * HTTPS for the API: the server's key and certificate from a keystore, and the trust this instance places in other
 * instances when it forwards a lookup to them.
 * Other instances are trusted through {@code http.tls.truststore.*} when it is set; otherwise through the certificates
 * in this instance's own keystore, which suits instances that share one keystore or one issuing CA.
 * Passwords are kept only as long as the keystores are loaded and never appear in messages.
 */
public final class HttpTls {

    /** The keystore with the server's private key and certificate chain. */
    public static final String KEYSTORE_PATH = "http.tls.keystore.path";
    /** The keystore's password. */
    public static final String KEYSTORE_PASSWORD = "http.tls.keystore.password";
    /** The keystore's type, {@code PKCS12} unless set. */
    public static final String KEYSTORE_TYPE = "http.tls.keystore.type";
    /** The private key's password, the keystore's unless set. */
    public static final String KEY_PASSWORD = "http.tls.key.password";
    /** The trust store for calls to other instances; their certificates must chain to one of its entries. */
    public static final String TRUSTSTORE_PATH = "http.tls.truststore.path";
    /** The trust store's password. */
    public static final String TRUSTSTORE_PASSWORD = "http.tls.truststore.password";
    /** The trust store's type, {@code PKCS12} unless set. */
    public static final String TRUSTSTORE_TYPE = "http.tls.truststore.type";

    private static final String DEFAULT_TYPE = "PKCS12";

    private final KeyStore keyStore;
    private final String keyPassword;
    private final KeyStore trustStore;

    /**
     * HTTPS from loaded stores.
     *
     * @param keyStore the server's key and certificate chain
     * @param keyPassword the private key's password
     * @param trustStore the certificates other instances' certificates must chain to
     */
    public HttpTls(final KeyStore keyStore, final String keyPassword, final KeyStore trustStore) {
        this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
        this.keyPassword = Objects.requireNonNull(keyPassword, "keyPassword");
        this.trustStore = Objects.requireNonNull(trustStore, "trustStore");
    }

    /**
     * Reads the HTTPS settings; empty when {@value #KEYSTORE_PATH} is not set, so the API speaks plain HTTP.
     *
     * @throws ConfigException when a store is missing, unreadable, of another type or its password is wrong
     */
    public static Optional<HttpTls> from(final ProfileStreamConfig config) {
        if (!config.contains(KEYSTORE_PATH)) {
            return Optional.empty();
        }
        final String password = config.get(KEYSTORE_PASSWORD, "");
        final KeyStore keyStore = load(config.get(KEYSTORE_PATH), password,
            config.get(KEYSTORE_TYPE, DEFAULT_TYPE), KEYSTORE_PATH);
        final KeyStore trustStore = config.contains(TRUSTSTORE_PATH)
            ? load(config.get(TRUSTSTORE_PATH), config.get(TRUSTSTORE_PASSWORD, ""),
                config.get(TRUSTSTORE_TYPE, DEFAULT_TYPE), TRUSTSTORE_PATH)
            : ownCertificates(keyStore);
        return Optional.of(new HttpTls(keyStore, config.get(KEY_PASSWORD, password), trustStore));
    }

    /**
     * The server side, for Jetty.
     */
    SslContextFactory.Server serverContext() {
        final SslContextFactory.Server factory = new SslContextFactory.Server();
        factory.setKeyStore(keyStore);
        factory.setKeyManagerPassword(keyPassword);
        // Clients check the certificate against the host they asked for; a mismatch of SNI is theirs to judge.
        factory.setSniRequired(false);
        return factory;
    }

    /**
     * The client side for forwarded lookups: trusts the configured trust store, or this instance's own certificates.
     */
    SSLContext clientContext() {
        try {
            final TrustManagerFactory trust = TrustManagerFactory.getInstance(
                TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (final GeneralSecurityException e) {
            throw new ConfigException("The trust for HTTPS calls between instances could not be set up: "
                + e.getMessage());
        }
    }

    private static KeyStore load(final String path, final String password, final String type, final String key) {
        final Path file = Path.of(path);
        if (!Files.isReadable(file)) {
            throw new ConfigException(key + ": " + path + " does not exist or cannot be read.");
        }
        try (InputStream in = Files.newInputStream(file)) {
            final KeyStore store = KeyStore.getInstance(type);
            store.load(in, password.toCharArray());
            return store;
        } catch (final IOException | GeneralSecurityException e) {
            throw new ConfigException(key + ": " + path + " could not be opened as a " + type
                + " store with the configured password (" + e.getClass().getSimpleName() + ").");
        }
    }

    private static KeyStore ownCertificates(final KeyStore keyStore) {
        try {
            final KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int count = 0;
            for (final String alias : Collections.list(keyStore.aliases())) {
                final Certificate[] chain = keyStore.isKeyEntry(alias)
                    ? keyStore.getCertificateChain(alias)
                    : new Certificate[] {keyStore.getCertificate(alias)};
                if (chain == null) {
                    continue;
                }
                for (final Certificate certificate : chain) {
                    trusted.setCertificateEntry("own-" + count++, certificate);
                }
            }
            if (count == 0) {
                throw new ConfigException(KEYSTORE_PATH + " holds no certificate.");
            }
            return trusted;
        } catch (final IOException | GeneralSecurityException e) {
            throw new ConfigException("The certificates of " + KEYSTORE_PATH + " could not be read ("
                + e.getClass().getSimpleName() + ").");
        }
    }
}
