package io.profilestream.loadtest;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.profilestream.config.ConfigException;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.registry.RestSchemaRegistryClient;
import io.profilestream.registry.SchemaRegistryClient;
import io.profilestream.topology.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Command line of the load-test tools; the main class of the load-test jar.
 */
@Command(name = "profilestream-load-test",
    mixinStandardHelpOptions = true,
    description = "Synthetic customer traffic for ProfileStream.",
    subcommands = {LoadTestCli.GenerateCommand.class, DemoCommand.class})
public final class LoadTestCli implements Runnable {

    @Spec
    private CommandSpec spec;

    public static void main(final String[] args) {
        System.exit(new CommandLine(new LoadTestCli()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /**
     * Produces synthetic click, purchase and email events to the engine's input topics.
     */
    @Command(name = "generate",
        mixinStandardHelpOptions = true,
        description = {"Produces synthetic click, purchase and email events for a simulated customer population.",
            "Progress is printed to stderr every second; Ctrl-C stops cleanly after flushing."})
    static final class GenerateCommand implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE",
            description = "Engine config file for topic names and defaults (then PROFILESTREAM_* variables apply).")
        private Path configFile;

        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: bootstrap.servers from the config, localhost:9092).")
        private String bootstrapServers;

        @Option(names = "--schema-registry-url", paramLabel = "URL",
            description = "Schema registry URL (default: schema.registry.url from the config, http://localhost:8081).")
        private String schemaRegistryUrl;

        @Option(names = "--rate", paramLabel = "EVENTS_PER_SECOND", defaultValue = "200",
            description = "Target rate in events per second; 0 for as fast as possible (default: ${DEFAULT-VALUE}).")
        private double rate;

        @Option(names = "--customers", paramLabel = "N", defaultValue = "2000",
            description = "Number of customers, plus a quarter as many anonymous visitors (default: ${DEFAULT-VALUE}).")
        private int customers;

        @Option(names = "--seed", paramLabel = "SEED",
            description = "Seed of the population and its events (default: random, printed at start).")
        private Long seed;

        @Option(names = "--events", paramLabel = "N", defaultValue = "0",
            description = "Stop after this many events; 0 for no limit (default: ${DEFAULT-VALUE}).")
        private long maxEvents;

        @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "0s",
            converter = DurationConverter.class,
            description = "Stop after this long, e.g. 90s, 5m, 1h or PT1M30S; 0s for no limit "
                + "(default: ${DEFAULT-VALUE}).")
        private Duration duration;

        @Override
        public Integer call() throws InterruptedException {
            final PrintWriter err = spec.commandLine().getErr();
            final ProfileStreamConfig config;
            final SchemaRegistryClient registry;
            final GeneratorSettings settings;
            try {
                config = ProfileStreamConfig.load(configFile, System.getenv(), Map.of());
                settings = settings(seed != null ? seed : ThreadLocalRandom.current().nextLong());
                registry = new RestSchemaRegistryClient(schemaRegistryUrl != null
                    ? schemaRegistryUrl
                    : config.get("schema.registry.url"));
            } catch (final ConfigException | IllegalArgumentException e) {
                err.println(e.getMessage());
                return 1;
            }
            final Topics topics = Topics.from(config);
            final String servers = bootstrapServers != null ? bootstrapServers : config.get("bootstrap.servers");
            err.printf(Locale.ROOT, "Seed %d (pass --seed %d to repeat this population and its events).%n",
                settings.seed(), settings.seed());
            err.printf(Locale.ROOT, "Producing to %s, %s and %s on %s.%n",
                topics.clickstream(), topics.purchases(), topics.email(), servers);
            try (LoadGenerator generator = LoadGenerator.start(servers, registry, topics, settings, err::println)) {
                final Thread hook = new Thread(generator::close, "profilestream-load-generator-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    return generator.awaitCompletion().errors() == 0 ? 0 : 1;
                } catch (final IllegalStateException e) {
                    err.println(e.getMessage());
                    return 1;
                } finally {
                    removeHook(hook);
                }
            }
        }

        GeneratorSettings settings(final long chosenSeed) {
            return new GeneratorSettings(customers, chosenSeed, rate, maxEvents, duration);
        }

        private static void removeHook(final Thread hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (final IllegalStateException e) {
                // The JVM is already shutting down, and the hook is running or has run.
            }
        }
    }

    /**
     * Reads durations as a number with a unit (ms, s, m, h, d) or in ISO-8601 ({@code PT30S}).
     */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

        private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

        @Override
        public Duration convert(final String value) {
            final String text = value.trim().toLowerCase(Locale.ROOT);
            final Matcher matcher = SIMPLE.matcher(text);
            if (matcher.matches()) {
                final long amount = Long.parseLong(matcher.group(1));
                final String unit = matcher.group(2) == null ? "s" : matcher.group(2);
                return switch (unit) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    case "d" -> Duration.ofDays(amount);
                    default -> Duration.ofSeconds(amount);
                };
            }
            try {
                return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            } catch (final DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 90s, 5m, 1h "
                    + "or PT1M30S.");
            }
        }
    }
}
