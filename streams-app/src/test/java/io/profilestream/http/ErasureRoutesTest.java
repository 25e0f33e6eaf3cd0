package io.profilestream.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.profilestream.events.ErasureRequest;
import io.profilestream.query.LookupResult;
import io.profilestream.query.RecordPublisher;
import io.profilestream.registry.InMemorySchemaRegistryClient;
import io.profilestream.serde.EngineSerdes;

class ErasureRoutesTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    private final MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final EngineSerdes serdes = new EngineSerdes(new InMemorySchemaRegistryClient(), 1 << 20);
    private final ApiKeyGuard keys = new ApiKeyGuard("s3cret", "reader");
    private final ApiServer server = ApiServer.builder(id -> new LookupResult.NotFound<>(),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
        .keys(keys, false)
        .routes(new ErasureRoutes(keys, new RecordPublisher(producer), serdes.erasure(),
            "erasure-requests", Clock.fixed(NOW, ZoneOffset.UTC))::register)
        .start();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        server.close();
    }

    private HttpResponse<String> post(final String body, final String key) throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/api/v1/erasures"))
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header(ApiKeyGuard.HEADER, key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldQueueAnErasureRequestKeyedByCustomer() throws Exception {
        final HttpResponse<String> response = post("{\"customerId\":\"c1\"}", "s3cret");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(producer.history()).hasSize(1);
        assertThat(producer.history().get(0).topic()).isEqualTo("erasure-requests");
        assertThat(producer.history().get(0).key()).isEqualTo("c1");
        final ErasureRequest request = serdes.erasure().deserialize(producer.history().get(0).value());
        assertThat(request.getCustomerId()).isEqualTo("c1");
        assertThat(request.getRequestedAt()).isEqualTo(NOW);
        assertThat(response.body()).isEqualTo("{\"requestId\":\"" + request.getRequestId() + "\"}");
    }

    @Test
    void shouldRefuseCallsWithoutTheRightKey() throws Exception {
        assertThat(post("{\"customerId\":\"c1\"}", null).statusCode()).isEqualTo(401);
        final HttpResponse<String> wrong = post("{\"customerId\":\"c1\"}", "guess");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain("s3cret");
        assertThat(post("{\"customerId\":\"c1\"}", "reader").statusCode()).isEqualTo(403);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswerBadRequestForAMissingCustomerOrBrokenJson() throws Exception {
        assertThat(post("{}", "s3cret").statusCode()).isEqualTo(400);
        assertThat(post("not json", "s3cret").body()).contains("\"error\"");
        assertThat(producer.history()).isEmpty();
    }
}
