package io.profilestream.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.models.BgNbd;
import io.profilestream.models.BgNbdFit;
import io.profilestream.models.CustomerSummaries;
import io.profilestream.models.GammaGamma;
import io.profilestream.models.GammaGammaFit;
import io.profilestream.models.ModelTimeUnit;

/**
 * {@code model fit}: maximum-likelihood parameters as JSON, optionally published to the engine.
 */
@Command(name = "fit", mixinStandardHelpOptions = true,
    description = {"Fits BG/NBD (and Gamma-Gamma when an m column is present, on rows with x > 0) to customer",
        "summaries (CSV header id,x,t_x,T and optionally m) and prints the parameters as JSON."})
final class ModelFitCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "Customer summaries (CSV).")
    private Path input;

    @Option(names = "--publish",
        description = "Also write the parameters to the model-parameters topic, keyed bgnbd and gamma-gamma.")
    private boolean publish;

    @Option(names = "--config", paramLabel = "FILE",
        description = "Properties file with Kafka and schema registry settings (for --publish).")
    private Path configFile;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
        description = "Any configuration key, Kafka settings included; may be repeated (for --publish).")
    private Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--time-unit", paramLabel = "UNIT", defaultValue = "days",
        description = "Time unit of the input, recorded with published parameters: days or weeks "
            + "(default: ${DEFAULT-VALUE}).")
    private String timeUnit;

    @Override
    public Integer call() {
        return ModelCommand.guarded(spec, () -> {
            final ModelTimeUnit unit = ModelTimeUnit.parse(timeUnit);
            final CsvTable table = CsvTable.read(input, ModelInput.SUMMARY_COLUMNS);
            final boolean spend = table.has("m");
            final CustomerSummaries data = ModelInput.summaries(table);
            final BgNbdFit bgnbd = BgNbd.fit(data.aggregateTimes());
            final GammaGammaFit gammaGamma = spend ? GammaGamma.fit(data) : null;
            final PrintWriter out = spec.commandLine().getOut();
            out.println(ModelOutput.fitJson(bgnbd, gammaGamma));
            out.flush();
            ModelOutput.warnAtBound(spec, "BG/NBD", bgnbd.atBound());
            ModelOutput.warnAtBound(spec, "Gamma-Gamma", gammaGamma != null && gammaGamma.atBound());
            if (publish) {
                final ProfileStreamConfig config = ProfileStreamConfig.load(configFile, System.getenv(),
                    new HashMap<>(settings));
                final String topic = ModelPublisher.publish(config,
                    ModelPublisher.records(bgnbd, gammaGamma, unit, Clock.systemUTC()));
                spec.commandLine().getErr().println("profilestream: published " + (spend ? 2 : 1)
                    + " model parameter record(s) to " + topic);
            }
        });
    }
}
