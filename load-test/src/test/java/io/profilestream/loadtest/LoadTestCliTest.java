package io.profilestream.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class LoadTestCliTest {

    private static final Instant NOW = Instant.parse("2026-03-04T05:06:07.890Z");

    @Test
    void shouldReadGenerateOptionsIntoSettings() {
        final CommandLine.ParseResult parsed = new CommandLine(new LoadTestCli()).parseArgs("generate",
            "--rate", "50", "--customers", "300", "--seed", "7", "--events", "1000", "--duration", "5m");

        final LoadTestCli.GenerateCommand generate =
            (LoadTestCli.GenerateCommand) parsed.subcommand().commandSpec().userObject();

        assertThat(generate.settings(7)).isEqualTo(new GeneratorSettings(300, 7, 50, 1_000, Duration.ofMinutes(5)));
    }

    @Test
    void shouldDefaultToTheDefaultSettings() {
        final CommandLine.ParseResult parsed = new CommandLine(new LoadTestCli()).parseArgs("generate");

        final LoadTestCli.GenerateCommand generate =
            (LoadTestCli.GenerateCommand) parsed.subcommand().commandSpec().userObject();

        assertThat(generate.settings(3)).isEqualTo(GeneratorSettings.defaults(3));
    }

    @Test
    void shouldReadSimulationOptionsIntoSettings() {
        final LoadTestCli.GenerateCommand generate = generate("--customers", "500", "--simulated-start", "2025-01-01",
            "--speedup", "86400", "--simulate-days", "60", "--late-rate", "0.02", "--duplicate-rate", "0.01",
            "--malformed-rate", "0.005", "--acquisition-days", "30", "--bgnbd-r", "0.5", "--bgnbd-alpha", "10",
            "--bgnbd-a", "1.5", "--bgnbd-b", "3", "--bgnbd-unit", "days");

        final GeneratorSettings settings = generate.settings(7, NOW);

        assertThat(settings.time()).isEqualTo(SimulatedTime.simulated(Instant.parse("2025-01-01T00:00:00Z"), 86_400,
            60));
        assertThat(settings.eventsPerSecond()).isZero();
        assertThat(settings.noise()).isEqualTo(new Noise(0.02, 0.01, 0.005));
        assertThat(settings.purchases()).isEqualTo(new PurchaseModel(0.5, 10, 1.5, 3, 30));
        assertThat(settings.customers()).isEqualTo(500);
    }

    @Test
    void shouldReplayThePastAsFastAsPossibleWhenOnlyTheDaysAreGiven() {
        final GeneratorSettings settings = generate("--simulate-days", "546").settings(7, NOW);

        assertThat(settings.time().start()).isEqualTo(Instant.parse("2024-09-04T00:00:00Z"));
        assertThat(settings.time().end()).isBeforeOrEqualTo(NOW);
        assertThat(settings.time().speedup()).isZero();
        assertThat(settings.eventsPerSecond()).isZero();
        assertThat(settings.purchases()).isEqualTo(PurchaseModel.DEFAULT);
    }

    @Test
    void shouldStartSimulatedTimeNowWithOnlyASpeedUp() {
        final GeneratorSettings settings = generate("--speedup", "60", "--rate", "0").settings(7, NOW);

        assertThat(settings.time()).isEqualTo(SimulatedTime.simulated(Instant.parse("2026-03-04T05:06:07Z"), 60, 0));
    }

    @Test
    void shouldComputeTheTruthOfTheSimulatedPopulation(@TempDir final Path dir) {
        final LoadTestCli.GenerateCommand generate = generate("--customers", "20", "--simulated-start", "2025-01-01",
            "--simulate-days", "546", "--truth", dir.resolve("truth.csv").toString(), "--calibration-days", "200",
            "--holdout-days", "100");
        final GeneratorSettings settings = generate.settings(7, NOW);

        final GroundTruth truth = generate.truth(settings);

        assertThat(truth.customers()).hasSize(20);
        assertThat(truth.start()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(truth.calibrationDays()).isEqualTo(200);
        assertThat(truth.holdoutDays()).isEqualTo(100);
        assertThat(truth.customers()).isEqualTo(GroundTruth.of(settings.population(), truth.start(), 200, 100)
            .customers());
        assertThat(generate("--customers", "20").truth(GeneratorSettings.defaults(7))).isNull();
    }

    @Test
    void shouldRefuseATruthWithoutSimulatedTime() {
        assertError(List.of("generate", "--truth", "truth.csv"), "--truth needs simulated time");
    }

    @Test
    void shouldRefuseBothARateAndASpeedUp() {
        assertError(List.of("generate", "--rate", "100", "--speedup", "60"), "either by a rate or by a speed-up");
    }

    @Test
    void shouldRefuseNoiseThatCannotAddUp() {
        assertError(List.of("generate", "--duplicate-rate", "0.7", "--malformed-rate", "0.4"), "must be below 1");
    }

    @Test
    void shouldRefuseAnUnknownTimeUnit() {
        assertError(List.of("generate", "--bgnbd-unit", "months"), "--bgnbd-unit must be days or weeks");
    }

    @Test
    void shouldReadInstantsAndDates() {
        final LoadTestCli.InstantConverter converter = new LoadTestCli.InstantConverter();

        assertThat(converter.convert("2025-01-01")).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(converter.convert("2025-01-01T09:30:00Z")).isEqualTo(Instant.parse("2025-01-01T09:30:00Z"));
        assertThatThrownBy(() -> converter.convert("yesterday"))
            .isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @Test
    void shouldExplainAnInvalidRateWithoutAStackTrace() {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new LoadTestCli()).setErr(new PrintWriter(err, true));

        final int exitCode = cli.execute("generate", "--rate", "-5");

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).contains("The rate must be zero").doesNotContain("Exception");
    }

    private static LoadTestCli.GenerateCommand generate(final String... options) {
        final String[] args = new String[options.length + 1];
        args[0] = "generate";
        System.arraycopy(options, 0, args, 1, options.length);
        final CommandLine.ParseResult parsed = new CommandLine(new LoadTestCli()).parseArgs(args);
        return (LoadTestCli.GenerateCommand) parsed.subcommand().commandSpec().userObject();
    }

    private static void assertError(final List<String> args, final String message) {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new LoadTestCli()).setErr(new PrintWriter(err, true));

        final int exitCode = cli.execute(args.toArray(String[]::new));

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).contains(message).doesNotContain("Exception");
    }

    @Test
    void shouldReadDurationsWithUnitsOrInIso8601() {
        final LoadTestCli.DurationConverter converter = new LoadTestCli.DurationConverter();

        assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(converter.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(converter.convert("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(converter.convert("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("0s")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class);
    }
}
