package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.profilestream.cli.ProfileStreamCli;
import io.profilestream.embedded.SaslListener;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;
import io.profilestream.testing.TestNamespace;
import picocli.CommandLine;

/**
 * Kafka security settings reach every client the engine makes, on a broker whose only client listener needs
 * SASL (SCRAM-SHA-256 over SASL_PLAINTEXT): the schema registry's log, the topic provisioner's admin client,
 * Kafka Streams, the API's publisher and the command line's model publisher.
 * A client that did not get the settings could not connect at all, so each step passing is the proof.
 * The broker has no TLS listener: SASL_SSL differs from SASL_PLAINTEXT only in the transport, which these settings
 * pass on the same way ({@code ssl.*} are Kafka settings too).
 */
@Tag("integration")
class KafkaSecurityIT {

    @RegisterExtension
    static final KafkaClusterExtension CLUSTER = KafkaClusterExtension.sasl();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String KEY = "admin-key";

    private EngineHarness harness;

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void shouldPassSaslSettingsToEveryKafkaClient(final KafkaCluster cluster,
                                                 final TestNamespace namespace) throws Exception {
        assertThat(cluster.clientSettings()).containsEntry("security.protocol", "SASL_PLAINTEXT");
        harness = new EngineHarness(cluster, namespace, Map.of("api.key", KEY));
        harness.startApp();
        await().atMost(WAIT).until(harness.app::isRunning);

        final PurchaseEvent order = PurchaseEvent.newBuilder()
            .setEventId("p1").setOrderId("o1").setCustomerId("c1").setType(PurchaseType.ORDER)
            .setTimestamp(Instant.now().truncatedTo(ChronoUnit.SECONDS)).setCurrency("USD").setTotalMinor(4_200)
            .setItems(List.of(LineItem.newBuilder().setSku("s").setCategory("books").setQuantity(1)
                .setUnitPriceMinor(4_200).build()))
            .build();
        harness.send(harness.topics.purchases(), "c1",
            harness.serdes.purchase().serialize(harness.topics.purchases(), order));
        await().atMost(WAIT).untilAsserted(() ->
            assertThat(harness.get("/api/v1/profiles/c1").statusCode()).isEqualTo(200));

        final HttpResponse<String> erasure = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + harness.app.httpPort() + "/api/v1/erasures"))
            .header("X-API-Key", KEY)
            .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":\"c1\"}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(erasure.statusCode()).isEqualTo(202);
        await().atMost(WAIT).untilAsserted(() ->
            assertThat(harness.get("/api/v1/profiles/c1").statusCode()).isEqualTo(404));

        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(ProfileStreamCli.class).setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        final List<String> args = new ArrayList<>(List.of("model", "fit", "--input",
            summaries(namespace.directory()).toString(), "--publish"));
        final Map<String, String> settings = new HashMap<>(harness.config.kafkaSettings());
        settings.put("schema.registry.url", harness.registryUrl);
        settings.put("topics.model.parameters", harness.topics.modelParameters());
        settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
        assertThat(cli.execute(args.toArray(String[]::new))).as(err.toString()).isZero();
        final List<ConsumerRecord<String, byte[]>> models = harness.readAll(harness.topics.modelParameters());
        assertThat(models).extracting(ConsumerRecord::key).contains("bgnbd");
    }

    @Test
    void shouldRefuseClientsWithoutTheRightCredentials(final KafkaCluster cluster) {
        final Map<String, Object> wrong = new HashMap<>(cluster.clientSettings());
        wrong.put("sasl.jaas.config", SaslListener.clientJaasConfig("SCRAM-SHA-256", "profilestream", "wrong"));
        wrong.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        try (Admin admin = Admin.create(wrong)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
        // Without the settings a client never gets past the SASL handshake: the listener proves the pass-through.
        final Map<String, Object> none = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        try (Admin admin = Admin.create(none)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);
        }
    }

    /** Customer summaries for a model fit: 200 customers of a seeded population. */
    private static Path summaries(final Path directory) throws java.io.IOException {
        final Random random = new Random(11);
        final StringBuilder csv = new StringBuilder("id,x,t_x,T\n");
        for (int i = 0; i < 200; i++) {
            final double age = 30 + random.nextInt(300);
            final int repeats = random.nextInt(4) == 0 ? 0 : random.nextInt(6);
            final double last = repeats == 0 ? 0 : age * random.nextDouble();
            csv.append(String.format(Locale.ROOT, "c%d,%d,%.1f,%.1f%n", i, repeats, last, age));
        }
        return Files.writeString(directory.resolve("summaries.csv"), csv);
    }
}
