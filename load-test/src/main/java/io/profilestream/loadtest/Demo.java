package io.profilestream.loadtest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import io.profilestream.app.EmbeddedRuntime;
import io.profilestream.app.ProfileStreamApp;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.config.Topics;

/**
 * A running demo: the embedded broker, registry and engine, fed by the load generator.
 */
public final class Demo implements AutoCloseable {

    private final EmbeddedRuntime runtime;
    private final LoadGenerator generator;

    private Demo(final EmbeddedRuntime runtime, final LoadGenerator generator) {
        this.runtime = runtime;
        this.generator = generator;
    }

    /**
     * Starts everything; the generator starts once the engine has created its topics.
     *
     * @param config engine configuration (work directory, HTTP port, ...)
     * @param kafkaPort embedded broker port, 0 for any
     * @param registryPort embedded registry port, 0 for any
     * @param traffic population size, seed and rate of the synthetic events
     * @param progress receives the generator's progress line every second
     */
    public static Demo start(final ProfileStreamConfig config,
                             final int kafkaPort,
                             final int registryPort,
                             final GeneratorSettings traffic,
                             final Consumer<String> progress) {
        final EmbeddedRuntime runtime = EmbeddedRuntime.start(config, kafkaPort, registryPort);
        try {
            final LoadGenerator generator = LoadGenerator.start(runtime.bootstrapServers(),
                ProfileStreamApp.registryClient(runtime.config()), Topics.from(runtime.config()), traffic, progress);
            return new Demo(runtime, generator);
        } catch (final RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    /**
     * The demo's engine settings on top of the defaults and the environment.
     */
    public static ProfileStreamConfig config(final Path workDir, final int httpPort) {
        final ProfileStreamConfig config = ProfileStreamConfig.load(null, System.getenv(), Map.of(
            "work.dir", workDir.toString(),
            "http.port", Integer.toString(httpPort),
            "application.id", "profilestream-demo"));
        // The API needs a key; unless one is configured, the demo makes one up for this run and prints it.
        return config.contains("api.key") ? config : config.with(Map.of("api.key", UUID.randomUUID().toString()));
    }

    /** Customers that will have a profile with an order within seconds. */
    public List<String> sampleCustomerIds(final int count) {
        return generator.sampleCustomerIds(count);
    }

    public EmbeddedRuntime runtime() {
        return runtime;
    }

    public int httpPort() {
        return runtime.app().httpPort();
    }

    /** Events produced so far. */
    public EventProducer.Stats traffic() {
        return generator.stats();
    }

    /**
     * Stops the generator first, then the engine, the registry and the broker.
     */
    @Override
    public void close() {
        generator.close();
        runtime.close();
    }

    static GeneratorSettings traffic(final int customers, final long seed, final double rate) {
        return new GeneratorSettings(customers, seed, rate, 0, Duration.ZERO);
    }
}
