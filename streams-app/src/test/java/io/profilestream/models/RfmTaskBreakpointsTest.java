package io.profilestream.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * Measures what per-task RFM breakpoints cost (docs/models.md, "RFM breakpoints per task"): a seeded population of
 * buyers is spread over six tasks by the engine's partitioner (murmur2 of the customer id), each task freezes its own
 * {@link RfmSketch} as {@code ScoringModels.refreshRfm} does, and every customer's R, F and M quintiles are compared
 * with those of breakpoints from the whole population.
 * The figures are printed (to {@code target/surefire-reports/...RfmTaskBreakpointsTest-output.txt}); the assertions
 * only check that the error shrinks as tasks grow and stays within what sampling and sketch error allow.
 */
class RfmTaskBreakpointsTest {

    private static final int TASKS = 6;
    /** The engine's default {@code model.rfm.min.population}. */
    private static final long MIN_POPULATION = 100;
    /** KLL's normalised rank error at 99 % confidence with k = 200. */
    private static final double SKETCH_RANK_ERROR = 0.013;

    @Test
    void shouldMeasureHowOftenPerTaskBreakpointsScoreACustomerDifferentlyFromClusterWideOnes() {
        final int[] sizes = {1_000, 10_000, 100_000};
        final List<Measure> measures = new ArrayList<>();
        for (final int perTask : sizes) {
            measures.add(measure(perTask, 42L + perTask));
        }
        System.out.println("RFM: customers scored differently by per-task breakpoints than by cluster-wide ones,"
            + " " + TASKS + " tasks");
        System.out.println("customers per task | R      | F      | M      | RFM score | sampling rank error per cut"
            + " | RFM score, cluster-wide sketch vs exact quintiles");
        for (final Measure m : measures) {
            System.out.println(String.format(Locale.ROOT,
                "%,18d | %5.2f%% | %5.2f%% | %5.2f%% | %8.2f%% | %26.2f%% | %.2f%%", m.perTask, 100 * m.recency,
                100 * m.frequency, 100 * m.monetary, 100 * m.any, 100 * Math.sqrt(0.2 * 0.8 / m.perTask),
                100 * m.sketchVsExact));
        }

        final Measure small = measures.get(0);
        final Measure large = measures.get(measures.size() - 1);
        assertThat(large.any).as("larger tasks are closer to the cluster").isLessThan(small.any);
        assertThat(large.recency).isLessThan(small.recency);
        assertThat(large.monetary).isLessThan(small.monetary);
        for (final Measure m : measures) {
            // Four cuts, each off by at most three standard errors of sampling plus the error of two sketches; a
            // customer moves only when its value lies between a task's cut and the cluster's.
            final double bound = 4 * (3 * Math.sqrt(0.2 * 0.8 / m.perTask) + 2 * SKETCH_RANK_ERROR);
            assertThat(m.recency).as("recency at %d per task", m.perTask).isGreaterThan(0).isLessThan(bound);
            assertThat(m.monetary).as("monetary at %d per task", m.perTask).isGreaterThan(0).isLessThan(bound);
            assertThat(m.moreThanOneFifth).as("customers moved by more than one fifth").isZero();
            assertThat(m.any).isLessThanOrEqualTo(m.recency + m.frequency + m.monetary)
                .isGreaterThanOrEqualTo(Math.max(m.recency, Math.max(m.frequency, m.monetary)));
        }
    }

    /** One population of about {@code perTask} buyers per task, scored both ways. */
    private static Measure measure(final int perTask, final long seed) {
        final Buyer[] buyers = population(perTask * TASKS, new SplittableRandom(seed));
        final RfmSketch[] taskSketches = new RfmSketch[TASKS];
        for (int t = 0; t < TASKS; t++) {
            taskSketches[t] = new RfmSketch();
        }
        final RfmSketch cluster = new RfmSketch();
        for (final Buyer buyer : buyers) {
            taskSketches[buyer.task].update(buyer.recencyDays, buyer.orders, buyer.revenueMinor);
            cluster.update(buyer.recencyDays, buyer.orders, buyer.revenueMinor);
        }
        final RfmBreakpoints whole = cluster.freeze(MIN_POPULATION, RfmBreakpoints.DEFAULT_FIXED);
        final RfmBreakpoints[] tasks = new RfmBreakpoints[TASKS];
        for (int t = 0; t < TASKS; t++) {
            tasks[t] = taskSketches[t].freeze(MIN_POPULATION, RfmBreakpoints.DEFAULT_FIXED);
            assertThat(tasks[t].population()).as("task %d uses its own quintiles", t).isPositive();
        }
        final RfmBreakpoints exact = exactQuintiles(buyers);
        long recency = 0;
        long frequency = 0;
        long monetary = 0;
        long any = 0;
        long sketchVsExact = 0;
        long farther = 0;
        for (final Buyer buyer : buyers) {
            final RfmScore local = tasks[buyer.task].score(buyer.recencyDays, buyer.orders, buyer.revenueMinor);
            final RfmScore global = whole.score(buyer.recencyDays, buyer.orders, buyer.revenueMinor);
            recency += local.recency() != global.recency() ? 1 : 0;
            frequency += local.frequency() != global.frequency() ? 1 : 0;
            monetary += local.monetary() != global.monetary() ? 1 : 0;
            any += local.equals(global) ? 0 : 1;
            farther += Math.abs(local.recency() - global.recency()) > 1
                || Math.abs(local.frequency() - global.frequency()) > 1
                || Math.abs(local.monetary() - global.monetary()) > 1 ? 1 : 0;
            sketchVsExact += global.equals(exact.score(buyer.recencyDays, buyer.orders, buyer.revenueMinor)) ? 0 : 1;
        }
        final double n = buyers.length;
        return new Measure(perTask, recency / n, frequency / n, monetary / n, any / n, sketchVsExact / n, farther);
    }

    /** The population's quintiles without a sketch: the smallest value with at least q of the values at or below. */
    private static RfmBreakpoints exactQuintiles(final Buyer[] buyers) {
        final double[] r = new double[buyers.length];
        final double[] f = new double[buyers.length];
        final double[] m = new double[buyers.length];
        for (int i = 0; i < buyers.length; i++) {
            r[i] = buyers[i].recencyDays;
            f[i] = buyers[i].orders;
            m[i] = buyers[i].revenueMinor;
        }
        return new RfmBreakpoints(quintiles(r), quintiles(f), quintiles(m), buyers.length);
    }

    private static double[] quintiles(final double[] values) {
        Arrays.sort(values);
        final double[] cuts = new double[4];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = values[(int) Math.ceil(0.2 * (i + 1) * values.length) - 1];
        }
        return cuts;
    }

    /**
     * Buyers as the engine sees them at one moment: days since the last purchase, orders and revenue in minor units.
     * Purchase rates are Gamma across customers (many one-time buyers, a long tail of frequent ones), tenures up to two
     * years, order values Gamma-Gamma.
     */
    private static Buyer[] population(final int customers, final SplittableRandom random) {
        final Buyer[] buyers = new Buyer[customers];
        for (int i = 0; i < customers; i++) {
            final String id = "customer-" + i;
            final double tenureDays = 1 + 729 * random.nextDouble();
            final double ratePerDay = Sampling.gamma(random, 0.9, 40.0);
            int repeats = 0;
            for (double time = exponential(random, ratePerDay); time < tenureDays;
                 time += exponential(random, ratePerDay)) {
                repeats++;
            }
            // The last of the repeat purchases, uniform over the tenure, is the latest of them.
            final double recencyDays = repeats == 0
                ? tenureDays
                : tenureDays * (1 - Math.pow(random.nextDouble(), 1.0 / repeats));
            final double nu = Sampling.gamma(random, 4.0, 15_000.0);
            long revenue = 0;
            for (int order = 0; order <= repeats; order++) {
                revenue += Math.round(Sampling.gamma(random, 3.0, nu));
            }
            buyers[i] = new Buyer(taskOf(id), recencyDays, repeats + 1, revenue);
        }
        return buyers;
    }

    /** The task that owns a customer: Kafka's default partitioner on the UTF-8 key, one task per partition. */
    private static int taskOf(final String customerId) {
        return Utils.toPositive(Utils.murmur2(customerId.getBytes(StandardCharsets.UTF_8))) % TASKS;
    }

    private static double exponential(final SplittableRandom random, final double rate) {
        return -Math.log(1 - random.nextDouble()) / rate;
    }

    private record Buyer(int task, double recencyDays, int orders, long revenueMinor) {
    }

    private record Measure(int perTask, double recency, double frequency, double monetary, double any,
                           double sketchVsExact, long moreThanOneFifth) {
    }
}
