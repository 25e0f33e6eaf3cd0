package io.profilestream.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

import io.profilestream.profile.CustomerProfile;
import io.profilestream.topology.SegmentMembers;

/**
 * The figures of a segment summary over some of its members (one instance's), in a form that merges with the parts
 * of other instances into the summary of the whole cluster ({@code GET /api/v1/segments/{id}/summary}).
 * CLV quantiles are exact while the cluster's parts each hold at most {@value #EXACT_VALUES} values (linear
 * interpolation between order statistics, like numpy's default), and from a merged KLL sketch (rank error about
 * 1.3 %) beyond.
 * The holdout comparison takes each member's orders and revenue since it entered: the orders and revenue now minus
 * those recorded at entry in the members index.
 */
public final class SummaryPart {

    /** The most CLV values one part carries as they are; a larger part carries a sketch. */
    static final int EXACT_VALUES = 10_000;
    private static final int SKETCH_K = 200;
    private static final int TOP_CATEGORIES = 5;
    private static final double Z_95 = 1.959964;
    private static final double MILLIS_PER_DAY = 86_400_000.0;

    private long size;
    private final List<Double> clv = new ArrayList<>();
    private KllDoublesSketch clvSketch;
    private double clvSum;
    private long clvCount;
    private double churnSum;
    private long churnCount;
    private final Map<String, Long> lifecycle = new TreeMap<>();
    private final Map<String, long[]> categories = new TreeMap<>();
    private final Map<String, Long> countries = new TreeMap<>();
    private final Group treated = new Group();
    private final Group holdout = new Group();

    /** Adds one member. */
    public void add(final CustomerProfile profile,
                    final SegmentMembers.Entry entry,
                    final boolean heldOut,
                    final Instant now) {
        size++;
        final Double value = profile.getScores().getClv();
        if (value != null && Double.isFinite(value)) {
            clvSum += value;
            clvCount++;
            if (clvSketch == null) {
                clv.add(value);
                if (clv.size() > EXACT_VALUES) {
                    clvSketch = KllDoublesSketch.newHeapInstance(SKETCH_K);
                    clv.forEach(clvSketch::update);
                    clv.clear();
                }
            } else {
                clvSketch.update(value);
            }
        }
        final Double churn = profile.getScores().getChurnRisk();
        if (churn != null) {
            churnSum += churn;
            churnCount++;
        }
        lifecycle.merge(profile.getLifecycleStage() == null ? "UNKNOWN" : profile.getLifecycleStage().name(), 1L,
            Long::sum);
        profile.getTransactions().getCategorySpendMinor().forEach((category, spend) -> {
            final long[] figures = categories.computeIfAbsent(category, key -> new long[2]);
            figures[0]++;
            figures[1] += spend;
        });
        final String country = profile.getDemographics().getCountry();
        countries.merge(country == null ? "unknown" : country, 1L, Long::sum);
        if (entry != null) {
            (heldOut ? holdout : treated).add(
                profile.getTransactions().getOrders() - entry.orders(),
                profile.getTransactions().getRevenueMinor() - entry.revenueMinor(),
                Math.max(0, now.toEpochMilli() - entry.enteredAtMs()) / MILLIS_PER_DAY);
        } else {
            (heldOut ? holdout : treated).unknown++;
        }
    }

    /** This part as JSON, for the instance that merges. */
    public ObjectNode toJson() {
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("size", size);
        if (clvSketch != null) {
            node.put("clvSketch", Base64.getEncoder().encodeToString(clvSketch.toByteArray()));
        } else {
            clv.forEach(node.putArray("clvValues")::add);
        }
        node.put("clvSum", clvSum);
        node.put("clvCount", clvCount);
        node.put("churnRiskSum", churnSum);
        node.put("churnRiskCount", churnCount);
        final ObjectNode stages = node.putObject("lifecycle");
        lifecycle.forEach(stages::put);
        final ObjectNode cats = node.putObject("categories");
        categories.forEach((category, figures) -> {
            final ArrayNode pair = cats.putArray(category);
            pair.add(figures[0]).add(figures[1]);
        });
        final ObjectNode where = node.putObject("countries");
        countries.forEach(where::put);
        node.set("treated", treated.toJson());
        node.set("holdout", holdout.toJson());
        return node;
    }

    /** Reads a part another instance sent. */
    public static SummaryPart fromJson(final JsonNode node) {
        final SummaryPart part = new SummaryPart();
        part.size = node.path("size").asLong();
        if (node.hasNonNull("clvSketch")) {
            part.clvSketch = KllDoublesSketch.heapify(Memory.wrap(Base64.getDecoder()
                .decode(node.path("clvSketch").asText())));
        } else {
            node.path("clvValues").forEach(value -> part.clv.add(value.asDouble()));
        }
        part.clvSum = node.path("clvSum").asDouble();
        part.clvCount = node.path("clvCount").asLong();
        part.churnSum = node.path("churnRiskSum").asDouble();
        part.churnCount = node.path("churnRiskCount").asLong();
        node.path("lifecycle").fields().forEachRemaining(e -> part.lifecycle.put(e.getKey(), e.getValue().asLong()));
        node.path("categories").fields().forEachRemaining(e -> part.categories.put(e.getKey(),
            new long[] {e.getValue().path(0).asLong(), e.getValue().path(1).asLong()}));
        node.path("countries").fields().forEachRemaining(e -> part.countries.put(e.getKey(), e.getValue().asLong()));
        part.treated.read(node.path("treated"));
        part.holdout.read(node.path("holdout"));
        return part;
    }

    /** Adds another part into this one. */
    public SummaryPart merge(final SummaryPart other) {
        size += other.size;
        if (clvSketch == null && other.clvSketch == null) {
            clv.addAll(other.clv);
        } else {
            if (clvSketch == null) {
                clvSketch = KllDoublesSketch.newHeapInstance(SKETCH_K);
                clv.forEach(clvSketch::update);
                clv.clear();
            }
            if (other.clvSketch != null) {
                clvSketch.merge(other.clvSketch);
            }
            other.clv.forEach(clvSketch::update);
        }
        clvSum += other.clvSum;
        clvCount += other.clvCount;
        churnSum += other.churnSum;
        churnCount += other.churnCount;
        other.lifecycle.forEach((stage, count) -> lifecycle.merge(stage, count, Long::sum));
        other.categories.forEach((category, figures) -> {
            final long[] mine = categories.computeIfAbsent(category, key -> new long[2]);
            mine[0] += figures[0];
            mine[1] += figures[1];
        });
        other.countries.forEach((country, count) -> countries.merge(country, count, Long::sum));
        treated.merge(other.treated);
        holdout.merge(other.holdout);
        return this;
    }

    /** The number of members counted. */
    public long size() {
        return size;
    }

    /** The mean CLV, or null when no member has one. */
    public Double clvMean() {
        return clvCount == 0 ? null : clvSum / clvCount;
    }

    /**
     * The summary's figures, as the HTTP contract shows them (without {@code trend}, which the caller adds).
     *
     * @param holdoutPercent the definition's holdout share
     */
    public ObjectNode answer(final double holdoutPercent) {
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("size", size);
        final ObjectNode value = node.putObject("clv");
        value.put("mean", clvMean());
        value.put("p50", quantile(0.5));
        value.put("p90", quantile(0.9));
        node.putObject("churnRisk").put("mean", churnCount == 0 ? null : churnSum / churnCount);
        final ObjectNode stages = node.putObject("lifecycle");
        lifecycle.forEach(stages::put);
        final ArrayNode top = node.putArray("topCategories");
        categories.entrySet().stream()
            .sorted(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0])
                .thenComparingLong(e -> -e.getValue()[1]).thenComparing(Map.Entry::getKey))
            .limit(TOP_CATEGORIES)
            .forEach(e -> top.addObject().put("category", e.getKey()).put("members", e.getValue()[0])
                .put("spendMinor", e.getValue()[1]));
        final ObjectNode where = node.putObject("countries");
        countries.forEach(where::put);
        final ObjectNode comparison = node.putObject("holdout");
        comparison.put("percent", holdoutPercent);
        comparison.set("treated", treated.answer());
        comparison.set("holdout", holdout.answer());
        comparison.set("difference", difference());
        return node;
    }

    private Double quantile(final double rank) {
        if (clvSketch != null) {
            return clvSketch.isEmpty() ? null : clvSketch.getQuantile(rank, QuantileSearchCriteria.INCLUSIVE);
        }
        if (clv.isEmpty()) {
            return null;
        }
        final double[] sorted = clv.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        final double position = rank * (sorted.length - 1);
        final int below = (int) Math.floor(position);
        final int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }

    /** Treated minus holdout, per member, with 95 % confidence intervals (Welch, normal approximation). */
    private ObjectNode difference() {
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("confidence", 0.95);
        node.set("ordersPerMember", interval(treated.orders, holdout.orders));
        node.set("revenueMinorPerMember", interval(treated.revenue, holdout.revenue));
        return node;
    }

    private static ObjectNode interval(final Moments a, final Moments b) {
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (a.n < 2 || b.n < 2) {
            node.putNull("estimate");
            node.putNull("low");
            node.putNull("high");
            return node;
        }
        final double estimate = a.mean() - b.mean();
        final double error = Z_95 * Math.sqrt(a.variance() / a.n + b.variance() / b.n);
        node.put("estimate", estimate);
        node.put("low", estimate - error);
        node.put("high", estimate + error);
        return node;
    }

    /** One group's figures since entry. */
    private static final class Group {
        private final Moments orders = new Moments();
        private final Moments revenue = new Moments();
        private double days;
        private long unknown;

        void add(final long ordersSince, final long revenueSince, final double daysSince) {
            orders.add(ordersSince);
            revenue.add(revenueSince);
            days += daysSince;
        }

        void merge(final Group other) {
            orders.merge(other.orders);
            revenue.merge(other.revenue);
            days += other.days;
            unknown += other.unknown;
        }

        ObjectNode toJson() {
            final ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.set("orders", orders.toJson());
            node.set("revenue", revenue.toJson());
            node.put("days", days);
            node.put("unknown", unknown);
            return node;
        }

        void read(final JsonNode node) {
            orders.read(node.path("orders"));
            revenue.read(node.path("revenue"));
            days = node.path("days").asDouble();
            unknown = node.path("unknown").asLong();
        }

        ObjectNode answer() {
            final ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("members", orders.n + unknown);
            node.put("measured", orders.n);
            node.put("ordersPerMember", orders.n == 0 ? null : orders.mean());
            node.put("revenueMinorPerMember", revenue.n == 0 ? null : revenue.mean());
            node.put("meanDaysSinceEntry", orders.n == 0 ? null : days / orders.n);
            return node;
        }
    }

    /** Count, sum and sum of squares: enough for a mean and a variance, and mergeable. */
    private static final class Moments {
        private long n;
        private double sum;
        private double squares;

        void add(final double value) {
            n++;
            sum += value;
            squares += value * value;
        }

        void merge(final Moments other) {
            n += other.n;
            sum += other.sum;
            squares += other.squares;
        }

        double mean() {
            return sum / n;
        }

        double variance() {
            return Math.max(0, (squares - sum * sum / n) / (n - 1));
        }

        ObjectNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("n", n).put("sum", sum).put("squares", squares);
        }

        void read(final JsonNode node) {
            n = node.path("n").asLong();
            sum = node.path("sum").asDouble();
            squares = node.path("squares").asDouble();
        }
    }
}
