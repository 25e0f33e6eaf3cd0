package io.profilestream.loadtest;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What every simulated customer really did, for judging the engine's models against.
 *
 * <p>Time splits into a calibration period, from the simulated start to the calibration end, and a holdout period
 * after it.
 * Per customer the truth holds the drawn purchase rate and dropout probability, whether the customer was still alive
 * at the end of calibration, the BG/NBD calibration summary ({@code x}, {@code t_x}, {@code T} in days, and the mean
 * repeat order value {@code m}), the expected value of each order, and the purchases and spend in the holdout period.
 * It is computed by replaying each customer's {@link PurchaseTimeline}, the same one the {@link EventGenerator}
 * follows, so it needs no events and matches the purchase events of a simulated run exactly.
 * Instances are immutable.
 */
public final class GroundTruth {

    /** The columns of the CSV file, in order. */
    public static final List<String> COLUMNS = List.of(
        "customer_id", "lambda_per_day", "dropout_probability", "first_purchase", "alive_at_calibration_end",
        "alive_at_holdout_end", "dropout_at", "x", "t_x", "T", "m_minor", "x_days", "holdout_purchases",
        "holdout_purchase_days", "holdout_spend_minor", "expected_order_value_minor");

    private final long seed;
    private final PurchaseModel model;
    private final Instant start;
    private final double calibrationDays;
    private final double holdoutDays;
    private final List<Customer> customers;
    private final Map<String, Long> categoryOrders;

    private GroundTruth(final long seed,
                        final PurchaseModel model,
                        final Instant start,
                        final double calibrationDays,
                        final double holdoutDays,
                        final List<Customer> customers,
                        final Map<String, Long> categoryOrders) {
        this.categoryOrders = Collections.unmodifiableMap(new TreeMap<>(categoryOrders));
        this.seed = seed;
        this.model = model;
        this.start = start;
        this.calibrationDays = calibrationDays;
        this.holdoutDays = holdoutDays;
        this.customers = List.copyOf(customers);
    }

    /**
     * Computes the truth of a population whose simulation starts at {@code start}.
     *
     * @param population the simulated people; only customers appear in the truth
     * @param start the simulated start, the instant the timelines count from
     * @param calibrationDays length of the calibration period; at least the acquisition window
     * @param holdoutDays length of the holdout period that follows it
     */
    public static GroundTruth of(final Population population,
                                 final Instant start,
                                 final double calibrationDays,
                                 final double holdoutDays) {
        Objects.requireNonNull(start, "start");
        if (!(calibrationDays > 0) || !(holdoutDays >= 0)
            || Double.isInfinite(calibrationDays) || Double.isInfinite(holdoutDays)) {
            throw new IllegalArgumentException(
                "The calibration period must be a positive number of days and the holdout period zero or more.");
        }
        if (population.model().acquisitionDays() > calibrationDays) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "The acquisition window (%s days) must not "
                    + "be longer than the calibration period (%s days): every customer buys first during calibration.",
                population.model().acquisitionDays(), calibrationDays));
        }
        final long startMillis = start.toEpochMilli();
        final long calibrationEnd = PurchaseTimeline.toMillis(calibrationDays);
        final long holdoutEnd = calibrationEnd + PurchaseTimeline.toMillis(holdoutDays);
        final List<Customer> customers = new ArrayList<>(population.customers().size());
        final Map<String, Long> categoryOrders = new TreeMap<>();
        for (final Visitor customer : population.customers()) {
            customers.add(customer(customer, population.catalogue(), categoryOrders, startMillis, calibrationEnd,
                holdoutEnd));
        }
        return new GroundTruth(population.seed(), population.model(), start, calibrationDays, holdoutDays, customers,
            categoryOrders);
    }

    private static Customer customer(final Visitor visitor,
                                     final Catalogue catalogue,
                                     final Map<String, Long> categoryOrders,
                                     final long startMillis,
                                     final long calibrationEnd,
                                     final long holdoutEnd) {
        final PurchaseTimeline timeline = new PurchaseTimeline(visitor, catalogue);
        final Set<Long> calibrationDays = new HashSet<>();
        final Set<Long> allDays = new HashSet<>();
        long first = 0;
        long lastRepeat = 0;
        int repeats = 0;
        long repeatValue = 0;
        int holdout = 0;
        long holdoutSpend = 0;
        Long firstHoldout = null;
        Set<String> firstHoldoutCategories = Set.of();
        Long dropout = null;
        for (PurchaseTimeline.Purchase purchase = timeline.next();
             purchase != null && purchase.offsetMillis() <= holdoutEnd;
             purchase = timeline.next()) {
            final long offset = purchase.offsetMillis();
            final long day = Math.floorDiv(startMillis + offset, PurchaseTimeline.MILLIS_PER_DAY);
            allDays.add(day);
            if (purchase.number() == 0) {
                first = offset;
                calibrationDays.add(day);
            } else if (offset <= calibrationEnd) {
                repeats++;
                lastRepeat = offset;
                repeatValue += purchase.totalMinor();
                calibrationDays.add(day);
            } else {
                holdout++;
                holdoutSpend += purchase.totalMinor();
                if (firstHoldout == null) {
                    firstHoldout = offset;
                    firstHoldoutCategories = purchase.categories();
                }
            }
            if (offset <= calibrationEnd) {
                purchase.categories().forEach(category -> categoryOrders.merge(category, 1L, Long::sum));
            }
            if (purchase.dropsOut()) {
                dropout = offset;
            }
        }
        final Visitor.PurchaseHabit habit = visitor.habit();
        return new Customer(
            visitor.customerId(),
            habit.lambda(),
            habit.dropoutProbability(),
            Instant.ofEpochMilli(startMillis + first),
            dropout == null || dropout > calibrationEnd,
            dropout == null,
            dropout == null ? null : Instant.ofEpochMilli(startMillis + dropout),
            repeats,
            repeats == 0 ? 0 : days(lastRepeat - first),
            days(calibrationEnd - first),
            repeats == 0 ? 0 : (double) repeatValue / repeats,
            calibrationDays.size() - 1,
            holdout,
            allDays.size() - calibrationDays.size(),
            holdoutSpend,
            firstHoldout == null ? null : Instant.ofEpochMilli(startMillis + firstHoldout),
            Set.copyOf(firstHoldoutCategories),
            PurchaseTimeline.expectedTotalMinor(visitor, catalogue));
    }

    private static double days(final long millis) {
        return (double) millis / PurchaseTimeline.MILLIS_PER_DAY;
    }

    /** The population's seed. */
    public long seed() {
        return seed;
    }

    /** The population parameters the customers were drawn from. */
    public PurchaseModel model() {
        return model;
    }

    /** The simulated start. */
    public Instant start() {
        return start;
    }

    /** The end of the calibration period (included in it). */
    public Instant calibrationEnd() {
        return start.plusMillis(PurchaseTimeline.toMillis(calibrationDays));
    }

    /** The end of the holdout period (included in it). */
    public Instant holdoutEnd() {
        return calibrationEnd().plusMillis(PurchaseTimeline.toMillis(holdoutDays));
    }

    public double calibrationDays() {
        return calibrationDays;
    }

    public double holdoutDays() {
        return holdoutDays;
    }

    /** One row per customer, in customer order. */
    public List<Customer> customers() {
        return customers;
    }

    /** Orders of the calibration period with a line in each category, by category. */
    public Map<String, Long> calibrationCategoryOrders() {
        return categoryOrders;
    }

    /** The share of customers still alive at the end of calibration. */
    public double aliveShare() {
        return customers.stream().filter(Customer::aliveAtCalibrationEnd).count() / (double) customers.size();
    }

    /** The mean number of repeat purchases in calibration. */
    public double meanRepeatPurchases() {
        return customers.stream().mapToInt(Customer::x).average().orElse(0);
    }

    /** The mean number of purchases in the holdout period. */
    public double meanHoldoutPurchases() {
        return customers.stream().mapToInt(Customer::holdoutPurchases).average().orElse(0);
    }

    /**
     * Writes the per-customer truth as CSV (a header line, then one line per customer; empty cells for absent values)
     * and, next to it, the population parameters and periods as JSON (see {@link #summaryPath(Path)}).
     */
    public void write(final Path csv) throws IOException {
        final Path parent = csv.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            out.write(String.join(",", COLUMNS));
            out.newLine();
            for (final Customer customer : customers) {
                out.write(customer.csvLine());
                out.newLine();
            }
        }
        Files.writeString(summaryPath(csv), summaryJson(), StandardCharsets.UTF_8);
    }

    /**
     * Where {@link #write(Path)} puts the JSON summary: the CSV's name with {@code .csv} replaced by {@code .json}
     * (or {@code .json} appended).
     */
    public static Path summaryPath(final Path csv) {
        final String name = csv.getFileName().toString();
        final boolean isCsv = name.toLowerCase(Locale.ROOT).endsWith(".csv");
        return csv.resolveSibling((isCsv ? name.substring(0, name.length() - 4) : name) + ".json");
    }

    /**
     * The population parameters, the periods and a few population-wide figures, as a JSON object.
     */
    public String summaryJson() {
        final Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("seed", seed);
        fields.put("customers", customers.size());
        fields.put("time_unit", "days");
        fields.put("r", model.r());
        fields.put("alpha", model.alpha());
        fields.put("alpha_per_week", model.alpha() / PurchaseModel.DAYS_PER_WEEK);
        fields.put("a", model.a());
        fields.put("b", model.b());
        fields.put("acquisition_days", model.acquisitionDays());
        fields.put("simulated_start", start.toString());
        fields.put("calibration_days", calibrationDays);
        fields.put("calibration_end", calibrationEnd().toString());
        fields.put("holdout_days", holdoutDays);
        fields.put("holdout_end", holdoutEnd().toString());
        fields.put("alive_at_calibration_end_share", aliveShare());
        fields.put("mean_x", meanRepeatPurchases());
        fields.put("mean_holdout_purchases", meanHoldoutPurchases());
        final StringBuilder json = new StringBuilder("{\n");
        int i = 0;
        for (final Map.Entry<String, Object> field : fields.entrySet()) {
            json.append("  \"").append(field.getKey()).append("\": ");
            json.append(field.getValue() instanceof String text ? "\"" + text + "\"" : field.getValue());
            json.append(++i < fields.size() ? ",\n" : "\n");
        }
        return json.append("}\n").toString();
    }

    /**
     * The truth about one customer.
     * Durations are in days; {@code x}, {@code t_x} and {@code T} follow the BG/NBD convention: repeat purchases in
     * calibration, the time of the last of them and the end of calibration, both measured from the first purchase.
     *
     * @param customerId the customer id, as in events
     * @param lambda purchase rate per day while alive
     * @param dropoutProbability probability of dropping out after each repeat purchase
     * @param firstPurchase time of the first purchase
     * @param aliveAtCalibrationEnd whether the customer had not dropped out by the end of calibration
     * @param aliveAtHoldoutEnd whether the customer had not dropped out by the end of the holdout period
     * @param dropoutAt time of the purchase after which the customer dropped out, {@code null} when still alive at
     *     the end of the holdout period
     * @param x number of repeat purchases in calibration
     * @param tx days from the first purchase to the last repeat purchase in calibration; 0 when {@code x} is 0
     * @param bigT days from the first purchase to the end of calibration
     * @param m mean value of the repeat purchases in calibration, in minor units of {@link Catalogue#CURRENCY}; 0 when
     *     {@code x} is 0
     * @param xDays number of distinct UTC days with a purchase in calibration, less one: {@code x} as the engine counts
     *     it (purchase days)
     * @param holdoutPurchases number of purchases in the holdout period
     * @param holdoutPurchaseDays number of new UTC days with a purchase in the holdout period
     * @param holdoutSpendMinor value of the holdout purchases, in minor units
     * @param firstHoldoutPurchase time of the first purchase after the calibration end, null when none
     * @param firstHoldoutCategories the categories of that purchase, empty when none
     * @param expectedOrderValueMinor the expected amount of each of the customer's repeat orders, in minor units (it depends
     *     on the customer's interests)
     */
    public record Customer(String customerId,
                           double lambda,
                           double dropoutProbability,
                           Instant firstPurchase,
                           boolean aliveAtCalibrationEnd,
                           boolean aliveAtHoldoutEnd,
                           Instant dropoutAt,
                           int x,
                           double tx,
                           double bigT,
                           double m,
                           int xDays,
                           int holdoutPurchases,
                           int holdoutPurchaseDays,
                           long holdoutSpendMinor,
                           Instant firstHoldoutPurchase,
                           Set<String> firstHoldoutCategories,
                           double expectedOrderValueMinor) {

        /**
         * The expected number of purchases in {@code days} after the calibration end of a customer alive at it:
         * {@code (1 - exp(-lambda p t)) / p}, since purchases come at rate {@code lambda} until the one after which
         * the customer drops out, which comes at rate {@code lambda p}.
         */
        public double expectedPurchasesIfAlive(final double days) {
            final double rate = lambda * dropoutProbability;
            return rate == 0 ? lambda * days : -Math.expm1(-rate * days) / dropoutProbability;
        }

        /**
         * The simulator's expected spend in {@code days} after the calibration end, in minor units, knowing what no
         * model can see: whether the customer is still alive, the rate, the dropout probability and the order value.
         */
        public double expectedSpendMinor(final double days) {
            return aliveAtCalibrationEnd ? expectedPurchasesIfAlive(days) * expectedOrderValueMinor : 0;
        }

        /**
         * The probability that the customer is alive at the calibration end given the calibration history, knowing
         * the customer's own rate and dropout probability (the BG/NBD individual-level likelihood): 1 without a repeat
         * purchase, else {@code 1 / (1 + p / (1 - p) exp(lambda (T - t_x)))}.
         */
        public double probabilityAliveKnowingRates() {
            if (x == 0) {
                return 1;
            }
            return 1 / (1 + dropoutProbability / (1 - dropoutProbability) * Math.exp(lambda * (bigT - tx)));
        }

        /** Whether the customer made no purchase within {@code days} after the calibration end. */
        public boolean noPurchaseWithin(final Instant calibrationEnd, final double days) {
            return firstHoldoutPurchase == null
                || firstHoldoutPurchase.isAfter(calibrationEnd.plusMillis(PurchaseTimeline.toMillis(days)));
        }

        String csvLine() {
            return String.join(",",
                customerId,
                Double.toString(lambda),
                Double.toString(dropoutProbability),
                firstPurchase.toString(),
                Boolean.toString(aliveAtCalibrationEnd),
                Boolean.toString(aliveAtHoldoutEnd),
                dropoutAt == null ? "" : dropoutAt.toString(),
                Integer.toString(x),
                Double.toString(tx),
                Double.toString(bigT),
                String.format(Locale.ROOT, "%.2f", m),
                Integer.toString(xDays),
                Integer.toString(holdoutPurchases),
                Integer.toString(holdoutPurchaseDays),
                Long.toString(holdoutSpendMinor),
                String.format(Locale.ROOT, "%.2f", expectedOrderValueMinor));
        }
    }
}
