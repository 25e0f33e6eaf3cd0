package io.profilestream.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.javalin.Javalin;
import io.profilestream.query.InstanceInfo;
import io.profilestream.query.QueryUnavailableException;

class ClusterFanOutTest {

    private static final Duration TIMEOUT = Duration.ofMillis(800);

    private final List<Javalin> servers = new ArrayList<>();
    private final List<String> forwardedBy = new ArrayList<>();
    private ServerSocket silent;

    @AfterEach
    void stop() throws IOException {
        servers.forEach(Javalin::stop);
        if (silent != null) {
            silent.close();
        }
    }

    @Test
    void shouldAskEveryOtherInstanceOnceAndSayWhoAsks() {
        final int first = serve(200, "{\"size\":1}");
        final int second = serve(200, "{\"size\":2}");
        final ClusterFanOut fanOut = fanOut(7777, List.of(7777, first, second));

        final List<JsonNode> answers = fanOut.gather("POST", "/api/v1/segments/preview", "{}".getBytes());

        assertThat(answers).extracting(answer -> answer.path("size").asInt()).containsExactlyInAnyOrder(1, 2);
        assertThat(forwardedBy).containsExactly("127.0.0.1:7777", "127.0.0.1:7777");
    }

    @Test
    void shouldFailNamingAnInstanceThatAnswersWithAnError() {
        final int ok = serve(200, "{}");
        final int restoring = serve(503, "{\"error\":\"restoring\"}");
        final ClusterFanOut fanOut = fanOut(7777, List.of(7777, ok, restoring));

        assertThatThrownBy(() -> fanOut.gather("GET", "/api/v1/segments", null))
            .isInstanceOf(QueryUnavailableException.class)
            .hasMessageContaining("127.0.0.1:" + restoring)
            .hasMessageContaining("answered 503")
            .hasMessageContaining("incomplete");
    }

    @Test
    void shouldFailWithinTheTimeoutWhenAnInstanceNeverAnswers() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final int ok = serve(200, "{}");
        final ClusterFanOut fanOut = fanOut(7777, List.of(ok, silent.getLocalPort()));

        final long start = System.nanoTime();
        assertThatThrownBy(() -> fanOut.gather("GET", "/api/v1/segments", null))
            .isInstanceOf(QueryUnavailableException.class)
            .hasMessageContaining("127.0.0.1:" + silent.getLocalPort())
            .hasMessageContaining("did not answer");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.multipliedBy(5));
    }

    @Test
    void shouldFailWhenAnInstanceCannotBeReached() throws IOException {
        final int closed;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        final ClusterFanOut fanOut = fanOut(7777, List.of(7777, closed));

        assertThatThrownBy(() -> fanOut.gather("GET", "/api/v1/segments", null))
            .isInstanceOf(QueryUnavailableException.class)
            .hasMessageContaining("127.0.0.1:" + closed);
    }

    private ClusterFanOut fanOut(final int self, final List<Integer> ports) {
        final List<InstanceInfo> instances = ports.stream()
            .map(port -> new InstanceInfo("127.0.0.1", port, List.of(), List.of(), List.of(), List.of()))
            .toList();
        return new ClusterFanOut(new ForwardingClient("127.0.0.1:" + self, TIMEOUT), () -> instances);
    }

    private int serve(final int status, final String body) {
        final Javalin app = Javalin.create(config -> config.showJavalinBanner = false);
        app.before(ctx -> {
            synchronized (forwardedBy) {
                forwardedBy.add(ctx.header(ApiServer.FORWARDED_BY_HEADER));
            }
        });
        app.get("/*", ctx -> ctx.status(status).contentType("application/json").result(body));
        app.post("/*", ctx -> ctx.status(status).contentType("application/json").result(body));
        servers.add(app);
        app.start("127.0.0.1", 0);
        return app.port();
    }
}
