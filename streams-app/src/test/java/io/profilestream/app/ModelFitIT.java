package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.profilestream.events.EmailEvent;
import io.profilestream.events.EmailEventType;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.models.BgNbd;
import io.profilestream.models.BgNbdFit;
import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.CustomerSummaries;
import io.profilestream.models.GammaGamma;
import io.profilestream.models.GammaGammaFit;
import io.profilestream.models.GammaGammaParameters;
import io.profilestream.models.Sampling;
import io.profilestream.profile.ModelParameters;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;
import io.profilestream.testing.TestNamespace;
import io.profilestream.topology.Stores;

/**
 * The engine's own fit across two instances in event-time mode, checked as issue 11 describes it: an outside producer
 * sends a year of purchases of a simulated BG/NBD and Gamma-Gamma population (keyed by customer, so both instances own
 * some), then one instance is asked {@code POST /api/v1/models/fit}.
 * The fit counts every customer with a purchase on both instances, its parameters are within 2 % of a maximum-likelihood
 * fit ({@code model fit}'s calls) of summaries the test computes itself from what it sent, it is published on
 * {@code model-parameters} with its provenance, and profiles are scored with it afterwards.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class ModelFitIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String KEY = "fit-key";
    private static final int CUSTOMERS = 2_000;
    private static final long DAY_MS = Duration.ofDays(1).toMillis();
    /** The first day of the simulated year (a Monday), in UTC. */
    private static final Instant START = Instant.parse("2025-01-06T00:00:00Z");
    private static final int YEAR_DAYS = 364;
    /** The replay's end: a week after the year, sent as one email event, the highest event time of all. */
    private static final Instant END = START.plus(Duration.ofDays(YEAR_DAYS + 7)).plus(Duration.ofHours(9));
    private static final double TOLERANCE = 0.02;

    private final Map<String, List<Order>> histories = new TreeMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EngineNodes nodes;

    @AfterEach
    void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void shouldFitOnEveryCustomerOfBothInstancesAsAnIndependentFitOfTheSameSummariesAndPublishIt(
        final KafkaCluster cluster,
        final TestNamespace namespace) throws Exception {
        nodes = new EngineNodes(cluster, namespace, Map.of("topics.partitions", "4", "api.key", KEY,
            "time.mode", "event-time", "model.refit.interval", "0", "segments.default.catalogue", "false",
            "commit.interval.ms", "200", "session.timeout.ms", "6000", "heartbeat.interval.ms", "1500"));
        final EngineHarness first = nodes.inProcess("a");
        final EngineHarness second = nodes.inProcess("b");
        final int a = first.startApp().httpPort();
        final int b = second.startApp().httpPort();
        nodes.awaitInstances(List.of(a, b), WAIT);

        simulate(new SplittableRandom(11));
        // The replay ends with an event on one of the second instance's partitions: the cluster's now is later than
        // the first instance's own.
        final String clock = ownedBy(second, b, "replay-end-");
        produce(first, clock);

        final Map<String, Double> expected = summaries(END);
        await().atMost(WAIT).untilAsserted(() -> {
            final Map<String, Double> served = new TreeMap<>();
            for (final int port : List.of(a, b)) {
                final JsonNode local = nodes.json(port, "/api/v1/models/summaries?asOf=" + END.toEpochMilli());
                assertThat(local).as("summaries of %s", port).isNotNull();
                final Map<String, Double> own = rows(local);
                assertThat(own).as("customers of %s", port).isNotEmpty();
                own.forEach((row, weight) -> served.merge(row, weight, Double::sum));
            }
            assertThat(served).as("the summaries of both instances, as the test computes them").isEqualTo(expected);
            assertThat(nodes.json(b, "/api/v1/models/now").get("now").asLong()).isEqualTo(END.toEpochMilli());
        });
        assertThat(day(Instant.ofEpochMilli(nodes.json(a, "/api/v1/models/now").get("now").asLong())))
            .as("the first instance's own now is days behind").isLessThan(day(END));

        final String sample = histories.keySet().stream().filter(id -> owner(second, id) == b)
            .filter(id -> summary(histories.get(id), day(END)).x() >= 2).findFirst().orElseThrow();
        final double pAliveBefore = profile(a, sample).at("/scores/pAlive").asDouble();
        assertThat(first.readAll(first.topics.modelParameters())).as("nothing published before the fit").isEmpty();

        final Instant asked = Instant.now();
        final HttpResponse<String> response = post(a, "/api/v1/models/fit");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Instances-Answered")).as("the fit covers both instances")
            .hasValue("2");
        final JsonNode fit = EngineNodes.parse(response.body());

        final CustomerSummaries independent = independentSummaries(day(END));
        final BgNbdFit bgNbd = BgNbd.fit(independent.aggregateTimes());
        final GammaGammaFit spend = GammaGamma.fit(independent);
        final JsonNode engineBgNbd = fit.get("bgnbd");
        assertThat(engineBgNbd.get("customers").asLong()).isEqualTo(CUSTOMERS);
        assertThat(bgNbd.atBound()).as("the population is one BG/NBD describes").isFalse();
        bgNbd.parameters().toMap().forEach((name, value) ->
            assertThat(engineBgNbd.get(name).asDouble()).as("BG/NBD %s", name).isCloseTo(value,
                within(TOLERANCE * value)));
        assertThat(engineBgNbd.get("log_likelihood").asDouble()).isCloseTo(bgNbd.logLikelihood(),
            within(1e-6 * Math.abs(bgNbd.logLikelihood())));
        final JsonNode engineSpend = fit.get("gamma_gamma");
        assertThat(engineSpend.get("customers").asLong()).isEqualTo(repeatBuyers());
        spend.parameters().toMap().forEach((name, value) ->
            assertThat(engineSpend.get(name).asDouble()).as("Gamma-Gamma %s", name).isCloseTo(value,
                within(TOLERANCE * value)));

        final Map<String, ModelParameters> published = new HashMap<>();
        for (final ConsumerRecord<String, byte[]> record : first.readAll(first.topics.modelParameters())) {
            published.put(record.key(), first.serdes.modelParameters().deserialize(record.value()));
        }
        assertThat(published).containsOnlyKeys(BgNbdParameters.MODEL_NAME, GammaGammaParameters.MODEL_NAME);
        assertPublished(published.get(BgNbdParameters.MODEL_NAME), engineBgNbd, asked);
        assertPublished(published.get(GammaGammaParameters.MODEL_NAME), engineSpend, asked);

        // A profile on the other instance, read through the first, is scored with the published parameters.
        final BgNbd scorer = new BgNbd(BgNbdParameters.fromMap(published.get(BgNbdParameters.MODEL_NAME)
            .getParameters()));
        await().atMost(WAIT).untilAsserted(() -> {
            final JsonNode scores = profile(a, sample).get("scores");
            final double at = Instant.parse(scores.get("scoredAt").asText()).toEpochMilli() / (double) DAY_MS;
            final Summary own = summary(histories.get(sample), at);
            assertThat(scores.get("pAlive").asDouble())
                .isCloseTo(scorer.probabilityAlive(own.x(), own.tx(), own.t()), within(1e-9))
                .isNotEqualTo(pAliveBefore);
        });
    }

    /** One model's record: the parameters and log-likelihood of the answer, the customers, the unit, the time. */
    private static void assertPublished(final ModelParameters record, final JsonNode answer, final Instant asked) {
        assertThat(record.getTimeUnit()).isEqualTo("days");
        assertThat(record.getSampleSize()).isEqualTo(answer.get("customers").asLong());
        assertThat(record.getLogLikelihood()).isEqualTo(answer.get("log_likelihood").asDouble());
        assertThat(record.getFittedAt()).isBetween(asked.minusSeconds(1), Instant.now());
        record.getParameters().forEach((name, value) ->
            assertThat(answer.get(name).asDouble()).as(name).isEqualTo(value));
        assertThat(record.getParameters()).hasSize(answer.size() - 2);
    }

    /**
     * Customers of a BG/NBD population (rate ~ Gamma(r, alpha) per day, dropout after each repeat purchase ~ Beta(a,
     * b)) whose first purchase falls in the first 270 days of the year, observed to its end; order values are
     * Gamma(p, nu) with nu ~ Gamma(q, gamma) in cents, and one purchase in eight is split into two orders minutes
     * apart (same-day orders are one purchase occasion).
     */
    private void simulate(final SplittableRandom random) {
        final long end = START.plus(Duration.ofDays(YEAR_DAYS)).toEpochMilli();
        for (int i = 0; i < CUSTOMERS; i++) {
            final String customer = String.format("customer-%05d", i);
            final double rate = Sampling.gamma(random, 0.8, 25.0);
            final double dropout = Sampling.beta(random, 0.9, 3.5);
            final double nu = Sampling.gamma(random, 5.0, 12_000.0);
            final List<Order> orders = new ArrayList<>();
            long time = START.toEpochMilli() + (long) (random.nextDouble() * 270 * DAY_MS);
            while (true) {
                addPurchase(orders, customer, time, random, nu);
                time += (long) (-Math.log(1 - random.nextDouble()) / rate * DAY_MS);
                if (time >= end) {
                    break;
                }
                if (orders.size() > 1 && random.nextDouble() < dropout) {
                    break;
                }
            }
            histories.put(customer, orders);
        }
    }

    private static void addPurchase(final List<Order> orders,
                                    final String customer,
                                    final long time,
                                    final SplittableRandom random,
                                    final double nu) {
        final long value = Math.max(1, Math.round(Sampling.gamma(random, 4.0, nu)));
        if (random.nextInt(8) == 0 && Math.floorMod(time, DAY_MS) < DAY_MS - Duration.ofHours(1).toMillis()) {
            final long part = Math.max(1, value / 3);
            orders.add(new Order(customer + "-" + orders.size(), time, value - part));
            orders.add(new Order(customer + "-" + orders.size(), time + Duration.ofMinutes(20).toMillis(), part));
        } else {
            orders.add(new Order(customer + "-" + orders.size(), time, value));
        }
    }

    /** Sends every order in time order, as a replay does, then the replay's end on the given customer. */
    private void produce(final EngineHarness producer, final String clockCustomer) throws Exception {
        final List<Order> all = new ArrayList<>();
        histories.values().forEach(all::addAll);
        all.sort(Comparator.comparingLong(Order::time));
        final String topic = producer.topics.purchases();
        final List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (final Order order : all) {
            final String customer = order.id().substring(0, order.id().lastIndexOf('-'));
            final PurchaseEvent event = PurchaseEvent.newBuilder().setEventId(order.id()).setOrderId("o-" + order.id())
                .setCustomerId(customer).setType(PurchaseType.ORDER).setTimestamp(Instant.ofEpochMilli(order.time()))
                .setCurrency("USD").setTotalMinor(order.valueMinor()).setItems(List.of(LineItem.newBuilder()
                    .setSku("sku").setCategory("books").setQuantity(1).setUnitPriceMinor(order.valueMinor()).build()))
                .build();
            sent.add(producer.producer.send(new ProducerRecord<>(topic, customer,
                producer.serdes.purchase().serialize(topic, event))));
        }
        producer.producer.flush();
        for (final Future<RecordMetadata> ack : sent) {
            ack.get();
        }
        producer.send(producer.topics.email(), clockCustomer, producer.serdes.email().serialize(
            producer.topics.email(), EmailEvent.newBuilder().setEventId("replay-end").setCustomerId(clockCustomer)
                .setCampaignId("replay-end").setType(EmailEventType.SENT).setTimestamp(END).build()));
    }

    /**
     * Each customer's summary with the engine's definitions (docs/models.md), computed here from the orders sent:
     * purchase days are UTC days, orders on one day are one purchase, x is the distinct days minus one, t_x and T are
     * in days from the first purchase day to the last and to the day of now, and m is the mean value of the repeat
     * purchase days in cents.
     */
    private static Summary summary(final List<Order> orders, final double now) {
        final TreeMap<Long, Long> days = new TreeMap<>();
        orders.forEach(order -> days.merge(Math.floorDiv(order.time(), DAY_MS), order.valueMinor(), Long::sum));
        final long firstDay = days.firstKey();
        final int x = days.size() - 1;
        long repeatValue = 0;
        for (final long value : days.tailMap(firstDay, false).values()) {
            repeatValue += value;
        }
        return new Summary(x, days.lastKey() - firstDay, Math.max(now, days.lastKey()) - firstDay,
            x == 0 ? 0.0 : (double) repeatValue / x);
    }

    /** Summaries as the engine's {@code models/summaries} answers them: equal rows merged, by their weight. */
    private Map<String, Double> summaries(final Instant asOf) {
        final Map<String, Double> rows = new TreeMap<>();
        histories.values().forEach(orders -> rows.merge(summary(orders, day(asOf)).row(), 1.0, Double::sum));
        return rows;
    }

    private CustomerSummaries independentSummaries(final double now) {
        final CustomerSummaries.Builder data = CustomerSummaries.builder();
        histories.values().forEach(orders -> {
            final Summary s = summary(orders, now);
            data.add(s.x(), s.tx(), s.t(), s.m());
        });
        return data.build();
    }

    private long repeatBuyers() {
        return histories.values().stream().map(orders -> summary(orders, day(END)))
            .filter(s -> s.x() > 0 && s.m() > 0).count();
    }

    private static Map<String, Double> rows(final JsonNode answer) {
        final Map<String, Double> rows = new TreeMap<>();
        for (final String slice : List.of("training", "holdout")) {
            for (final JsonNode row : answer.path(slice)) {
                rows.merge(new Summary(row.get(0).asInt(), row.get(1).asDouble(), row.get(2).asDouble(),
                    row.get(3).asDouble()).row(), row.get(4).asDouble(), Double::sum);
            }
        }
        return rows;
    }

    private static double day(final Instant instant) {
        return Math.floorDiv(instant.toEpochMilli(), DAY_MS);
    }

    /** The HTTP port of the instance whose partitions hold this customer's profile. */
    private static int owner(final EngineHarness engine, final String customer) {
        return engine.app.streams().queryMetadataForKey(Stores.PROFILES, customer, new StringSerializer())
            .activeHost().port();
    }

    /** The first id with this prefix that the instance on this port owns. */
    private static String ownedBy(final EngineHarness engine, final int port, final String prefix) {
        for (int i = 0; ; i++) {
            if (owner(engine, prefix + i) == port) {
                return prefix + i;
            }
        }
    }

    private JsonNode profile(final int port, final String customer) {
        final JsonNode profile = nodes.json(port, "/api/v1/profiles/" + customer);
        assertThat(profile).as("profile %s", customer).isNotNull();
        return profile;
    }

    /** A POST with the admin key and time for a fit on a busy machine. */
    private HttpResponse<String> post(final int port, final String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("X-API-Key", KEY).header("Content-Type", "application/json").timeout(Duration.ofMinutes(2))
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private record Order(String id, long time, long valueMinor) {
    }

    private record Summary(int x, double tx, double t, double m) {
        String row() {
            return x + "," + tx + "," + t + "," + m;
        }
    }
}
