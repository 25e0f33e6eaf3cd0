package io.profilestream.loadtest.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code chaos} command: engine instances killed and restarted, and the broker restarted, while a known
 * population streams in; then every profile and the segment-change log are checked against what was sent.
 */
@Command(name = "chaos",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {"Starts an embedded broker and schema registry and N engine instances as processes, streams a known "
        + "population, kills instances with SIGKILL at random moments and restarts them, restarts the broker once, "
        + "then stops the engines and checks the committed output: every profile counts what was sent, no "
        + "segment-change id repeats, each (customer, segment) alternates ENTERED/EXITED starting with ENTERED, "
        + "and the last changes equal the profile's memberships.",
        "Prints what it did and writes DIR/chaos.json; exits with 1 when anything does not match."})
public final class ChaosCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--instances", paramLabel = "N", defaultValue = "2",
        description = "Engine instances, each a JVM of its own (default: ${DEFAULT-VALUE}).")
    private int instances;

    @Option(names = "--kills", paramLabel = "K", defaultValue = "10",
        description = "SIGKILLs to send, each followed by a restart (default: ${DEFAULT-VALUE}).")
    private int kills;

    @Option(names = "--customers", paramLabel = "C", defaultValue = "1500",
        description = "Customers of the known population, about 8.5 events each (default: ${DEFAULT-VALUE}).")
    private int customers;

    @Option(names = "--partitions", paramLabel = "P", defaultValue = "6",
        description = "Partitions of every topic (default: ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42",
        description = "Seed of the population, of the kill moments and of the victims (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "chaos-results",
        description = "Output directory: chaos.json, and the broker's data and engine logs under work/ "
            + "(default: ${DEFAULT-VALUE}).")
    private Path out;

    @Override
    public Integer call() throws InterruptedException {
        final PrintWriter err = spec.commandLine().getErr();
        final PrintWriter stdout = spec.commandLine().getOut();
        final Chaos.Result result;
        try {
            result = new Chaos(new Chaos.Options(instances, kills, customers, partitions, seed, out), line -> {
                stdout.println(line);
                stdout.flush();
            }).run();
        } catch (final IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        } catch (final IOException | IllegalStateException e) {
            err.println("The chaos run failed: " + e.getMessage());
            return 1;
        }
        final ChaosCheck.Result check = result.check();
        check.examples().forEach(example -> stdout.println("  " + example));
        stdout.printf(Locale.ROOT, "kills %d, broker restarts %d, unexpected exits %d, events sent %,d, "
                + "profiles checked %,d, segment changes %,d%n", result.kills(), result.brokerRestarts(),
            result.unexpectedExits(), result.eventsSent(), check.profilesChecked(), check.changesRead());
        stdout.printf(Locale.ROOT, "profile mismatches %d, duplicate change ids %d, sequence violations %d, "
                + "membership mismatches %d: %s%n", check.profileMismatches(), check.duplicateChangeIds(),
            check.sequenceViolations(), check.membershipMismatches(), result.clean() ? "PASSED" : "FAILED");
        stdout.printf(Locale.ROOT, "Wrote %s.%n", out.resolve("chaos.json"));
        return result.clean() ? 0 : 1;
    }
}
