package io.profilestream.app;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.registry.SchemaRegistryClient;
import io.profilestream.registry.SchemaRegistryException;

/**
 * Watches the two services the engine cannot process without, Kafka and the schema registry, so that an outage shows
 * on {@code /health/ready} and in metrics while it lasts.
 * Each check asks the cluster to describe itself and the registry for a subject, within a bounded time; any answer
 * from the registry, "not found" included, means it is there.
 * The engine rides out an outage by itself (clients reconnect, a stream thread that fails is replaced and resumes
 * from the last committed offsets); this only reports it: {@code profilestream_dependency_up{dependency}} is 1 or 0,
 * {@code profilestream_dependency_outages_total{dependency}} counts outages, and each start and end is logged once.
 */
final class DependencyMonitor implements AutoCloseable {

    /** The name of Kafka in metrics and health. */
    static final String KAFKA = "kafka";
    /** The name of the schema registry in metrics and health. */
    static final String SCHEMA_REGISTRY = "schema_registry";

    private static final Logger LOG = LoggerFactory.getLogger(DependencyMonitor.class);

    private final Admin admin;
    private final SchemaRegistryClient registry;
    private final String probeSubject;
    private final Duration timeout;
    private final Map<String, Dependency> dependencies = new LinkedHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
        final Thread thread = new Thread(task, "profilestream-dependency-checks");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * A monitor whose meters are registered at once, both dependencies counted as up until a check says otherwise.
     *
     * @param admin asks Kafka to describe the cluster; closed with the monitor
     * @param registry the engine's registry client
     * @param probeSubject a subject the registry is asked for (it need not exist)
     * @param timeout how long one check may take
     * @param meters where the meters go
     */
    DependencyMonitor(final Admin admin,
                      final SchemaRegistryClient registry,
                      final String probeSubject,
                      final Duration timeout,
                      final MeterRegistry meters) {
        this.admin = admin;
        this.registry = registry;
        this.probeSubject = probeSubject;
        this.timeout = timeout;
        for (final String name : new String[] {KAFKA, SCHEMA_REGISTRY}) {
            dependencies.put(name, new Dependency(name, meters));
        }
    }

    /** Checks both dependencies now and then every {@code interval}, until closed. */
    void start(final Duration interval) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                check();
            } catch (final RuntimeException e) {
                LOG.warn("A check of Kafka and the schema registry failed.", e);
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Checks both dependencies once. */
    void check() {
        dependencies.get(KAFKA).record(kafkaAnswers());
        dependencies.get(SCHEMA_REGISTRY).record(registryAnswers());
    }

    /** Stops the checks and closes the admin client. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        admin.close(timeout);
    }

    /** Whether both answered at their last check. */
    boolean allUp() {
        return dependencies.values().stream().allMatch(dependency -> dependency.up.get());
    }

    /** {@code UP} or {@code DOWN} by dependency, for the health answer. */
    Map<String, Object> status() {
        final Map<String, Object> status = new LinkedHashMap<>();
        dependencies.forEach((name, dependency) -> status.put(name, dependency.up.get() ? "UP" : "DOWN"));
        return status;
    }

    private boolean kafkaAnswers() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).clusterId()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (final ExecutionException | TimeoutException e) {
            return false;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean registryAnswers() {
        try {
            registry.getLatest(probeSubject);
            return true;
        } catch (final SchemaRegistryException e) {
            // 0: no answer at all; 5xx: the registry is there but cannot serve (its own store is away).
            return e.status() > 0 && e.status() < 500;
        } catch (final RuntimeException e) {
            return false;
        }
    }

    /** One dependency's state and meters. */
    private static final class Dependency {

        private final String name;
        private final AtomicBoolean up = new AtomicBoolean(true);
        private final Counter outages;

        Dependency(final String name, final MeterRegistry meters) {
            this.name = name;
            Gauge.builder("profilestream.dependency.up", up, value -> value.get() ? 1 : 0)
                .description("1 while the dependency answered its last check, 0 during an outage.")
                .tag("dependency", name)
                .register(meters);
            this.outages = Counter.builder("profilestream.dependency.outages")
                .description("Outages of a dependency seen by the engine's checks.")
                .tag("dependency", name)
                .register(meters);
        }

        void record(final boolean answered) {
            final boolean was = up.getAndSet(answered);
            if (was && !answered) {
                outages.increment();
                LOG.warn("{} does not answer; the engine waits for it and resumes by itself.", label());
            } else if (!was && answered) {
                LOG.info("{} answers again.", label());
            }
        }

        private String label() {
            return KAFKA.equals(name) ? "Kafka" : "The schema registry";
        }
    }
}
