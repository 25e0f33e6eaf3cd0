package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.Device;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.ops.OpsFiles;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;
import io.profilestream.testing.TestNamespace;

/**
 * Every metric the Grafana dashboard and the Prometheus alert rules query exists on a running engine's
 * {@code /metrics} once it has processed events (a bad record among them) and served HTTP requests, with the engine's
 * default settings.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class DashboardMetricsIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private EngineHarness harness;

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void shouldPrintEveryMetricTheDashboardAndTheAlertsQuery(final KafkaCluster cluster,
                                                            final TestNamespace namespace) {
        harness = new EngineHarness(cluster, namespace, Map.of());
        harness.startApp();
        final Set<String> queried = new TreeSet<>();
        OpsFiles.dashboardQueries().forEach(query -> queried.addAll(OpsFiles.engineMetrics(query)));
        OpsFiles.alertQueries().forEach(query -> queried.addAll(OpsFiles.engineMetrics(query)));
        assertThat(queried).hasSizeGreaterThan(25);

        for (int i = 0; i < 20; i++) {
            click("k" + i, "anon-" + i, i % 2 == 0 ? "c" + i : null);
            order("p" + i, "c" + i, 1_000L + 500L * i);
        }
        harness.send(harness.topics.purchases(), "c0", "not avro".getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> harness.get("/api/v1/profiles/c19").statusCode() == 200);
        harness.get("/api/v1/segments");

        await().atMost(WAIT).untilAsserted(() -> {
            final Set<String> printed = harness.get("/metrics").body().lines()
                .filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(Collectors.toSet());
            assertThat(List.copyOf(queried)).as("queried by the dashboard or the alerts").allSatisfy(name ->
                assertThat(printed).as("/metrics").contains(name));
        });
    }

    private void click(final String eventId, final String anonymousId, final String customerId) {
        final ClickEvent click = ClickEvent.newBuilder().setEventId(eventId).setAnonymousId(anonymousId)
            .setCustomerId(customerId).setSessionId("s-" + anonymousId)
            .setType(customerId == null ? ClickType.PAGE_VIEW : ClickType.LOGIN).setTimestamp(NOW)
            .setChannel("organic").setDevice(Device.DESKTOP).build();
        harness.send(harness.topics.clickstream(), anonymousId,
            harness.serdes.click().serialize(harness.topics.clickstream(), click));
    }

    private void order(final String eventId, final String customerId, final long totalMinor) {
        final PurchaseEvent order = PurchaseEvent.newBuilder().setEventId(eventId).setOrderId("o-" + eventId)
            .setCustomerId(customerId).setType(PurchaseType.ORDER).setTimestamp(NOW).setCurrency("USD")
            .setTotalMinor(totalMinor).setItems(List.of(LineItem.newBuilder().setSku("sku").setCategory("outdoor")
                .setQuantity(1).setUnitPriceMinor(totalMinor).build())).build();
        harness.send(harness.topics.purchases(), customerId,
            harness.serdes.purchase().serialize(harness.topics.purchases(), order));
    }
}
