package io.profilestream.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.profilestream.app.ProfileStreamApp;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.models.BgNbd;
import io.profilestream.models.BgNbdFit;
import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.ChurnRisk;
import io.profilestream.models.CustomerSummaries;
import io.profilestream.models.CustomerSummary;
import io.profilestream.models.GammaGamma;
import io.profilestream.models.GammaGammaFit;
import io.profilestream.models.GammaGammaParameters;
import io.profilestream.models.ModelFitException;
import io.profilestream.models.ModelTimeUnit;
import io.profilestream.profile.ModelParameters;
import io.profilestream.serde.EngineSerdes;
import io.profilestream.config.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code profilestream model}: score, fit and summarise customers with the customer-value models, for analysts and
 * scripts. Input and output are CSV (JSON for fit); every number is printed with full double precision.
 * Bad input is reported on one line naming the file, line and column, with exit code 2.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
    description = "Customer-value models (BG/NBD, Gamma-Gamma) on CSV files.",
    subcommands = {ModelCommand.Score.class, ModelCommand.Fit.class, ModelCommand.Summarize.class})
public final class ModelCommand implements Runnable {

    /** Name of the BG/NBD model: the key of its ModelParameters record. */
    public static final String BGNBD = BgNbdParameters.MODEL_NAME;
    /** Name of the Gamma-Gamma model: the key of its ModelParameters record. */
    public static final String GAMMA_GAMMA = GammaGammaParameters.MODEL_NAME;

    private static final Set<String> SUMMARY_COLUMNS = Set.of("id", "x", "t_x", "T");
    private static final Set<String> TRANSACTION_COLUMNS = Set.of("customer_id", "date", "amount");

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code model score}: P(alive), expected purchases, churn risk and expected order value per customer.
     */
    @Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Scores customer summaries (CSV header id,x,t_x,T and optionally m) with given parameters.",
            "Prints id,p_alive,expected_purchases,churn_risk and, with --gamma-gamma and an m column, "
                + "expected_avg_value. Times are in whatever unit the input and parameters use."})
    static final class Score implements Callable<Integer> {

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
            return guarded(spec, () -> {
                final double[] b = parameters("--bgnbd", bgnbd, 4);
                final BgNbd model = new BgNbd(new BgNbdParameters(b[0], b[1], b[2], b[3]));
                GammaGamma spend = null;
                if (gammaGamma != null) {
                    final double[] g = parameters("--gamma-gamma", gammaGamma, 3);
                    spend = new GammaGamma(new GammaGammaParameters(g[0], g[1], g[2]));
                }
                final double churn = churnHorizon == null ? horizon : churnHorizon;
                requireHorizon("--horizon", horizon);
                requireHorizon("--churn-horizon", churn);
                final CsvTable table = CsvTable.read(input, SUMMARY_COLUMNS);
                final boolean value = spend != null && table.has("m");
                final PrintWriter out = spec.commandLine().getOut();
                final StringBuilder text = new StringBuilder("id,p_alive,expected_purchases,churn_risk")
                    .append(value ? ",expected_avg_value" : "").append('\n');
                for (final CsvTable.Row row : table.rows()) {
                    final CustomerSummary customer = summary(table, row);
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

    /**
     * {@code model fit}: maximum-likelihood parameters as JSON, optionally published to the engine.
     */
    @Command(name = "fit", mixinStandardHelpOptions = true,
        description = {"Fits BG/NBD (and Gamma-Gamma when an m column is present, on rows with x > 0) to customer",
            "summaries (CSV header id,x,t_x,T and optionally m) and prints the parameters as JSON."})
    static final class Fit implements Callable<Integer> {

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
            return guarded(spec, () -> {
                final ModelTimeUnit unit = ModelTimeUnit.parse(timeUnit);
                final CsvTable table = CsvTable.read(input, SUMMARY_COLUMNS);
                final boolean spend = table.has("m");
                final CustomerSummaries.Builder builder = CustomerSummaries.builder();
                for (final CsvTable.Row row : table.rows()) {
                    builder.add(summary(table, row));
                }
                final CustomerSummaries data = builder.build();
                final BgNbdFit bgnbd = BgNbd.fit(data.aggregateTimes());
                final GammaGammaFit gammaGamma = spend ? GammaGamma.fit(data) : null;
                final PrintWriter out = spec.commandLine().getOut();
                out.println(json(bgnbd, gammaGamma));
                out.flush();
                warnAtBound(spec, "BG/NBD", bgnbd.atBound());
                warnAtBound(spec, "Gamma-Gamma", gammaGamma != null && gammaGamma.atBound());
                if (publish) {
                    final ProfileStreamConfig config = ProfileStreamConfig.load(configFile, System.getenv(),
                        new HashMap<>(settings));
                    final EngineSerdes serdes = new EngineSerdes(ProfileStreamApp.registryClient(config),
                        config.getInt("validation.max.record.bytes"));
                    try (Producer<String, ModelParameters> producer = new KafkaProducer<>(producerConfig(config),
                        new StringSerializer(), serdes.modelParameters().serializer())) {
                        publish(producer, Topics.from(config).modelParameters(),
                            records(bgnbd, gammaGamma, unit, Clock.systemUTC()));
                    }
                    spec.commandLine().getErr().println("profilestream: published " + (spend ? 2 : 1)
                        + " model parameter record(s) to " + Topics.from(config).modelParameters());
                }
            });
        }
    }

    /**
     * {@code model summarize}: a transaction log turned into customer summaries.
     */
    @Command(name = "summarize", mixinStandardHelpOptions = true,
        description = {"Turns a transaction log (CSV header customer_id,date,amount; dates yyyy-MM-dd or yyyyMMdd)",
            "into summaries id,x,t_x,T,m as of the end of the calibration period. Purchases on the same day are",
            "merged; x counts repeat purchase days; m is the mean value of the repeat purchase days (0 when x = 0).",
            "Transactions after the calibration end are ignored."})
    static final class Summarize implements Callable<Integer> {

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
            return guarded(spec, () -> {
                final ModelTimeUnit timeUnit = ModelTimeUnit.parse(unit);
                final LocalDate end = date(calibrationEnd, "--calibration-end");
                final CsvTable table = CsvTable.read(transactions, TRANSACTION_COLUMNS);
                final Map<String, List<double[]>> purchases = new LinkedHashMap<>();
                for (final CsvTable.Row row : table.rows()) {
                    final String id = table.text(row, "customer_id");
                    if (id.isEmpty()) {
                        throw table.error(row, "customer_id is empty");
                    }
                    final LocalDate day;
                    try {
                        day = date(table.text(row, "date"), "date");
                    } catch (final ModelInputException e) {
                        throw table.error(row, e.getMessage());
                    }
                    final double amount = table.number(row, "amount");
                    if (!day.isAfter(end)) {
                        purchases.computeIfAbsent(id, key -> new ArrayList<>())
                            .add(new double[] {day.toEpochDay(), amount});
                    }
                }
                final StringBuilder text = new StringBuilder("id,x,t_x,T,m\n");
                for (final Map.Entry<String, List<double[]>> customer : purchases.entrySet()) {
                    final List<double[]> list = customer.getValue();
                    final int[] days = new int[list.size()];
                    final double[] values = new double[list.size()];
                    for (int i = 0; i < days.length; i++) {
                        days[i] = (int) list.get(i)[0];
                        values[i] = list.get(i)[1];
                    }
                    final CustomerSummary summary = CustomerSummary.fromPurchases(days, values, end.toEpochDay(),
                        timeUnit);
                    text.append(CsvTable.quote(customer.getKey())).append(',').append(summary.x())
                        .append(',').append(CsvTable.format(summary.tx()))
                        .append(',').append(CsvTable.format(summary.t()))
                        .append(',').append(CsvTable.format(summary.m())).append('\n');
                }
                final PrintWriter out = spec.commandLine().getOut();
                out.print(text);
                out.flush();
            });
        }
    }

    /** The JSON printed by {@code model fit}. */
    static String json(final BgNbdFit bgnbd, final GammaGammaFit gammaGamma) {
        final Map<String, Object> root = new LinkedHashMap<>();
        final Map<String, Object> b = new LinkedHashMap<>(bgnbd.parameters().toMap());
        b.put("log_likelihood", bgnbd.logLikelihood());
        root.put("bgnbd", b);
        if (gammaGamma != null) {
            final Map<String, Object> g = new LinkedHashMap<>(gammaGamma.parameters().toMap());
            g.put("log_likelihood", gammaGamma.logLikelihood());
            root.put("gamma_gamma", g);
        }
        try {
            return new ObjectMapper().writeValueAsString(root);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the fit as JSON", e);
        }
    }

    /** The ModelParameters records for a fit: one per model, keyed by model name. */
    static List<ModelParameters> records(final BgNbdFit bgnbd,
                                         final GammaGammaFit gammaGamma,
                                         final ModelTimeUnit unit,
                                         final Clock clock) {
        final List<ModelParameters> records = new ArrayList<>();
        records.add(ModelParameters.newBuilder().setModel(BGNBD).setParameters(bgnbd.parameters().toMap())
            .setLogLikelihood(bgnbd.logLikelihood()).setTimeUnit(unit.configName()).setFittedAt(clock.instant())
            .setSampleSize(bgnbd.customers()).build());
        if (gammaGamma != null) {
            records.add(ModelParameters.newBuilder().setModel(GAMMA_GAMMA)
                .setParameters(gammaGamma.parameters().toMap()).setLogLikelihood(gammaGamma.logLikelihood())
                .setTimeUnit(unit.configName()).setFittedAt(clock.instant()).setSampleSize(gammaGamma.customers())
                .build());
        }
        return records;
    }

    /** Sends the records keyed by model name and waits for every acknowledgement. */
    static void publish(final Producer<String, ModelParameters> producer,
                        final String topic,
                        final List<ModelParameters> records) {
        final List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (final ModelParameters record : records) {
            sent.add(producer.send(new ProducerRecord<>(topic, record.getModel(), record)));
        }
        producer.flush();
        for (final Future<RecordMetadata> future : sent) {
            try {
                future.get(60, TimeUnit.SECONDS);
            } catch (final ExecutionException | TimeoutException e) {
                throw new ModelInputException("Publishing to " + topic + " failed: "
                    + (e.getCause() == null ? e : e.getCause()).getMessage());
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelInputException("Interrupted while publishing to " + topic);
            }
        }
    }

    private static void warnAtBound(final CommandSpec spec, final String model, final boolean atBound) {
        if (atBound) {
            spec.commandLine().getErr().println("profilestream: warning: a " + model + " estimate lies on a bound of "
                + "the search box; the model may not describe this data (see docs/models.md).");
            spec.commandLine().getErr().flush();
        }
    }

    private static Map<String, Object> producerConfig(final ProfileStreamConfig config) {
        final Map<String, Object> producer = new HashMap<>();
        final Set<String> known = ProducerConfig.configNames();
        config.kafkaSettings().forEach((key, value) -> {
            if (known.contains(key)) {
                producer.put(key, value);
            }
        });
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return producer;
    }

    private static CustomerSummary summary(final CsvTable table, final CsvTable.Row row) {
        final int x = table.integer(row, "x");
        final double tx = table.number(row, "t_x");
        final double t = table.number(row, "T");
        final double m = table.has("m") && !table.text(row, "m").isEmpty() ? table.number(row, "m") : 0.0;
        try {
            return new CustomerSummary(x, x == 0 ? 0.0 : tx, t, x == 0 ? 0.0 : m);
        } catch (final IllegalArgumentException e) {
            throw table.error(row, e.getMessage());
        }
    }

    private static double[] parameters(final String option, final String text, final int count) {
        final String[] parts = text.split(",", -1);
        if (parts.length != count) {
            throw new ModelInputException(option + " needs " + count + " comma-separated numbers, got '" + text + "'");
        }
        final double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            try {
                values[i] = Double.parseDouble(parts[i].trim());
            } catch (final NumberFormatException e) {
                throw new ModelInputException(option + ": '" + parts[i].trim() + "' is not a number");
            }
            if (!(values[i] > 0) || Double.isInfinite(values[i])) {
                throw new ModelInputException(option + ": every parameter must be finite and positive, got '"
                    + text + "'");
            }
        }
        return values;
    }

    private static void requireHorizon(final String option, final double horizon) {
        if (!(horizon >= 0) || Double.isInfinite(horizon)) {
            throw new ModelInputException(option + " must be finite and at least 0, was " + horizon);
        }
    }

    private static LocalDate date(final String text, final String what) {
        try {
            return text.length() == 8 ? LocalDate.parse(text, DateTimeFormatter.BASIC_ISO_DATE) : LocalDate.parse(text);
        } catch (final DateTimeParseException e) {
            throw new ModelInputException(what + " must be a date (yyyy-MM-dd or yyyyMMdd), was '" + text + "'");
        }
    }

    /** Runs a command body; input and fit errors become one line on stderr and exit code 2. */
    private static int guarded(final CommandSpec spec, final Runnable body) {
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
