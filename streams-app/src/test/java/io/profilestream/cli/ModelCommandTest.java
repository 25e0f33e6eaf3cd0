package io.profilestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.profilestream.models.BgNbd;
import io.profilestream.models.BgNbdFit;
import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.ChurnRisk;
import io.profilestream.models.CustomerSummary;
import io.profilestream.models.GammaGamma;
import io.profilestream.models.GammaGammaFit;
import io.profilestream.models.GammaGammaParameters;
import io.profilestream.models.ModelTimeUnit;
import io.profilestream.profile.ModelParameters;

class ModelCommandTest {

    private static final String CDNOW = "0.243,4.414,0.793,2.426";

    @TempDir
    Path dir;

    @Test
    void shouldSummariseATransactionLog() throws IOException {
        final Path log = write("log.csv", "customer_id,date,amount",
            "a,2024-01-01,10", "a,2024-01-01,5", "a,2024-01-08,20", "a,2024-01-15,40", "a,2024-02-01,999",
            "\"b,2\",20240110,7", "c,2024-02-01,3");

        final Result result = run("model", "summarize", "--transactions", log.toString(),
            "--calibration-end", "2024-01-29", "--unit", "weeks");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).isEqualTo("id,x,t_x,T,m\na,2,2,4,30\n\"b,2\",0,0,"
            + 19.0 / 7 + ",0\n");
    }

    @Test
    void shouldScoreCustomersWithFullPrecision() throws IOException {
        final Path input = write("customers.csv", "id,x,t_x,T,m", "c1,2,30.43,38.86,35.5", "c2,0,0,20,");

        final Result result = run("model", "score", "--bgnbd", CDNOW, "--gamma-gamma", "6.25,3.74,15.44",
            "--horizon", "39", "--churn-horizon", "13", "--input", input.toString());

        final BgNbd model = new BgNbd(new BgNbdParameters(0.243, 4.414, 0.793, 2.426));
        final GammaGamma spend = new GammaGamma(new GammaGammaParameters(6.25, 3.74, 15.44));
        final CustomerSummary c1 = new CustomerSummary(2, 30.43, 38.86, 35.5);
        final CustomerSummary c2 = CustomerSummary.of(0, 0, 20);
        assertThat(result.exit()).isZero();
        assertThat(result.out()).isEqualTo("id,p_alive,expected_purchases,churn_risk,expected_avg_value\n"
            + "c1," + model.probabilityAlive(c1) + "," + model.expectedPurchases(c1, 39) + ","
            + ChurnRisk.probabilityOfNoPurchase(model, c1, 13) + "," + spend.expectedAverageValue(c1) + "\n"
            + "c2,1.0," + model.expectedPurchases(c2, 39) + "," + ChurnRisk.probabilityOfNoPurchase(model, c2, 13)
            + "," + spend.populationMean() + "\n");
        assertThat(Double.parseDouble(result.out().split("\n")[1].split(",")[2])).isCloseTo(1.226, within(5e-4));
    }

    @Test
    void shouldLeaveOutSpendWithoutAnMColumn() throws IOException {
        final Path input = write("customers.csv", "T,t_x,x,id", "38.86,30.43,2,c1");

        final Result result = run("model", "score", "--bgnbd", CDNOW, "--gamma-gamma", "6.25,3.74,15.44",
            "--horizon", "39", "--input", input.toString());

        assertThat(result.exit()).isZero();
        assertThat(result.out()).startsWith("id,p_alive,expected_purchases,churn_risk\nc1,");
    }

    @Test
    void shouldFitTheCdnowSampleFromItsTransactionLog() throws IOException {
        final StringBuilder log = new StringBuilder("customer_id,date,amount\n");
        try (InputStream in = getClass().getResourceAsStream("/cdnow/CDNOW_sample.txt")) {
            for (final String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                final String[] fields = line.trim().split("\\s+");
                log.append(fields[1]).append(',').append(fields[2]).append(',').append(fields[4]).append('\n');
            }
        }
        final Path transactions = Files.writeString(dir.resolve("cdnow.csv"), log);
        final Result summary = run("model", "summarize", "--transactions", transactions.toString(),
            "--calibration-end", "1997-09-30", "--unit", "weeks");
        final Path summaries = Files.writeString(dir.resolve("summaries.csv"), summary.out());

        final Result fit = run("model", "fit", "--input", summaries.toString(), "--time-unit", "weeks");

        assertThat(fit.exit()).isZero();
        final JsonNode json = new ObjectMapper().readTree(fit.out());
        assertThat(json.path("bgnbd").path("r").asDouble()).isCloseTo(0.243, within(5e-4));
        assertThat(json.path("bgnbd").path("alpha").asDouble()).isCloseTo(4.414, within(5e-4));
        assertThat(json.path("bgnbd").path("a").asDouble()).isCloseTo(0.793, within(5e-4));
        assertThat(json.path("bgnbd").path("b").asDouble()).isCloseTo(2.426, within(5e-4));
        assertThat(json.path("bgnbd").path("log_likelihood").asDouble()).isCloseTo(-9582.4, within(0.05));
        assertThat(json.path("gamma_gamma").path("p").asDouble()).isCloseTo(6.25, within(5e-3));
        assertThat(json.path("gamma_gamma").path("q").asDouble()).isCloseTo(3.74, within(5e-3));
        assertThat(json.path("gamma_gamma").path("gamma").asDouble()).isCloseTo(15.44, within(5e-3));
        assertThat(fit.out().strip()).matches("\\{\"bgnbd\":\\{\"r\":[^,]+,\"alpha\":[^,]+,\"a\":[^,]+,\"b\":[^,]+,"
            + "\"log_likelihood\":[^}]+},\"gamma_gamma\":\\{\"p\":[^,]+,\"q\":[^,]+,\"gamma\":[^,]+,"
            + "\"log_likelihood\":[^}]+}}");
    }

    @Test
    void shouldReportAMissingColumnWithExitCodeTwo() throws IOException {
        final Path input = write("customers.csv", "id,x,T", "c1,2,38.86");

        final Result score = run("model", "score", "--bgnbd", CDNOW, "--horizon", "39", "--input", input.toString());
        final Result fit = run("model", "fit", "--input", input.toString());

        assertThat(score.exit()).isEqualTo(2);
        assertThat(score.out()).isEmpty();
        assertThat(score.err().strip()).isEqualTo("profilestream: " + input + ": missing column t_x in the header "
            + "'id,x,T'");
        assertThat(fit.exit()).isEqualTo(2);
        assertThat(fit.err()).contains("missing column t_x");
    }

    @Test
    void shouldReportMissingTransactionColumns() throws IOException {
        final Path log = write("log.csv", "customer,date", "a,2024-01-01");

        final Result result = run("model", "summarize", "--transactions", log.toString(),
            "--calibration-end", "2024-01-29");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err().strip()).isEqualTo("profilestream: " + log + ": missing columns amount, customer_id "
            + "in the header 'customer,date'");
    }

    @Test
    void shouldNameTheLineOfABadValue() throws IOException {
        final Path input = write("customers.csv", "id,x,t_x,T", "c1,2,30,38", "c2,two,1,5", "c3,1,9,5");
        final Path inconsistent = write("inconsistent.csv", "id,x,t_x,T", "c3,1,9,5");
        final Path log = write("log.csv", "customer_id,date,amount", "a,01/02/2024,5");

        final Result score = run("model", "score", "--bgnbd", CDNOW, "--horizon", "39", "--input", input.toString());
        final Result bad = run("model", "score", "--bgnbd", CDNOW, "--horizon", "39", "--input",
            inconsistent.toString());
        final Result summary = run("model", "summarize", "--transactions", log.toString(),
            "--calibration-end", "2024-01-29");

        assertThat(score.exit()).isEqualTo(2);
        assertThat(score.err().strip()).isEqualTo("profilestream: " + input + " line 3: x must be a number, was 'two'");
        assertThat(bad.err().strip()).isEqualTo("profilestream: " + inconsistent
            + " line 2: t_x (9.0) must not exceed T (5.0)");
        assertThat(summary.exit()).isEqualTo(2);
        assertThat(summary.err()).contains("line 2: date must be a date (yyyy-MM-dd or yyyyMMdd), was '01/02/2024'");
    }

    @Test
    void shouldRejectBadParametersAndFiles() throws IOException {
        final Path input = write("customers.csv", "id,x,t_x,T", "c1,2,30,38");

        final Result parameters = run("model", "score", "--bgnbd", "0.2,4,0.8", "--horizon", "39", "--input",
            input.toString());
        final Result negative = run("model", "score", "--bgnbd", "0.2,-4,0.8,2", "--horizon", "39", "--input",
            input.toString());
        final Result missing = run("model", "fit", "--input", dir.resolve("nope.csv").toString());
        final Result unit = run("model", "summarize", "--transactions", input.toString(), "--calibration-end",
            "2024-01-01", "--unit", "months");

        assertThat(parameters.exit()).isEqualTo(2);
        assertThat(parameters.err()).contains("--bgnbd needs 4 comma-separated numbers, got '0.2,4,0.8'");
        assertThat(negative.err()).contains("--bgnbd: every parameter must be finite and positive");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.csv: no such file");
        assertThat(unit.exit()).isEqualTo(2);
        assertThat(unit.err()).contains("Unknown time unit 'months': use days or weeks.");
    }

    @Test
    void shouldWarnWhenTooLittleDataPushesAnEstimateToABound() throws IOException {
        final Path input = write("customers.csv", "id,x,t_x,T", "a,1,7,30", "b,1,17,28", "c,0,0,6");

        final Result fit = run("model", "fit", "--input", input.toString());

        assertThat(fit.exit()).isZero();
        assertThat(fit.out()).startsWith("{\"bgnbd\":{");
        assertThat(fit.err()).contains("warning: a BG/NBD estimate lies on a bound of the search box");
    }

    @Test
    void shouldPublishOneRecordPerModelKeyedByName() {
        final MockProducer<String, ModelParameters> producer = new MockProducer<>(true, null,
            new StringSerializer(), (topic, value) -> new byte[0]);
        final BgNbdFit bgnbd = new BgNbdFit(new BgNbdParameters(0.243, 4.414, 0.793, 2.426), -9582.4, 2357, 100,
            false);
        final GammaGammaFit spend = new GammaGammaFit(new GammaGammaParameters(6.25, 3.74, 15.44), -4055.9, 946, 80,
            false);
        final Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

        ModelPublisher.publish(producer, "model-parameters",
            ModelPublisher.records(bgnbd, spend, ModelTimeUnit.WEEKS, clock));

        final List<ProducerRecord<String, ModelParameters>> sent = producer.history();
        assertThat(sent).extracting(ProducerRecord::key).containsExactly("bgnbd", "gamma-gamma");
        assertThat(sent).extracting(ProducerRecord::topic).containsOnly("model-parameters");
        final ModelParameters first = sent.get(0).value();
        assertThat(first.getParameters()).isEqualTo(Map.of("r", 0.243, "alpha", 4.414, "a", 0.793, "b", 2.426));
        assertThat(first.getTimeUnit()).isEqualTo("weeks");
        assertThat(first.getSampleSize()).isEqualTo(2357);
        assertThat(first.getFittedAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(BgNbdParameters.fromMap(first.getParameters())).isEqualTo(bgnbd.parameters());
        assertThat(GammaGammaParameters.fromMap(sent.get(1).value().getParameters())).isEqualTo(spend.parameters());
    }

    private Path write(final String name, final String... lines) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }

    private static Result run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final picocli.CommandLine cli = ProfileStreamCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        final int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private record Result(int exit, String out, String err) {
    }
}
