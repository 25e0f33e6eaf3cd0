package io.profilestream.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import picocli.CommandLine;

/**
 * {@code --help} of the load-test jar and of each of its subcommands prints the usage and nothing on stderr.
 *
 * <p>Picocli warns about a description it cannot format (a bare {@code %} instead of {@code %%}) on the
 * {@code System.err} it saw when it was loaded, so each help runs in a JVM of its own, as a user would run it.
 */
class CliHelpTest {

    private static final long TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} --help")
    @MethodSource("commands")
    void shouldPrintTheUsageAndNothingOnStandardError(final List<String> command) throws Exception {
        final List<String> args = new ArrayList<>(command);
        args.add("--help");

        final Run run = runCli(args);

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).contains("Usage:");
        assertThat(run.stderr()).as("stderr of %s", args).isEmpty();
    }

    /**
     * The root command and every subcommand, nested ones included, as the arguments that select them.
     */
    static Stream<List<String>> commands() {
        final List<List<String>> commands = new ArrayList<>();
        collect(new CommandLine(new LoadTestCli()), List.of(), commands);
        return commands.stream();
    }

    private static void collect(final CommandLine command,
                                final List<String> path,
                                final List<List<String>> commands) {
        commands.add(path);
        command.getSubcommands().forEach((name, subcommand) -> {
            if (name.equals(subcommand.getCommandName())) {
                final List<String> subPath = new ArrayList<>(path);
                subPath.add(name);
                collect(subcommand, List.copyOf(subPath), commands);
            }
        });
    }

    private Run runCli(final List<String> args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            LoadTestCli.class.getName()));
        command.addAll(args);
        final Path stdout = dir.resolve("stdout.txt");
        final Path stderr = dir.resolve("stderr.txt");
        final Process process = new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(args + " did not finish within " + TIMEOUT_SECONDS + " s.");
        }
        return new Run(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
            Files.readString(stderr, StandardCharsets.UTF_8));
    }

    private record Run(int exitCode, String stdout, String stderr) {
    }
}
