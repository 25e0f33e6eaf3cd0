package io.profilestream.loadtest;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;

import io.profilestream.models.BgNbd;
import io.profilestream.models.BgNbdFit;
import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.ChurnRisk;
import io.profilestream.models.Clv;
import io.profilestream.models.ClvSettings;
import io.profilestream.models.CustomerSummaries;
import io.profilestream.models.CustomerSummary;
import io.profilestream.models.FitOptions;
import io.profilestream.models.GammaGamma;
import io.profilestream.models.GammaGammaFit;
import io.profilestream.models.GammaGammaParameters;
import io.profilestream.models.ModelTimeUnit;

/**
 * Benchmark of the customer-value models (a program, not a test): fits BG/NBD and Gamma-Gamma on synthetic
 * customers drawn from known parameters and prints the time taken and the parameters recovered, then the cost of
 * scoring one profile, each next to a baseline measured in the same run.
 *
 * <pre>java -cp load-test/target/profilestream-load-test.jar io.profilestream.loadtest.ModelBenchmark [customers]</pre>
 */
public final class ModelBenchmark {

    /** True BG/NBD parameters, in days: about one purchase every two months while alive. */
    static final BgNbdParameters TRUE_BGNBD = new BgNbdParameters(0.5, 30.0, 0.8, 3.0);
    /** True Gamma-Gamma parameters, in currency units. */
    static final GammaGammaParameters TRUE_SPEND = new GammaGammaParameters(6.0, 4.0, 15.0);
    private static final double OBSERVATION_DAYS = 365.0;
    private static final int SCORED = 100_000;
    private static final int ROUNDS = 7;

    private ModelBenchmark() {
    }

    public static void main(final String[] args) {
        final int customers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        System.out.printf(Locale.ROOT, "Model benchmark: %,d customers, Java %s, %d processors, %s %s%n", customers,
            System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
            System.getProperty("os.name"), System.getProperty("os.arch"));

        long start = System.nanoTime();
        final CustomerSummaries data = generate(customers, new SplittableRandom(2024));
        System.out.printf(Locale.ROOT, "Generated in %.1f s (first purchases spread over %s days, continuous times)%n",
            seconds(start), (int) OBSERVATION_DAYS);

        // Warm-up: a fit on a small sample, so the timed fits run compiled code.
        BgNbd.fit(generate(20_000, new SplittableRandom(1)));

        System.out.println();
        System.out.println("Log-likelihood of all customers, one evaluation:");
        final double[] naive = time(3, () -> {
            double sum = 0;
            for (int i = 0; i < data.size(); i++) {
                sum += BgNbd.logLikelihood(TRUE_BGNBD, data.x(i), data.tx(i), data.t(i));
            }
            return sum;
        });
        final double[] fast = time(5, () -> BgNbd.logLikelihood(TRUE_BGNBD, data));
        System.out.printf(Locale.ROOT, "  baseline, customer by customer:          %8.1f ms%n", median(naive) / 1e6);
        System.out.printf(Locale.ROOT, "  fit evaluator (Gamma terms per distinct x): %6.1f ms%n", median(fast) / 1e6);

        System.out.println();
        start = System.nanoTime();
        final BgNbdFit bgnbd = BgNbd.fit(data, FitOptions.DEFAULTS);
        final double bgnbdSeconds = seconds(start);
        System.out.printf(Locale.ROOT, "BG/NBD fit: %.1f s, %d evaluations, log-likelihood %.2f%n", bgnbdSeconds,
            bgnbd.evaluations(), bgnbd.logLikelihood());
        row("r", TRUE_BGNBD.r(), bgnbd.parameters().r());
        row("alpha", TRUE_BGNBD.alpha(), bgnbd.parameters().alpha());
        row("a", TRUE_BGNBD.a(), bgnbd.parameters().a());
        row("b", TRUE_BGNBD.b(), bgnbd.parameters().b());

        start = System.nanoTime();
        final GammaGammaFit spend = GammaGamma.fit(data, FitOptions.DEFAULTS);
        System.out.printf(Locale.ROOT, "Gamma-Gamma fit: %.1f s on %,d repeat customers, %d evaluations%n",
            seconds(start), spend.customers(), spend.evaluations());
        row("p", TRUE_SPEND.p(), spend.parameters().p());
        row("q", TRUE_SPEND.q(), spend.parameters().q());
        row("gamma", TRUE_SPEND.gamma(), spend.parameters().gamma());

        System.out.println();
        System.out.printf(Locale.ROOT, "Scoring one profile (%,d profiles, median of %d rounds after warm-up):%n",
            SCORED, ROUNDS);
        final BgNbd model = new BgNbd(TRUE_BGNBD);
        final GammaGamma spendModel = new GammaGamma(TRUE_SPEND);
        final ClvSettings clv = ClvSettings.defaults(ModelTimeUnit.DAYS);
        final CustomerSummary[] profiles = new CustomerSummary[SCORED];
        for (int i = 0; i < SCORED; i++) {
            profiles[i] = data.get((int) ((long) i * data.size() / SCORED));
        }
        score("baseline: summary from purchase days", profiles, c -> CustomerSummary.fromDayCounts(c.x() + 1, 0,
            c.tx(), c.t(), ModelTimeUnit.DAYS, c.m()).t());
        score("P(alive)", profiles, model::probabilityAlive);
        score("expected purchases, 90 days", profiles, c -> model.expectedPurchases(c, 90));
        score("expected purchases, 365 days", profiles, c -> model.expectedPurchases(c, 365));
        score("churn risk, 30 days", profiles, c -> ChurnRisk.probabilityOfNoPurchase(model, c, 30));
        score("expected order value", profiles, spendModel::expectedAverageValue);
        score("CLV, 12 monthly periods", profiles,
            c -> Clv.value(model, c, spendModel.expectedAverageValue(c), clv));
        score("all scores of one profile", profiles, c -> model.probabilityAlive(c)
            + model.expectedPurchases(c, 90) + ChurnRisk.probabilityOfNoPurchase(model, c, 30)
            + Clv.value(model, c, spendModel.expectedAverageValue(c), clv));
    }

    /** Customers drawn from the BG/NBD and Gamma-Gamma models, observed up to day 365. */
    static CustomerSummaries generate(final int customers, final SplittableRandom random) {
        final CustomerSummaries.Builder builder = CustomerSummaries.builder();
        for (int i = 0; i < customers; i++) {
            final double first = random.nextDouble() * OBSERVATION_DAYS;
            final double t = OBSERVATION_DAYS - first;
            final double lambda = Sampling.gamma(random, TRUE_BGNBD.r(), 1.0 / TRUE_BGNBD.alpha());
            final double p = Sampling.beta(random, TRUE_BGNBD.a(), TRUE_BGNBD.b());
            int x = 0;
            double time = 0;
            double last = 0;
            while (true) {
                time += -Math.log(1.0 - random.nextDouble()) / lambda;
                if (time > t) {
                    break;
                }
                x++;
                last = time;
                if (random.nextDouble() < p) {
                    break;
                }
            }
            double m = 0;
            if (x > 0) {
                final double nu = Sampling.gamma(random, TRUE_SPEND.q(), 1.0 / TRUE_SPEND.gamma());
                double total = 0;
                for (int j = 0; j < x; j++) {
                    total += Sampling.gamma(random, TRUE_SPEND.p(), 1.0 / nu);
                }
                m = total / x;
            }
            builder.add(x, last, t, m);
        }
        return builder.build();
    }

    private static void score(final String name,
                              final CustomerSummary[] profiles,
                              final ToDoubleFunction<CustomerSummary> function) {
        final double[] rounds = time(ROUNDS + 3, () -> {
            double sum = 0;
            for (final CustomerSummary profile : profiles) {
                sum += function.applyAsDouble(profile);
            }
            return sum;
        });
        final double[] timed = Arrays.copyOfRange(rounds, 3, rounds.length);
        System.out.printf(Locale.ROOT, "  %-38s %10.0f ns%n", name, median(timed) / profiles.length);
    }

    private static double[] time(final int rounds, final DoubleSupplier work) {
        final double[] nanos = new double[rounds];
        double sink = 0;
        for (int i = 0; i < rounds; i++) {
            final long start = System.nanoTime();
            sink += work.getAsDouble();
            nanos[i] = System.nanoTime() - start;
        }
        if (Double.isNaN(sink)) {
            System.out.println("(a result was NaN)");
        }
        return nanos;
    }

    private static double median(final double[] values) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void row(final String name, final double truth, final double estimate) {
        System.out.printf(Locale.ROOT, "  %-6s true %10.4f  recovered %10.4f  (%+.2f %%)%n", name, truth, estimate,
            100 * (estimate - truth) / truth);
    }

    private static double seconds(final long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
