package io.profilestream.loadtest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shop the simulated customers browse: a fixed list of categories, each with products and prices.
 * It does not depend on the seed, so the same SKU always has the same category and price.
 */
public final class Catalogue {

    /** The currency of every price, in minor units. */
    public static final String CURRENCY = "USD";

    private static final int PRODUCTS_PER_CATEGORY = 8;

    private static final Catalogue STANDARD = new Catalogue(List.of(
        new Category("electronics", 1_999, 149_999, List.of("headphones", "laptop", "charger", "smart watch")),
        new Category("books", 799, 4_999, List.of("novel", "cookbook", "biography", "travel guide")),
        new Category("fashion", 1_499, 19_999, List.of("jacket", "sneakers", "dress", "jeans")),
        new Category("home", 999, 59_999, List.of("sofa", "lamp", "bedding", "rug")),
        new Category("beauty", 599, 8_999, List.of("moisturiser", "perfume", "lipstick", "shampoo")),
        new Category("sports", 1_299, 89_999, List.of("running shoes", "yoga mat", "bike", "tent")),
        new Category("toys", 799, 12_999, List.of("lego", "puzzle", "doll", "board game")),
        new Category("grocery", 199, 3_999, List.of("coffee", "olive oil", "chocolate", "tea")),
        new Category("garden", 999, 39_999, List.of("hose", "seeds", "lawn mower", "planter")),
        new Category("jewelry", 2_999, 199_999, List.of("ring", "necklace", "earrings", "bracelet"))));

    /**
     * The category customers tend to buy after each category: the simulator's co-purchase structure (a repeat order
     * has a product from the follow-on category of a category in the customer's previous order now and then, see
     * {@link PurchaseTimeline}), which the engine's co-purchase model can learn.
     */
    private static final Map<String, String> FOLLOW_ON = Map.of(
        "electronics", "books",
        "books", "toys",
        "toys", "books",
        "fashion", "beauty",
        "beauty", "jewelry",
        "jewelry", "fashion",
        "sports", "fashion",
        "home", "garden",
        "garden", "home",
        "grocery", "home");

    private final List<Category> categories;
    private final Map<String, List<Product>> productsByCategory;

    private Catalogue(final List<Category> categories) {
        this.categories = List.copyOf(categories);
        final Map<String, List<Product>> products = new LinkedHashMap<>();
        for (final Category category : categories) {
            final List<Product> list = new ArrayList<>(PRODUCTS_PER_CATEGORY);
            for (int i = 0; i < PRODUCTS_PER_CATEGORY; i++) {
                list.add(new Product(sku(category.name(), i), category.name(), price(category, i)));
            }
            products.put(category.name(), List.copyOf(list));
        }
        this.productsByCategory = Collections.unmodifiableMap(products);
    }

    /**
     * The standard catalogue of ten categories.
     */
    public static Catalogue standard() {
        return STANDARD;
    }

    public List<Category> categories() {
        return categories;
    }

    public List<String> categoryNames() {
        return List.copyOf(productsByCategory.keySet());
    }

    public List<Product> products(final String category) {
        final List<Product> products = productsByCategory.get(category);
        if (products == null) {
            throw new IllegalArgumentException("Unknown category " + category + ".");
        }
        return products;
    }

    public Category category(final String name) {
        for (final Category category : categories) {
            if (category.name().equals(name)) {
                return category;
            }
        }
        throw new IllegalArgumentException("Unknown category " + name + ".");
    }

    /** The category customers of a category tend to buy next. */
    public String followOn(final String category) {
        final String next = FOLLOW_ON.get(category);
        if (next == null) {
            throw new IllegalArgumentException("Unknown category " + category + ".");
        }
        return next;
    }

    private static String sku(final String category, final int index) {
        return String.format(Locale.ROOT, "%s-%03d", category.substring(0, 4).toUpperCase(Locale.ROOT), index + 1);
    }

    /**
     * Prices spread evenly over the category's range and end in 99 cents.
     */
    private static long price(final Category category, final int index) {
        final long step = (category.maxPriceMinor() - category.minPriceMinor()) / (PRODUCTS_PER_CATEGORY - 1);
        final long raw = category.minPriceMinor() + step * index;
        return Math.max(99, raw / 100 * 100 + 99);
    }

    /**
     * A category with its price range (minor units) and the words visitors search for in it.
     *
     * @param name lower-case category name as it appears in events
     * @param minPriceMinor cheapest product
     * @param maxPriceMinor dearest product
     * @param searchTerms search queries that lead into this category
     */
    public record Category(String name, long minPriceMinor, long maxPriceMinor, List<String> searchTerms) {
    }

    /**
     * A product for sale.
     *
     * @param sku stock-keeping unit, unique in the catalogue
     * @param category the category name
     * @param priceMinor list price in minor units of {@link #CURRENCY}
     */
    public record Product(String sku, String category, long priceMinor) {
    }
}
