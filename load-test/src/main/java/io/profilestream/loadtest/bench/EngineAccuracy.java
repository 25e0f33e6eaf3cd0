package io.profilestream.loadtest.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;

import io.profilestream.config.EngineSettings;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.config.Topics;
import io.profilestream.domain.EventKind;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.EmailEventType;
import io.profilestream.loadtest.EventGenerator;
import io.profilestream.loadtest.EventProducer;
import io.profilestream.loadtest.EventSource;
import io.profilestream.loadtest.GeneratedEvent;
import io.profilestream.loadtest.GeneratorSettings;
import io.profilestream.loadtest.GroundTruth;
import io.profilestream.loadtest.LoadGenerator;
import io.profilestream.loadtest.Noise;
import io.profilestream.loadtest.Population;
import io.profilestream.loadtest.PurchaseModel;
import io.profilestream.loadtest.SimulatedTime;
import io.profilestream.registry.RestSchemaRegistryClient;
import io.profilestream.serde.EngineSerdes;

/**
 * Accuracy of the engine's own output ({@code bench --only accuracy}): the simulated population's purchases of the
 * calibration period go through the engine in event-time mode, the engine fits its models on them
 * ({@code POST /api/v1/models/fit}), and the scores it serves ({@code GET /api/v1/profiles/{id}}, as of the end of
 * calibration) are judged against what the simulated customers did afterwards (see {@link Accuracy#judge}).
 */
final class EngineAccuracy {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final String CLOCK_CUSTOMER = "bench-calibration-end";

    private EngineAccuracy() {
    }

    static Accuracy.Result measure(final Bench.Options options,
                                   final String servers,
                                   final String registryUrl,
                                   final Topics topics,
                                   final Admin admin,
                                   final Path work,
                                   final double calibrationDays,
                                   final double holdoutDays,
                                   final Consumer<String> progress) throws IOException, InterruptedException {
        final Population population = Population.generate(options.customers(), options.seed(), PurchaseModel.DEFAULT);
        final GroundTruth truth = GroundTruth.of(population, Bench.SIMULATED_START, calibrationDays, holdoutDays);
        final long produced = produce(population, truth, servers, registryUrl, topics, calibrationDays);
        progress.accept(String.format("Accuracy: %,d purchase events of the calibration period produced.", produced));
        final double churnHorizonDays = ProfileStreamConfig.of(Map.of()).getDouble("model.churn.horizon.days");
        final Map<String, String> settings = new LinkedHashMap<>(Map.of(
            "bootstrap.servers", servers,
            "schema.registry.url", registryUrl,
            "application.id", "bench-accuracy",
            "processing.guarantee", "at_least_once",
            "commit.interval.ms", Long.toString(options.commitIntervalMs()),
            "topics.partitions", Integer.toString(options.partitions()),
            "time.mode", "event-time",
            "model.refit.interval", "0",
            // Expected purchases over the holdout period, CLV over about the same time.
            "model.purchases.horizon.days", Double.toString(holdoutDays)));
        settings.put("model.clv.months", Long.toString(Math.max(1, Math.round(holdoutDays / (365.25 / 12)))));
        settings.putAll(options.engineSettings());
        try (EngineRun engine = EngineRun.start(work.resolve("engine-accuracy"), "engine-accuracy", settings,
            options.engineJvmOptions())) {
            engine.catchUp(new CatchUp(admin, List.of(topics.purchases(), topics.email())));
            final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            final URI base = engine.baseUri();
            final String first = truth.customers().get(0).customerId();
            final double before = churnRisk(http, base, first);
            final JsonNode fit = post(http, base.resolve("/api/v1/models/fit"));
            progress.accept("Accuracy: the engine fitted " + fit);
            awaitNewParameters(http, base, first, before);
            final int n = truth.customers().size();
            final Accuracy.EngineScores scores = new Accuracy.EngineScores(new double[n], new double[n],
                new double[n], new double[n]);
            final List<NextCategoryAccuracy.Served> served = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                final JsonNode profile = get(http, base.resolve("/api/v1/profiles/" + truth.customers().get(i)
                    .customerId()));
                served.add(served(profile));
                final JsonNode s = profile.path("scores");
                scores.churnRisk()[i] = s.path("churnRisk").asDouble(Double.NaN);
                scores.pAlive()[i] = s.path("pAlive").asDouble(Double.NaN);
                scores.expectedPurchases()[i] = s.path("expectedPurchases").asDouble(Double.NaN);
                scores.clv()[i] = s.path("clv").asDouble(Double.NaN);
            }
            final Accuracy.Result result = Accuracy.judge(truth, scores, churnHorizonDays, work.getParent());
            final Map<String, Double> metrics = new LinkedHashMap<>(result.metrics());
            metrics.putAll(NextCategoryAccuracy.judge(truth, served,
                EngineSettings.recommendationLimits(ProfileStreamConfig.of(settings))));
            final JsonNode b = fit.path("bgnbd");
            metrics.put("accuracy.fitted.r", b.path("r").asDouble());
            metrics.put("accuracy.fitted.alpha_days", b.path("alpha").asDouble());
            metrics.put("accuracy.fitted.a", b.path("a").asDouble());
            metrics.put("accuracy.fitted.b", b.path("b").asDouble());
            metrics.put("accuracy.fitted.customers", b.path("customers").asDouble());
            return new Accuracy.Result(metrics, result.bins(), result.reliability());
        }
    }

    /** What the engine served about a customer's next categories. */
    private static NextCategoryAccuracy.Served served(final JsonNode profile) {
        final List<String> next = new ArrayList<>();
        profile.path("recommendations").path("nextCategories").forEach(c -> next.add(c.path("category").asText()));
        final Map<String, Long> categoryOrders = new LinkedHashMap<>();
        final JsonNode tx = profile.path("transactions");
        tx.path("categoryOrders").fields().forEachRemaining(e -> categoryOrders.put(e.getKey(), e.getValue().asLong()));
        return new NextCategoryAccuracy.Served(next, categoryOrders, tx.path("orders").asLong());
    }

    /** Produces the purchases of the calibration period, then one email event at its end to set the engine's now. */
    private static long produce(final Population population,
                                final GroundTruth truth,
                                final String servers,
                                final String registryUrl,
                                final Topics topics,
                                final double calibrationDays) {
        final SimulatedTime time = SimulatedTime.simulated(Bench.SIMULATED_START, 0, calibrationDays);
        final EventGenerator generator = EventGenerator.simulated(population, time, Noise.NONE);
        final Instant end = truth.calibrationEnd();
        final EventSource purchases = new EventSource() {
            private boolean clockSent;

            @Override
            public GeneratedEvent next() {
                for (GeneratedEvent event = generator.next(); event != null; event = generator.next()) {
                    if (event.kind() == EventKind.PURCHASE && !event.isMalformed()) {
                        return event;
                    }
                }
                if (clockSent) {
                    return null;
                }
                clockSent = true;
                return GeneratedEvent.email(EmailEvent.newBuilder().setEventId(CLOCK_CUSTOMER)
                    .setCustomerId(CLOCK_CUSTOMER).setCampaignId(CLOCK_CUSTOMER).setType(EmailEventType.SENT)
                    .setTimestamp(end).build());
            }
        };
        final GeneratorSettings settings = new GeneratorSettings(population.customers().size(), population.seed(), 0,
            0, Duration.ZERO).withTime(time);
        final int maxRecordBytes = ProfileStreamConfig.of(Map.of()).getInt("validation.max.record.bytes");
        try (EventProducer producer = new EventProducer(new KafkaProducer<>(LoadGenerator.producerConfig(servers)),
            new EngineSerdes(new RestSchemaRegistryClient(registryUrl), maxRecordBytes), topics, purchases, settings,
            line -> { })) {
            final EventProducer.Stats stats = producer.run();
            if (stats.errors() > 0) {
                throw new IllegalStateException(stats.errors() + " purchase events could not be produced.");
            }
            return stats.acknowledged();
        }
    }

    /** Waits until the engine's scores move off the default parameters (it looks for new ones every second). */
    private static void awaitNewParameters(final HttpClient http, final URI base, final String customer,
                                           final double before) throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Double.compare(churnRisk(http, base, customer), before) != 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("The engine did not score with the parameters it fitted within "
            + TIMEOUT.toSeconds() + " s.");
    }

    private static double churnRisk(final HttpClient http, final URI base, final String customer)
        throws IOException, InterruptedException {
        return get(http, base.resolve("/api/v1/profiles/" + customer)).path("scores").path("churnRisk").asDouble();
    }

    private static JsonNode get(final HttpClient http, final URI uri) throws IOException, InterruptedException {
        return send(http, HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private static JsonNode post(final HttpClient http, final URI uri) throws IOException, InterruptedException {
        return send(http, HttpRequest.newBuilder(uri).timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.noBody())
            .build());
    }

    private static JsonNode send(final HttpClient http, final HttpRequest request)
        throws IOException, InterruptedException {
        final HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.method() + " " + request.uri().getPath() + " answered "
                + response.statusCode() + ": " + response.body());
        }
        return new ObjectMapper().readTree(response.body());
    }
}
