package io.profilestream.loadtest;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.profilestream.config.ConfigException;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.config.Topics;
import io.profilestream.loadtest.bench.BenchCommand;
import io.profilestream.loadtest.bench.ChaosCommand;
import io.profilestream.registry.RestSchemaRegistryClient;
import io.profilestream.registry.SchemaRegistryClient;

/**
 * Command line of the load-test tools; the main class of the load-test jar.
 */
@Command(name = "profilestream-load-test",
    mixinStandardHelpOptions = true,
    description = "Synthetic customer traffic for ProfileStream.",
    subcommands = {LoadTestCli.GenerateCommand.class, DemoCommand.class, BenchCommand.class,
        ChaosCommand.class})
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
        sortOptions = false,
        description = {"Produces synthetic click, purchase and email events for a simulated customer population.",
            "Live by default: events carry the wall-clock time, at a target rate.",
            "With --simulated-start, --speedup or --simulate-days, events carry simulated time instead, which can run "
                + "months in minutes.",
            "Run the engine with time.mode=event-time for simulated time.",
            "Customers buy by the BG/NBD process; --truth writes what each of them really did.",
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

        @Option(names = "--rate", paramLabel = "EVENTS_PER_SECOND",
            description = "Target rate in events per second; 0 for as fast as possible (default: 200 live, as fast as "
                + "possible with simulated time unless --speedup is given).")
        private Double rate;

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

        @Option(names = "--simulated-start", paramLabel = "INSTANT", converter = InstantConverter.class,
            description = "Simulate time from this instant, e.g. 2025-01-01 or 2025-01-01T09:00:00Z (default with "
                + "--simulate-days: that many days before today, so the run ends in the past; otherwise now).")
        private Instant simulatedStart;

        @Option(names = "--speedup", paramLabel = "FACTOR",
            description = "Run simulated time this many times faster than the wall clock, e.g. 86400 for a day a "
                + "second (default: no clock, as fast as --rate allows).")
        private Double speedup;

        @Option(names = "--simulate-days", paramLabel = "DAYS",
            description = "Stop when this many simulated days have passed (default: no end).")
        private Double simulateDays;

        @Option(names = "--late-rate", paramLabel = "SHARE", defaultValue = "0",
            description = "Share of events delivered late, after events with later timestamps (default: "
                + "${DEFAULT-VALUE}).")
        private double lateRate;

        @Option(names = "--duplicate-rate", paramLabel = "SHARE", defaultValue = "0",
            description = "Share of records that are duplicates of an earlier event, same event id (default: "
                + "${DEFAULT-VALUE}).")
        private double duplicateRate;

        @Option(names = "--malformed-rate", paramLabel = "SHARE", defaultValue = "0",
            description = "Share of records the engine must dead-letter: garbage bytes, blank ids, negative "
                + "quantities, unknown currencies (default: ${DEFAULT-VALUE}).")
        private double malformedRate;

        @Option(names = "--truth", paramLabel = "FILE",
            description = "Write each customer's true parameters, calibration summary and holdout purchases to this "
                + "CSV file, and the population parameters to the same name with .json; needs simulated time.")
        private Path truth;

        @Option(names = "--calibration-days", paramLabel = "DAYS", defaultValue = "273",
            description = "Length of the truth's calibration period from the simulated start (default: "
                + "${DEFAULT-VALUE}, 39 weeks).")
        private double calibrationDays;

        @Option(names = "--holdout-days", paramLabel = "DAYS", defaultValue = "273",
            description = "Length of the truth's holdout period after calibration (default: ${DEFAULT-VALUE}).")
        private double holdoutDays;

        @Option(names = "--acquisition-days", paramLabel = "DAYS", defaultValue = "84",
            description = "Customers make their first purchase within this many days of the simulated start "
                + "(default: ${DEFAULT-VALUE}).")
        private double acquisitionDays;

        @Option(names = "--bgnbd-r", paramLabel = "R", defaultValue = "0.243",
            description = "Shape of the Gamma distribution of purchase rates (default: ${DEFAULT-VALUE}).")
        private double bgnbdR;

        @Option(names = "--bgnbd-alpha", paramLabel = "ALPHA", defaultValue = "4.414",
            description = "Rate of the Gamma distribution of purchase rates, per --bgnbd-unit (default: "
                + "${DEFAULT-VALUE}).")
        private double bgnbdAlpha;

        @Option(names = "--bgnbd-a", paramLabel = "A", defaultValue = "0.793",
            description = "First shape of the Beta distribution of dropout probabilities (default: ${DEFAULT-VALUE}).")
        private double bgnbdA;

        @Option(names = "--bgnbd-b", paramLabel = "B", defaultValue = "2.426",
            description = "Second shape of the Beta distribution of dropout probabilities (default: "
                + "${DEFAULT-VALUE}).")
        private double bgnbdB;

        @Option(names = "--bgnbd-unit", paramLabel = "UNIT", defaultValue = "weeks",
            description = "Time unit of --bgnbd-alpha: days or weeks (default: ${DEFAULT-VALUE}; the defaults are "
                + "Fader, Hardie and Lee's CDNOW fit).")
        private String bgnbdUnit;

        @Override
        public Integer call() throws InterruptedException {
            final PrintWriter err = spec.commandLine().getErr();
            final ProfileStreamConfig config;
            final SchemaRegistryClient registry;
            final GeneratorSettings settings;
            final GroundTruth groundTruth;
            try {
                config = ProfileStreamConfig.load(configFile, System.getenv(), Map.of());
                settings = settings(seed != null ? seed : ThreadLocalRandom.current().nextLong(), Instant.now());
                groundTruth = truth(settings);
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
            describeTime(err, settings.time());
            if (groundTruth != null && !writeTruth(err, groundTruth, settings.time())) {
                return 1;
            }
            err.printf(Locale.ROOT, "Producing to %s, %s and %s on %s.%n",
                topics.clickstream(), topics.purchases(), topics.email(), servers);
            try (LoadGenerator generator = LoadGenerator.start(servers, registry, topics, settings, err::println)) {
                final Thread hook = new Thread(generator::close, "profilestream-load-generator-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    final EventProducer.Stats stats = generator.awaitCompletion();
                    if (!settings.noise().isNone()) {
                        final EventGenerator.Counts counts = generator.generatorCounts();
                        err.printf(Locale.ROOT, "Mixed in: %d late events, %d duplicates, %d malformed records.%n",
                            counts.late(), counts.duplicates(), counts.malformed());
                    }
                    return stats.errors() == 0 ? 0 : 1;
                } catch (final IllegalStateException e) {
                    err.println(e.getMessage());
                    return 1;
                } finally {
                    removeHook(hook);
                }
            }
        }

        GeneratorSettings settings(final long chosenSeed) {
            return settings(chosenSeed, Instant.now());
        }

        /**
         * The settings these options describe.
         *
         * @param chosenSeed the seed to use
         * @param now the current time, which the default simulated start is counted from
         */
        GeneratorSettings settings(final long chosenSeed, final Instant now) {
            final boolean simulated = simulatedStart != null || speedup != null || simulateDays != null;
            final SimulatedTime time = simulated
                ? SimulatedTime.simulated(simulatedStart(now), speedup != null ? speedup : 0,
                    simulateDays != null ? simulateDays : 0)
                : SimulatedTime.LIVE;
            final double pace;
            if (rate != null) {
                pace = rate;
            } else {
                pace = simulated ? 0 : GeneratorSettings.DEFAULT_EVENTS_PER_SECOND;
            }
            return new GeneratorSettings(customers, chosenSeed, pace, maxEvents, duration, purchaseModel(), time,
                new Noise(lateRate, duplicateRate, malformedRate));
        }

        /**
         * The ground truth to write, or {@code null} when {@code --truth} is not given.
         */
        GroundTruth truth(final GeneratorSettings settings) {
            if (truth == null) {
                return null;
            }
            if (settings.time().isLive()) {
                throw new IllegalArgumentException("--truth needs simulated time: add --simulated-start, --speedup or "
                    + "--simulate-days.");
            }
            return GroundTruth.of(settings.population(), settings.time().start(), calibrationDays, holdoutDays);
        }

        private Instant simulatedStart(final Instant now) {
            if (simulatedStart != null) {
                return simulatedStart;
            }
            if (simulateDays != null && simulateDays > 0) {
                return now.truncatedTo(ChronoUnit.DAYS).minus((long) Math.ceil(simulateDays), ChronoUnit.DAYS);
            }
            return now.truncatedTo(ChronoUnit.SECONDS);
        }

        private PurchaseModel purchaseModel() {
            return switch (bgnbdUnit.trim().toLowerCase(Locale.ROOT)) {
                case "days", "day" -> new PurchaseModel(bgnbdR, bgnbdAlpha, bgnbdA, bgnbdB, acquisitionDays);
                case "weeks", "week" -> PurchaseModel.perWeek(bgnbdR, bgnbdAlpha, bgnbdA, bgnbdB, acquisitionDays);
                default -> throw new IllegalArgumentException("--bgnbd-unit must be days or weeks, not '" + bgnbdUnit
                    + "'.");
            };
        }

        private static void describeTime(final PrintWriter err, final SimulatedTime time) {
            if (time.isLive()) {
                return;
            }
            final String pace = time.speedup() > 0
                ? String.format(Locale.ROOT, "%s times faster than the wall clock", BigDecimal.valueOf(time.speedup())
                    .stripTrailingZeros().toPlainString())
                : "as fast as the rate allows";
            err.printf(Locale.ROOT, "Simulated time from %s%s, %s.%n", time.start(),
                time.end() == null ? "" : " to " + time.end(), pace);
            err.println("Events carry simulated time: run the engine with time.mode=event-time "
                + "(PROFILESTREAM_TIME_MODE=event-time).");
        }

        private boolean writeTruth(final PrintWriter err, final GroundTruth groundTruth, final SimulatedTime time) {
            try {
                groundTruth.write(truth);
            } catch (final IOException e) {
                err.println("Could not write the truth to " + truth + ": " + e.getMessage());
                return false;
            }
            err.printf(Locale.ROOT, "Wrote the truth about %d customers to %s and %s (calibration to %s, holdout to %s;"
                    + " %.1f%% alive at the end of calibration).%n", groundTruth.customers().size(), truth,
                GroundTruth.summaryPath(truth), groundTruth.calibrationEnd(), groundTruth.holdoutEnd(),
                100 * groundTruth.aliveShare());
            if (time.end() == null || time.end().isBefore(groundTruth.holdoutEnd())) {
                err.printf(Locale.ROOT, "Note: the events cover the holdout period only if the run lasts until %s "
                    + "(--simulate-days %s).%n", groundTruth.holdoutEnd(), BigDecimal.valueOf(
                        groundTruth.calibrationDays() + groundTruth.holdoutDays()).stripTrailingZeros()
                    .toPlainString());
            }
            return true;
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
     * Reads instants in ISO-8601 ({@code 2025-01-01T09:00:00Z}) or dates ({@code 2025-01-01}, midnight UTC).
     */
    static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {

        @Override
        public Instant convert(final String value) {
            final String text = value.trim();
            try {
                return text.contains("T") ? Instant.parse(text) : LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC)
                    .toInstant();
            } catch (final DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an instant such as 2025-01-01 or "
                    + "2025-01-01T09:00:00Z.");
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
