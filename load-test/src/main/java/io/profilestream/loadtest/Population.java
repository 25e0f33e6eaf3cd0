package io.profilestream.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import io.profilestream.events.Device;

/**
 * The simulated people: customers with per-person parameters drawn from a seed, plus anonymous-only visitors.
 * Each customer's purchase rate and dropout probability are drawn from a {@link PurchaseModel}, so the truth about
 * who buys how often and who has dropped out is known (see {@link GroundTruth}).
 * The same seed and size always give the same population; each person draws from their own split of the
 * seed's random stream, so adding a parameter later does not change everyone else's draws.
 */
public final class Population {

    /** Default number of customers. */
    public static final int DEFAULT_CUSTOMERS = 2_000;

    /** Anonymous-only visitors per customer. */
    static final double ANONYMOUS_SHARE = 0.25;

    /** Acquisition channels, as the engine counts them. */
    static final List<String> CHANNELS = List.of("direct", "organic", "paid", "email", "social", "referral");
    private static final double[] CHANNEL_WEIGHTS = {0.30, 0.30, 0.15, 0.10, 0.10, 0.05};
    private static final List<String> COUNTRIES = List.of("US", "CA", "GB", "DE", "AU");
    private static final double[] COUNTRY_WEIGHTS = {0.70, 0.10, 0.08, 0.06, 0.06};
    private static final List<Device> DEVICES = List.of(Device.DESKTOP, Device.MOBILE, Device.TABLET, Device.APP);
    private static final double[] DEVICE_WEIGHTS = {0.40, 0.40, 0.08, 0.12};
    private static final double ACTIVITY_SHAPE = 0.8;
    private static final double REGISTERED_AT_START = 0.6;

    private final long seed;
    private final PurchaseModel model;
    private final Catalogue catalogue;
    private final List<Visitor> visitors;
    private final List<Visitor> customers;

    private Population(final long seed,
                       final PurchaseModel model,
                       final Catalogue catalogue,
                       final List<Visitor> visitors) {
        this.seed = seed;
        this.model = model;
        this.catalogue = catalogue;
        this.visitors = List.copyOf(visitors);
        this.customers = visitors.stream().filter(Visitor::isCustomer).toList();
    }

    /**
     * Draws a population of {@code customers} customers and a quarter as many anonymous-only visitors, buying by the
     * {@linkplain PurchaseModel#DEFAULT default purchase model}.
     */
    public static Population generate(final int customers, final long seed) {
        return generate(customers, seed, PurchaseModel.DEFAULT);
    }

    /**
     * Draws a population of {@code customers} customers and a quarter as many anonymous-only visitors; each customer's
     * purchase rate, dropout probability and first purchase come from the purchase model.
     */
    public static Population generate(final int customers, final long seed, final PurchaseModel model) {
        return generate(customers, seed, model, 1);
    }

    /**
     * Draws a population as {@link #generate(int, long, PurchaseModel)} does, with its customers numbered from
     * {@code firstCustomer} ({@code c-}{@code firstCustomer}, and up), so that it can share topics with a population
     * numbered from 1 without sharing a customer.
     * The draws do not depend on the numbering: only the ids differ from those of the population numbered from 1.
     */
    public static Population generate(final int customers,
                                      final long seed,
                                      final PurchaseModel model,
                                      final int firstCustomer) {
        if (customers <= 0) {
            throw new IllegalArgumentException("A population needs at least one customer.");
        }
        if (firstCustomer <= 0 || firstCustomer - 1 > Integer.MAX_VALUE - customers) {
            throw new IllegalArgumentException("Customers are numbered from a positive number, and the last one must "
                + "be at most " + Integer.MAX_VALUE + ".");
        }
        final Catalogue catalogue = Catalogue.standard();
        final SplittableRandom root = new SplittableRandom(seed);
        final int anonymous = (int) Math.round(customers * ANONYMOUS_SHARE);
        final List<Visitor> visitors = new ArrayList<>(customers + anonymous);
        for (int i = 0; i < customers + anonymous; i++) {
            final String customerId = i < customers ? customerId(firstCustomer + i) : null;
            visitors.add(draw(root.split(), i, customerId, catalogue, model));
        }
        return new Population(seed, model, catalogue, visitors);
    }

    /**
     * The id of the n-th customer (from 1), as it appears in events: {@code c-000123}.
     */
    public static String customerId(final int number) {
        return String.format(Locale.ROOT, "c-%06d", number);
    }

    public long seed() {
        return seed;
    }

    /** The purchase model the customers' habits were drawn from. */
    public PurchaseModel model() {
        return model;
    }

    public Catalogue catalogue() {
        return catalogue;
    }

    /** Everyone: customers first, then anonymous-only visitors. */
    public List<Visitor> visitors() {
        return visitors;
    }

    /** The visitors who are customers. */
    public List<Visitor> customers() {
        return customers;
    }

    public Visitor visitor(final int index) {
        return visitors.get(index);
    }

    private static Visitor draw(final SplittableRandom random,
                                final int index,
                                final String customerId,
                                final Catalogue catalogue,
                                final PurchaseModel model) {
        final int deviceCount = Sampling.chance(random, 0.6) ? 1 : Sampling.between(random, 2, 3);
        final List<Visitor.Browser> browsers = new ArrayList<>(deviceCount);
        for (int i = 0; i < deviceCount; i++) {
            final Device device = DEVICES.get(Sampling.weighted(random, DEVICE_WEIGHTS));
            browsers.add(new Visitor.Browser("a-" + Sampling.hex(random, 16), device));
        }
        final List<String> categories = new ArrayList<>(catalogue.categoryNames());
        final int interestCount = Sampling.between(random, 1, 3);
        final List<String> interests = new ArrayList<>(interestCount);
        for (int i = 0; i < interestCount; i++) {
            interests.add(categories.remove(random.nextInt(categories.size())));
        }
        return new Visitor(
            index,
            customerId,
            browsers,
            CHANNELS.get(Sampling.weighted(random, CHANNEL_WEIGHTS)),
            COUNTRIES.get(Sampling.weighted(random, COUNTRY_WEIGHTS)),
            interests,
            Sampling.gamma(random, ACTIVITY_SHAPE, 1 / ACTIVITY_SHAPE),
            Sampling.beta(random, 2, 5),
            Sampling.beta(random, 2, 4),
            Sampling.beta(random, 1.5, 6),
            Sampling.chance(random, REGISTERED_AT_START),
            customerId == null ? null : habit(random, model));
    }

    /**
     * A customer's BG/NBD draws: {@code lambda ~ Gamma(r, 1 / alpha)}, {@code p ~ Beta(a, b)}, a uniform first purchase
     * within the acquisition window, and the seed of the purchase timeline.
     */
    private static Visitor.PurchaseHabit habit(final SplittableRandom random, final PurchaseModel model) {
        final double lambda = Sampling.gamma(random, model.r(), 1 / model.alpha());
        final double dropout = Sampling.beta(random, model.a(), model.b());
        final double firstPurchaseDay = random.nextDouble() * model.acquisitionDays();
        return new Visitor.PurchaseHabit(lambda, dropout, firstPurchaseDay, random.nextLong());
    }
}
