package io.profilestream.loadtest.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * {@code report.md} with PNG charts: throughput bars, latency percentiles (with the bench's commit interval and with
 * the engine's default) and the calibration plot; tables of every section, serving included.
 */
final class Report {

    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;
    private static final List<String> THROUGHPUT = List.of("raw_consumer", "baseline_streams_alos",
        "baseline_streams_eos", "engine_alos", "engine_eos");
    private static final List<String> PERCENTILES = List.of("p50_ms", "p95_ms", "p99_ms", "max_ms");

    private Report() {
    }

    /**
     * Writes {@code report.md} with a section for every part that ran, and {@code throughput.png},
     * {@code latency.png} and {@code calibration.png} when their parts ran.
     */
    static void write(final Path out, final Map<String, Double> results, final Accuracy.Result accuracy)
        throws IOException {
        final List<Accuracy.Bin> bins = accuracy == null ? List.of() : accuracy.bins();
        System.setProperty("java.awt.headless", "true");
        final StringBuilder md = new StringBuilder("# ProfileStream bench\n\n");
        md.append(String.format(Locale.ROOT, "%,.0f events of %,.0f customers, %.0f partitions.%n%n",
            results.getOrDefault("input.events", 0.0), results.get("input.customers"),
            results.get("input.partitions")));
        md.append("## Throughput\n\n");
        if (results.containsKey("throughput.baseline_streams_eos")) {
            throughputChart(results, out.resolve("throughput.png"));
            md.append("![throughput](throughput.png)\n\n");
        }
        md.append(table(results, "throughput."));
        if (has(results, "latency.")) {
            latencyChart(results, out.resolve("latency.png"));
            md.append("\n## Latency\n\n![latency](latency.png)\n\n").append(table(results, "latency."));
        }
        if (has(results, "latency_engine_defaults.")) {
            md.append("\n## Latency with the engine's default commit interval\n\n")
                .append(table(results, "latency_engine_defaults."));
        }
        md.append("\n## Serving\n\n").append(table(results, "serving."))
            .append("\n## Resources\n\n").append(table(results, "resources."));
        if (has(results, "accuracy.")) {
            calibrationChart(bins, out.resolve("calibration.png"));
            reliabilityChart(accuracy.reliability(), out.resolve("reliability.png"));
            md.append("\n## Accuracy\n\n![calibration](calibration.png)\n\n![reliability](reliability.png)\n\n")
                .append(table(results, "accuracy."))
                .append("\n| calibration repeat purchases | customers | predicted holdout | actual holdout |\n")
                .append("|---|---|---|---|\n");
            for (final Accuracy.Bin bin : bins) {
                md.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f |%n",
                    bin.x() == Accuracy.LAST_BIN ? bin.x() + "+" : Integer.toString(bin.x()), bin.customers(),
                    bin.predicted(), bin.actual()));
            }
        }
        Files.writeString(out.resolve("report.md"), md.toString(), StandardCharsets.UTF_8);
    }

    private static boolean has(final Map<String, Double> results, final String prefix) {
        return results.keySet().stream().anyMatch(key -> key.startsWith(prefix));
    }

    private static String table(final Map<String, Double> results, final String prefix) {
        final StringBuilder md = new StringBuilder("| key | value |\n|---|---|\n");
        results.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                md.append(String.format(Locale.ROOT, "| %s | %,.3f |%n", key, value));
            }
        });
        return md.toString();
    }

    private static void throughputChart(final Map<String, Double> results, final Path file) throws IOException {
        final CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
            .title("Throughput").xAxisTitle("run").yAxisTitle("events/s (log scale)").build();
        // The runs differ by orders of magnitude: on a linear axis the engine's bars would be invisible.
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(1.0);
        chart.getStyler().setYAxisDecimalPattern("#,##0");
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setXAxisLabelRotation(15);
        final List<String> names = new ArrayList<>();
        final List<Double> values = new ArrayList<>();
        for (final String name : THROUGHPUT) {
            names.add(name);
            values.add(Math.max(1, orZero(results.get("throughput." + name))));
        }
        chart.addSeries("events/s", names, values);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void latencyChart(final Map<String, Double> results, final Path file) throws IOException {
        final CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
            .title("Latency from event to output").xAxisTitle("percentile").yAxisTitle("ms").build();
        for (final String rate : List.of("at_20pct", "at_50pct")) {
            for (final String output : List.of("profile_update", "segment_change")) {
                final List<Double> values = new ArrayList<>();
                for (final String percentile : PERCENTILES) {
                    values.add(orZero(results.get("latency." + rate + "." + output + "." + percentile)));
                }
                chart.addSeries(output + " " + rate, PERCENTILES, values);
            }
        }
        for (final String output : List.of("profile_update", "segment_change")) {
            final List<Double> values = new ArrayList<>();
            for (final String percentile : PERCENTILES) {
                values.add(orZero(results.get("latency_engine_defaults." + output + "." + percentile)));
            }
            chart.addSeries(output + " engine defaults", PERCENTILES, values);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Predicted churn risk against the observed share without a purchase, by decile, and the diagonal. */
    private static void reliabilityChart(final List<Accuracy.Reliability> deciles, final Path file)
        throws IOException {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
            .title("Churn risk reliability by decile").xAxisTitle("predicted churn risk (mean of the decile)")
            .yAxisTitle("observed share with no purchase in the horizon").build();
        final List<Double> predicted = new ArrayList<>();
        final List<Double> observed = new ArrayList<>();
        for (final Accuracy.Reliability decile : deciles) {
            predicted.add(decile.predicted());
            observed.add(decile.observed());
        }
        if (predicted.isEmpty()) {
            predicted.add(0.0);
            observed.add(0.0);
        }
        chart.addSeries("deciles", predicted, observed);
        chart.addSeries("perfect calibration", List.of(0.0, 1.0), List.of(0.0, 1.0));
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void calibrationChart(final List<Accuracy.Bin> bins, final Path file) throws IOException {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
            .title("Holdout purchases by calibration frequency").xAxisTitle("repeat purchases in calibration")
            .yAxisTitle("mean holdout purchases").build();
        final List<Integer> x = new ArrayList<>();
        final List<Double> predicted = new ArrayList<>();
        final List<Double> actual = new ArrayList<>();
        for (final Accuracy.Bin bin : bins) {
            x.add(bin.x());
            predicted.add(bin.predicted());
            actual.add(bin.actual());
        }
        if (x.isEmpty()) {
            x.add(0);
            predicted.add(0.0);
            actual.add(0.0);
        }
        chart.addSeries("predicted (BG/NBD)", x, predicted);
        chart.addSeries("actual (truth)", x, actual);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static double orZero(final Double value) {
        return value == null || !Double.isFinite(value) ? 0 : value;
    }
}
