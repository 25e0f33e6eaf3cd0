package io.profilestream.loadtest;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.profilestream.app.StartupException;
import io.profilestream.cli.EmbeddedPorts;
import io.profilestream.cli.UntilShutdown;
import io.profilestream.config.ConfigException;
import io.profilestream.net.PortInUseException;

/**
 * The one-command demo: an embedded broker and registry, the engine, and live synthetic traffic.
 * Ctrl-C stops the generator, then the engine, registry and broker; the work directory keeps the state for the
 * next start.
 */
@Command(name = "demo",
    mixinStandardHelpOptions = true,
    description = {"Starts Kafka, a schema registry and the engine in-process, and streams synthetic customer events.",
        "Ctrl-C stops everything cleanly; starting again resumes from the state in the work directory."})
final class DemoCommand implements Callable<Integer> {

    /** How many ready-to-paste profile URLs the demo prints. */
    private static final int SAMPLE_PROFILES = 5;

    @Spec
    private CommandSpec spec;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = ".profilestream",
        description = "Where the broker data and engine state live (default: ${DEFAULT-VALUE}).")
    private Path workDir;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
        description = "HTTP API port (default: ${DEFAULT-VALUE}).")
    private int httpPort;

    @Mixin
    private EmbeddedPorts ports;

    @Option(names = "--rate", paramLabel = "EVENTS_PER_SECOND", defaultValue = "200",
        description = "Synthetic events per second (default: ${DEFAULT-VALUE}).")
    private double rate;

    @Option(names = "--customers", paramLabel = "N", defaultValue = "2000",
        description = "Customers in the synthetic population (default: ${DEFAULT-VALUE}).")
    private int customers;

    @Option(names = "--seed", paramLabel = "SEED",
        description = "Seed of this run's events (default: random, so a restart brings new events).")
    private Long seed;

    @Override
    public Integer call() throws InterruptedException {
        final PrintWriter err = spec.commandLine().getErr();
        final Path logFile = DemoLogging.toFile(workDir);
        final Demo demo;
        try {
            demo = Demo.start(Demo.config(workDir, httpPort), ports.kafkaPort(), ports.registryPort(),
                Demo.traffic(customers, seed != null ? seed : ThreadLocalRandom.current().nextLong(), rate),
                new ProgressLine(err));
        } catch (final PortInUseException | ConfigException | StartupException e) {
            err.println("demo: " + e.getMessage());
            err.flush();
            return 2;
        }
        final int port = demo.httpPort();
        final StringBuilder banner = new StringBuilder(String.format(Locale.ROOT,
            "%nProfileStream demo is running: %d customers, about %.0f events/s.%n"
                + "  Console:  http://localhost:%d/console/  (paste the API key below when it asks)%n"
                + "  Kafka %s, schema registry %s, state in %s%n"
                + "  Logs of the broker and the engine: %s%n"
                + "  Metrics:  http://localhost:%d/metrics%n"
                + "  Profiles (counters grow as events arrive):%n",
            customers, rate, port, demo.runtime().bootstrapServers(), demo.runtime().registryUrl(),
            workDir.toAbsolutePath(), logFile, port));
        final String key = demo.runtime().config().get("api.key");
        demo.sampleCustomerIds(SAMPLE_PROFILES).forEach(id -> banner.append(String.format(Locale.ROOT,
            "    curl -H 'X-API-Key: %s' http://localhost:%d/api/v1/profiles/%s%n", key, port, id)));
        banner.append(String.format(Locale.ROOT, "  API key (X-API-Key, every /api/v1 call): %s%n", key));
        banner.append("  Ctrl-C stops everything.").append(System.lineSeparator());
        err.println(banner);
        err.flush();

        UntilShutdown.await(demo, "profilestream-demo");
        return 0;
    }

    /**
     * Keeps the generator's per-second progress on one line of a terminal, so the URLs above stay visible.
     */
    private static final class ProgressLine implements Consumer<String> {

        private final PrintWriter out;
        private final boolean terminal = System.console() != null;

        ProgressLine(final PrintWriter out) {
            this.out = out;
        }

        @Override
        public void accept(final String line) {
            if (terminal) {
                out.print("\r" + line + "   ");
            } else {
                out.println(line);
            }
            out.flush();
        }
    }
}
