package io.profilestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.CustomerSummaries;
import io.profilestream.models.GammaGammaParameters;
import io.profilestream.models.ModelFitException;
import io.profilestream.models.ModelRefit;
import io.profilestream.query.ModelSummaries;

/**
 * The engine's fit ({@link ModelRefit}, on summaries gathered from several instances and merged as
 * {@link ModelSummaries.Split} merges them) against {@code model fit} on the same summaries, and the guardrails of the
 * scheduled refit.
 */
class EngineFitTest {

    private static final double TOLERANCE = 1e-3;

    @TempDir
    Path dir;

    @Test
    void shouldFitWhatModelFitFitsOnTheSameSummaries() throws Exception {
        final CustomerSummaries first = simulate(3_000, 30.0, 1);
        final CustomerSummaries second = simulate(2_000, 30.0, 2);
        final Path csv = dir.resolve("summaries.csv");
        final StringBuilder text = new StringBuilder("id,x,t_x,T,m\n");
        int id = 0;
        for (final CustomerSummaries part : new CustomerSummaries[] {first, second}) {
            for (int i = 0; i < part.size(); i++) {
                text.append(String.format(Locale.ROOT, "c%d,%d,%s,%s,%s%n", id++, part.x(i),
                    Double.toString(part.tx(i)), Double.toString(part.t(i)), Double.toString(part.m(i))));
            }
        }
        Files.writeString(csv, text);
        final StringWriter out = new StringWriter();
        final picocli.CommandLine cli = ProfileStreamCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        assertThat(cli.execute("model", "fit", "--input", csv.toString())).isZero();
        final JsonNode expected = new ObjectMapper().readTree(out.toString());

        // Two instances, each with a training and a held-out part, gathered as the fit endpoint gathers them.
        final ModelSummaries.Split gathered = new ModelSummaries.Split(first, CustomerSummaries.builder().build())
            .plus(new ModelSummaries.Split(CustomerSummaries.builder().build(), second));
        final ModelRefit.Outcome engine = ModelRefit.fit(gathered.all(), 1);

        assertThat(engine.bgNbd().publish()).isTrue();
        assertThat(engine.bgNbd().fit().customers()).isEqualTo(5_000);
        final BgNbdParameters b = engine.bgNbd().fit().parameters();
        final JsonNode eb = expected.get("bgnbd");
        assertThat(b.r()).isCloseTo(eb.get("r").asDouble(), within(TOLERANCE * eb.get("r").asDouble()));
        assertThat(b.alpha()).isCloseTo(eb.get("alpha").asDouble(), within(TOLERANCE * eb.get("alpha").asDouble()));
        assertThat(b.a()).isCloseTo(eb.get("a").asDouble(), within(TOLERANCE * eb.get("a").asDouble()));
        assertThat(b.b()).isCloseTo(eb.get("b").asDouble(), within(TOLERANCE * eb.get("b").asDouble()));
        assertThat(engine.bgNbd().fit().logLikelihood())
            .isCloseTo(eb.get("log_likelihood").asDouble(), within(1e-6 * Math.abs(eb.get("log_likelihood").asDouble())));
        final GammaGammaParameters g = engine.gammaGamma().fit().parameters();
        final JsonNode eg = expected.get("gamma_gamma");
        assertThat(g.p()).isCloseTo(eg.get("p").asDouble(), within(TOLERANCE * eg.get("p").asDouble()));
        assertThat(g.q()).isCloseTo(eg.get("q").asDouble(), within(TOLERANCE * eg.get("q").asDouble()));
        assertThat(g.gamma()).isCloseTo(eg.get("gamma").asDouble(), within(TOLERANCE * eg.get("gamma").asDouble()));
    }

    @Test
    void shouldRefuseTooFewCustomersAndKeepParametersThatDoBetterOnTheHeldOutSlice() {
        final CustomerSummaries holdout = simulate(1_000, 30.0, 3);
        assertThatThrownBy(() -> ModelRefit.refit(simulate(50, 30.0, 4), holdout,
            new BgNbdParameters(1, 30, 1, 3), null, 100)).isInstanceOf(ModelFitException.class)
            .hasMessageContaining("at least 100");

        // The parameters in use describe the held-out customers; a fit on customers who buy ten times as often does not.
        final ModelRefit.Outcome faster = ModelRefit.refit(simulate(2_000, 3.0, 5), holdout,
            ModelRefit.fit(holdout, 1).bgNbd().fit().parameters(), null, 100);
        assertThat(faster.bgNbd().publish()).isFalse();
        assertThat(faster.bgNbd().reason()).contains("held-out");

        // A fit on customers like the held-out ones does at least as well as the CDNOW defaults and is published.
        final ModelRefit.Outcome alike = ModelRefit.refit(simulate(4_000, 30.0, 6), holdout,
            new BgNbdParameters(0.243, 30.898, 0.793, 2.426), new GammaGammaParameters(6.25, 3.74, 1544), 100);
        assertThat(alike.bgNbd().publish()).isTrue();
        assertThat(alike.gammaGamma().publish()).isTrue();
    }

    /** Customers of a BG/NBD population (r = 1, the given alpha in days, a = 1, b = 3) observed in whole days. */
    private static CustomerSummaries simulate(final int customers, final double alpha, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final CustomerSummaries.Builder data = CustomerSummaries.builder();
        for (int i = 0; i < customers; i++) {
            final int t = 30 + random.nextInt(300);
            final double lambda = -Math.log(1 - random.nextDouble()) / alpha;
            final double p = Math.min(0.99, Math.max(0.01, random.nextDouble() * 0.5));
            int x = 0;
            double time = 0;
            double last = 0;
            while (true) {
                time += -Math.log(1 - random.nextDouble()) / lambda;
                if (time > t) {
                    break;
                }
                x++;
                last = Math.floor(time);
                if (random.nextDouble() < p) {
                    break;
                }
            }
            final double m = x == 0 ? 0 : 2_000 + Math.floor(random.nextDouble() * 6_000);
            data.add(x, x == 0 ? 0 : last, t, m);
        }
        return data.build();
    }
}
