package io.profilestream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.GammaGammaParameters;
import io.profilestream.models.ModelFitException;

/**
 * {@code profilestream model}: score, fit and summarise customers with the customer-value models, for analysts and
 * scripts.
 * Input and output are CSV (JSON for fit); every number is printed with full double precision.
 * Bad input is reported on one line naming the file, line and column, with exit code 2.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
    description = "Customer-value models (BG/NBD, Gamma-Gamma) on CSV files.",
    subcommands = {ModelScoreCommand.class, ModelFitCommand.class, ModelSummarizeCommand.class})
public final class ModelCommand implements Runnable {

    /** Name of the BG/NBD model: the key of its ModelParameters record. */
    public static final String BGNBD = BgNbdParameters.MODEL_NAME;
    /** Name of the Gamma-Gamma model: the key of its ModelParameters record. */
    public static final String GAMMA_GAMMA = GammaGammaParameters.MODEL_NAME;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the body of a model subcommand; input and fit errors become one line on stderr and exit code 2. */
    static int guarded(final CommandSpec spec, final Runnable body) {
        try {
            body.run();
            return 0;
        } catch (final ModelInputException | ModelFitException | IllegalArgumentException e) {
            final CommandLine commandLine = spec.commandLine();
            commandLine.getErr().println("profilestream: " + e.getMessage());
            commandLine.getErr().flush();
            return ProfileStreamCli.EXIT_CONFIG;
        }
    }
}
