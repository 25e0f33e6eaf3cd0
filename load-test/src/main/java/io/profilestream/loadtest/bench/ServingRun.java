package io.profilestream.loadtest.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.HdrHistogram.Histogram;

/**
 * Profile lookups over HTTP against the running engine, next to a baseline from the same client on the same server.
 * A closed-loop client: {@code concurrency} threads share one {@link HttpClient} (HTTP/1.1, keep-alive), and each
 * sends its next request as soon as the previous one is answered, so the rate is what the server sustains at that
 * concurrency.
 * Lookups ({@code GET /api/v1/profiles/{id}}, a known customer id drawn at random) and the baseline
 * ({@code GET /health/live}, a constant answer) alternate in one-second slices, so both see the same ingestion, the
 * same garbage collections and the same neighbours on the machine; the first slices of each are a warm-up.
 * Latency is from sending a request to having read its whole answer.
 */
final class ServingRun {

    private static final Duration SLICE = Duration.ofSeconds(1);
    private static final int WARM_UP_SLICES = 3;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);

    private ServingRun() {
    }

    /**
     * What one endpoint measured.
     *
     * @param answered requests answered with 200
     * @param failed requests answered otherwise, or not answered
     * @param seconds time spent on this endpoint (its slices, from the first request to the last answer)
     * @param micros latency of the answered requests, in microseconds
     */
    record Endpoint(long answered, long failed, double seconds, Histogram micros) {

        double perSecond() {
            return seconds > 0 ? answered / seconds : Double.NaN;
        }

        double percentileMs(final double percentile) {
            return micros.getTotalCount() == 0 ? Double.NaN : micros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /**
     * Lookups and the baseline, measured in the same run.
     *
     * @param lookups {@code GET /api/v1/profiles/{id}}
     * @param baseline {@code GET /health/live}
     */
    record Result(Endpoint lookups, Endpoint baseline) {

        /**
         * Adds the {@code serving.*} keys of this run to the results.
         *
         * @param concurrency requests the client kept in flight
         * @param ingestRate events per second the engine ingested meanwhile
         * @param knownCustomers customer ids the lookups were drawn from
         * @param results where the keys go
         */
        void putInto(final int concurrency,
                     final double ingestRate,
                     final int knownCustomers,
                     final Map<String, Double> results) {
            results.put("serving.concurrency", (double) concurrency);
            results.put("serving.ingest_rate", ingestRate);
            results.put("serving.known_customers", (double) knownCustomers);
            results.put("serving.lookup_rps", lookups.perSecond());
            results.put("serving.lookup_p50_ms", lookups.percentileMs(50));
            results.put("serving.lookup_p99_ms", lookups.percentileMs(99));
            results.put("serving.lookup_count", (double) lookups.answered());
            results.put("serving.lookup_failures", (double) lookups.failed());
            results.put("serving.baseline_rps", baseline.perSecond());
            results.put("serving.baseline_p50_ms", baseline.percentileMs(50));
            results.put("serving.baseline_p99_ms", baseline.percentileMs(99));
            results.put("serving.baseline_count", (double) baseline.answered());
            results.put("serving.baseline_failures", (double) baseline.failed());
        }
    }

    /**
     * Runs the lookups and the baseline, each for about {@code perEndpoint} after a warm-up.
     *
     * @param base the engine's HTTP address
     * @param ids known customer ids to look up
     * @param concurrency requests in flight at any time
     * @param perEndpoint measured time of each endpoint
     */
    static Result measure(final URI base,
                          final List<String> ids,
                          final int concurrency,
                          final Duration perEndpoint) throws InterruptedException {
        if (ids.isEmpty()) {
            throw new IllegalStateException("No known customer ids to look up.");
        }
        final List<URI> lookups = new ArrayList<>(ids.size());
        for (final String id : ids) {
            lookups.add(base.resolve("/api/v1/profiles/" + URLEncoder.encode(id, StandardCharsets.UTF_8)));
        }
        final URI live = base.resolve("/health/live");
        final Supplier<URI> lookup = () -> lookups.get(ThreadLocalRandom.current().nextInt(lookups.size()));
        final Supplier<URI> baseline = () -> live;
        final long slices = Math.max(1, perEndpoint.toMillis() / SLICE.toMillis());
        final AtomicInteger threads = new AtomicInteger();
        final ExecutorService pool = Executors.newFixedThreadPool(concurrency, task -> {
            final Thread thread = new Thread(task, "bench-serving-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(REQUEST_TIMEOUT).build();
        try {
            final Totals lookupTotals = new Totals();
            final Totals baselineTotals = new Totals();
            for (int i = 0; i < WARM_UP_SLICES; i++) {
                slice(pool, client, concurrency, lookup, new Totals());
                slice(pool, client, concurrency, baseline, new Totals());
            }
            for (long i = 0; i < slices; i++) {
                slice(pool, client, concurrency, lookup, lookupTotals);
                slice(pool, client, concurrency, baseline, baselineTotals);
            }
            return new Result(lookupTotals.endpoint(), baselineTotals.endpoint());
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** One slice: every worker sends requests until the slice ends; the slice lasts until the last answer. */
    private static void slice(final ExecutorService pool,
                              final HttpClient client,
                              final int concurrency,
                              final Supplier<URI> uris,
                              final Totals totals) throws InterruptedException {
        final long start = System.nanoTime();
        final long end = start + SLICE.toNanos();
        final List<Callable<Totals>> workers = new ArrayList<>(concurrency);
        for (int i = 0; i < concurrency; i++) {
            workers.add(() -> work(client, uris, end));
        }
        for (final Future<Totals> done : pool.invokeAll(workers)) {
            try {
                totals.add(done.get());
            } catch (final ExecutionException e) {
                throw new IllegalStateException("A serving client failed: " + e.getCause(), e.getCause());
            }
        }
        totals.nanos += System.nanoTime() - start;
    }

    private static Totals work(final HttpClient client, final Supplier<URI> uris, final long end)
        throws InterruptedException {
        final Totals totals = new Totals();
        while (System.nanoTime() < end) {
            final HttpRequest request = HttpRequest.newBuilder(uris.get()).timeout(REQUEST_TIMEOUT).GET().build();
            final long sent = System.nanoTime();
            try {
                final HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                final long micros = (System.nanoTime() - sent) / 1000;
                if (response.statusCode() == 200) {
                    totals.answered++;
                    totals.micros.recordValue(Math.min(HIGHEST_MICROS, micros));
                } else {
                    totals.failed++;
                }
            } catch (final IOException e) {
                totals.failed++;
            }
        }
        return totals;
    }

    /** Counts of one endpoint; each worker fills its own, merged by the caller's thread. */
    private static final class Totals {
        private final Histogram micros = new Histogram(HIGHEST_MICROS, 3);
        private long answered;
        private long failed;
        private long nanos;

        void add(final Totals other) {
            micros.add(other.micros);
            answered += other.answered;
            failed += other.failed;
        }

        Endpoint endpoint() {
            return new Endpoint(answered, failed, nanos / 1e9, micros);
        }
    }
}
