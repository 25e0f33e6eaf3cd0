package io.profilestream.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.profilestream.models.ModelTimeUnit;

/**
 * {@code model summarize}: a transaction log turned into customer summaries.
 */
@Command(name = "summarize", mixinStandardHelpOptions = true,
    description = {"Turns a transaction log (CSV header customer_id,date,amount; dates yyyy-MM-dd or yyyyMMdd)",
        "into summaries id,x,t_x,T,m as of the end of the calibration period. Purchases on the same day are",
        "merged; x counts repeat purchase days; m is the mean value of the repeat purchase days (0 when x = 0).",
        "Transactions after the calibration end are ignored."})
final class ModelSummarizeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--transactions", required = true, paramLabel = "FILE", description = "Transaction log.")
    private Path transactions;

    @Option(names = "--calibration-end", required = true, paramLabel = "DATE",
        description = "Last day of the calibration period (yyyy-MM-dd), included.")
    private String calibrationEnd;

    @Option(names = "--unit", paramLabel = "UNIT", defaultValue = "days",
        description = "Time unit of t_x and T: days or weeks (default: ${DEFAULT-VALUE}).")
    private String unit;

    @Override
    public Integer call() {
        return ModelCommand.guarded(spec, () -> {
            final ModelTimeUnit timeUnit = ModelTimeUnit.parse(unit);
            final LocalDate end = ModelInput.date(calibrationEnd, "--calibration-end");
            final CsvTable table = CsvTable.read(transactions, ModelInput.TRANSACTION_COLUMNS);
            final String text = ModelOutput.summariesCsv(ModelInput.summarize(table, end, timeUnit));
            final PrintWriter out = spec.commandLine().getOut();
            out.print(text);
            out.flush();
        });
    }
}
