package io.profilestream.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class LoadTestCliTest {

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
    void shouldExplainAnInvalidRateWithoutAStackTrace() {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new LoadTestCli()).setErr(new PrintWriter(err, true));

        final int exitCode = cli.execute("generate", "--rate", "-5");

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).contains("The rate must be zero").doesNotContain("Exception");
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
