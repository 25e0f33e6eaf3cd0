package io.profilestream.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaException;

import io.profilestream.net.Ports;

/**
 * A second client listener for the embedded broker, {@value #NAME} on 127.0.0.1, that authenticates users with
 * SASL/PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 against a fixed list of users and passwords.
 * The broker itself keeps talking to itself over the PLAINTEXT listener; only clients pointed at this listener must
 * authenticate, so it proves that a client passes its SASL settings on.
 * It carries no TLS: SASL_SSL would also need a keystore for the broker, which tests and embedded mode do not need to
 * show that security settings reach every client.
 *
 * @param users user names and their passwords
 */
public record SaslListener(Map<String, String> users) {

    /** The listener's name and security protocol. */
    public static final String NAME = "SASL_PLAINTEXT";

    private static final String PLAIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    private static final String SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";
    private static final int SCRAM_ITERATIONS = 4096;

    /**
     * Checks there is at least one user and copies the list.
     */
    public SaslListener {
        if (users == null || users.isEmpty()) {
            throw new IllegalArgumentException("A SASL listener needs at least one user.");
        }
        users = Map.copyOf(users);
    }

    /**
     * The {@code sasl.jaas.config} a client uses to log in as a user with a mechanism.
     *
     * @param mechanism {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}
     */
    public static String clientJaasConfig(final String mechanism, final String user, final String password) {
        final String module = "PLAIN".equals(mechanism) ? PLAIN_MODULE : SCRAM_MODULE;
        return module + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /**
     * The broker settings that add this listener on a port, given the PLAINTEXT and CONTROLLER entries.
     */
    Map<String, String> brokerSettings(final String plaintext, final String controller, final int port) {
        final String address = NAME + "://" + Ports.LOOPBACK + ":" + port;
        final Map<String, String> settings = new TreeMap<>();
        settings.put("listeners", plaintext + "," + address + "," + controller);
        settings.put("advertised.listeners", plaintext + "," + address);
        settings.put("listener.security.protocol.map", EmbeddedKafkaBroker.BROKER_LISTENER + ":PLAINTEXT,"
            + NAME + ":" + NAME + "," + EmbeddedKafkaBroker.CONTROLLER_LISTENER + ":PLAINTEXT");
        settings.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
        final StringBuilder plain = new StringBuilder(PLAIN_MODULE).append(" required");
        new TreeMap<>(users).forEach((user, password) ->
            plain.append(" user_").append(user).append("=\"").append(password).append('"'));
        final String prefix = "listener.name." + NAME.toLowerCase(Locale.ROOT) + ".";
        settings.put(prefix + "plain.sasl.jaas.config", plain.append(';').toString());
        settings.put(prefix + "scram-sha-256.sasl.jaas.config", SCRAM_MODULE + " required;");
        settings.put(prefix + "scram-sha-512.sasl.jaas.config", SCRAM_MODULE + " required;");
        return settings;
    }

    /**
     * Stores the users' SCRAM credentials in the cluster's metadata, through the PLAINTEXT listener.
     */
    void createScramCredentials(final String plaintextBootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, plaintextBootstrap))) {
            // One request per mechanism: a request may alter each user's credentials only once.
            for (final ScramMechanism mechanism : List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
                final List<UserScramCredentialAlteration> upserts = new ArrayList<>();
                users.forEach((user, password) -> upserts.add(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(mechanism, SCRAM_ITERATIONS), password)));
                admin.alterUserScramCredentials(upserts).all().get(30, TimeUnit.SECONDS);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while storing SCRAM credentials.", e);
        } catch (final ExecutionException | TimeoutException e) {
            throw new KafkaException("The SCRAM credentials of the embedded broker could not be stored.", e);
        }
    }

    @Override
    public String toString() {
        return "SaslListener[users=" + new TreeMap<>(users).keySet() + "]";
    }
}
