package io.profilestream.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.profilestream.models.BgNbd;
import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.ChurnRisk;
import io.profilestream.models.CustomerSummary;
import io.profilestream.models.GammaGamma;
import io.profilestream.models.GammaGammaParameters;

/**
 * {@code model score}: P(alive), expected purchases, churn risk and expected order value per customer.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = {"Scores customer summaries (CSV header id,x,t_x,T and optionally m) with given parameters.",
        "Prints id,p_alive,expected_purchases,churn_risk and, with --gamma-gamma and an m column, "
            + "expected_avg_value. Times are in whatever unit the input and parameters use."})
final class ModelScoreCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--bgnbd", required = true, paramLabel = "R,ALPHA,A,B", description = "BG/NBD parameters.")
    private String bgnbd;

    @Option(names = "--gamma-gamma", paramLabel = "P,Q,GAMMA", description = "Gamma-Gamma parameters.")
    private String gammaGamma;

    @Option(names = "--horizon", required = true, paramLabel = "T",
        description = "Horizon of expected_purchases, in the input's time unit.")
    private double horizon;

    @Option(names = "--churn-horizon", paramLabel = "H",
        description = "Horizon of churn_risk, in the input's time unit (default: --horizon).")
    private Double churnHorizon;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "Customer summaries (CSV).")
    private Path input;

    @Override
    public Integer call() {
        return ModelCommand.guarded(spec, () -> {
            final double[] b = ModelInput.parameters("--bgnbd", bgnbd, 4);
            final BgNbd model = new BgNbd(new BgNbdParameters(b[0], b[1], b[2], b[3]));
            GammaGamma spend = null;
            if (gammaGamma != null) {
                final double[] g = ModelInput.parameters("--gamma-gamma", gammaGamma, 3);
                spend = new GammaGamma(new GammaGammaParameters(g[0], g[1], g[2]));
            }
            final double churn = churnHorizon == null ? horizon : churnHorizon;
            ModelInput.requireHorizon("--horizon", horizon);
            ModelInput.requireHorizon("--churn-horizon", churn);
            final CsvTable table = CsvTable.read(input, ModelInput.SUMMARY_COLUMNS);
            final boolean value = spend != null && table.has("m");
            final PrintWriter out = spec.commandLine().getOut();
            final StringBuilder text = new StringBuilder("id,p_alive,expected_purchases,churn_risk")
                .append(value ? ",expected_avg_value" : "").append('\n');
            for (final CsvTable.Row row : table.rows()) {
                final CustomerSummary customer = ModelInput.summary(table, row);
                text.append(CsvTable.quote(table.text(row, "id")))
                    .append(',').append(model.probabilityAlive(customer))
                    .append(',').append(model.expectedPurchases(customer, horizon))
                    .append(',').append(ChurnRisk.probabilityOfNoPurchase(model, customer, churn));
                if (value) {
                    text.append(',').append(spend.expectedAverageValue(customer));
                }
                text.append('\n');
            }
            out.print(text);
            out.flush();
        });
    }
}
