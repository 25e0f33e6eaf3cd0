package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;
import io.profilestream.testing.TestNamespace;

/**
 * A clean restart under exactly-once keeps every task's state, including tasks whose dedup window stores never held
 * an event id: Kafka Streams keeps a window store's committed offset in its segments, and a store without segments
 * used to make it declare the task corrupted, wipe its state and restore it from the changelogs.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class CleanRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String STATE_MANAGER = "org.apache.kafka.streams.processor.internals.ProcessorStateManager";

    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    private EngineHarness harness;

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(STATE_MANAGER)).detachAppender(warnings);
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void shouldNotWipeTasksWithEmptyWindowStoresOnACleanRestart(final KafkaCluster cluster,
                                                              final TestNamespace namespace) {
        harness = new EngineHarness(cluster, namespace, Map.of("topics.partitions", "2",
            "segments.default.catalogue", "false", "commit.interval.ms", "200"));
        harness.startApp();
        // One customer: one task of the profile processor sees an event, the other none, and no click arrives.
        final PurchaseEvent order = PurchaseEvent.newBuilder().setEventId("p1").setOrderId("o1").setCustomerId("c1")
            .setType(PurchaseType.ORDER).setTimestamp(Instant.now().truncatedTo(ChronoUnit.SECONDS))
            .setCurrency("USD").setTotalMinor(100).setItems(List.of(LineItem.newBuilder().setSku("s")
                .setCategory("books").setQuantity(1).setUnitPriceMinor(100).build())).build();
        harness.send(harness.topics.purchases(), "c1", harness.serdes.purchase().serialize(
            harness.topics.purchases(), order));
        // Every task running, so every processor has initialised its stores: a task closed before it ever ran (still
        // restoring) has an empty window store with nowhere to keep its offset, and Kafka Streams 4.3.1 wipes it on
        // the next start (DedupWindow); that one is cheap, its changelog being empty.
        await().atMost(WAIT).until(() -> harness.app.streams().state() == KafkaStreams.State.RUNNING
            && harness.get("/api/v1/profiles/c1").statusCode() == 200);
        harness.stopApp();

        warnings.start();
        ((Logger) LoggerFactory.getLogger(STATE_MANAGER)).addAppender(warnings);
        harness.startApp();
        await().atMost(WAIT).until(() -> harness.app.streams().state() == KafkaStreams.State.RUNNING
            && harness.get("/api/v1/profiles/c1").statusCode() == 200);

        assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage)
            .noneMatch(message -> message.contains("did not find checkpoint offsets"));
    }
}
