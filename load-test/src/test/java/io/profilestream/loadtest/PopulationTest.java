package io.profilestream.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PopulationTest {

    @Test
    void shouldDrawTheSamePopulationForTheSameSeed() {
        assertThat(Population.generate(500, 7).visitors()).isEqualTo(Population.generate(500, 7).visitors());
        assertThat(Population.generate(500, 7).visitors()).isNotEqualTo(Population.generate(500, 8).visitors());
    }

    @Test
    void shouldHaveNumberedCustomersAndAnonymousOnlyVisitors() {
        final Population population = Population.generate(2_000, 1);

        assertThat(population.customers()).hasSize(2_000);
        assertThat(population.customers().get(0).customerId()).isEqualTo("c-000001");
        assertThat(population.customers().get(1_999).customerId()).isEqualTo("c-002000");
        assertThat(population.visitors()).hasSize(2_500);
        assertThat(population.visitors().subList(2_000, 2_500)).noneMatch(Visitor::isCustomer);
    }

    @Test
    void shouldGiveEveryVisitorDevicesInterestsAndPropensities() {
        final Population population = Population.generate(1_000, 3);
        final Set<String> anonymousIds = new HashSet<>();
        final List<String> categories = population.catalogue().categoryNames();

        for (final Visitor visitor : population.visitors()) {
            assertThat(visitor.browsers()).isNotEmpty();
            visitor.browsers().forEach(browser -> assertThat(anonymousIds.add(browser.anonymousId())).isTrue());
            assertThat(visitor.interests()).isNotEmpty().doesNotHaveDuplicates();
            assertThat(categories).containsAll(visitor.interests());
            assertThat(Population.CHANNELS).contains(visitor.preferredChannel());
            assertThat(visitor.activity()).isPositive();
            assertThat(visitor.purchasePropensity()).isBetween(0.0, 1.0);
            assertThat(visitor.emailOpenPropensity()).isBetween(0.0, 1.0);
            assertThat(visitor.emailClickPropensity()).isBetween(0.0, 1.0);
        }
        assertThat(population.visitors()).anyMatch(visitor -> visitor.browsers().size() > 1);
        assertThat(population.customers()).anyMatch(Visitor::registeredAtStart);
        assertThat(population.customers()).anyMatch(visitor -> !visitor.registeredAtStart());
    }

    @Test
    void shouldGiveEveryCustomerAPurchaseHabitFromTheModel() {
        final PurchaseModel model = PurchaseModel.perWeek(0.5, 2, 1.2, 3, 28);
        final Population population = Population.generate(1_000, 4, model);

        assertThat(population.model()).isEqualTo(model);
        assertThat(population.customers()).allSatisfy(customer -> {
            assertThat(customer.buys()).isTrue();
            assertThat(customer.habit().lambda()).isPositive();
            assertThat(customer.habit().dropoutProbability()).isStrictlyBetween(0.0, 1.0);
            assertThat(customer.habit().firstPurchaseDay()).isGreaterThanOrEqualTo(0).isLessThan(28);
        });
        assertThat(population.visitors()).filteredOn(visitor -> !visitor.isCustomer()).noneMatch(Visitor::buys);
        assertThat(population.customers().stream().map(customer -> customer.habit().seed()).distinct())
            .hasSize(1_000);
        assertThat(Population.generate(1_000, 4).model()).isEqualTo(PurchaseModel.DEFAULT);
        assertThat(PurchaseModel.DEFAULT.alpha()).isEqualTo(4.414 * 7);
    }

    @Test
    void shouldHaveTenCategoriesOfPricedProducts() {
        final Catalogue catalogue = Catalogue.standard();

        assertThat(catalogue.categoryNames()).hasSize(10);
        for (final String category : catalogue.categoryNames()) {
            assertThat(catalogue.products(category)).isNotEmpty().allSatisfy(product -> {
                assertThat(product.category()).isEqualTo(category);
                assertThat(product.priceMinor()).isBetween(
                    catalogue.category(category).minPriceMinor() - 100, catalogue.category(category).maxPriceMinor());
            });
        }
    }

    @Test
    void shouldNumberCustomersFromTheGivenFirstNumberWithTheSameDraws() {
        final Population numberedFromOne = Population.generate(300, 9);
        final Population shifted = Population.generate(300, 9, PurchaseModel.DEFAULT, 301);

        assertThat(shifted.customers().get(0).customerId()).isEqualTo("c-000301");
        assertThat(shifted.customers().get(299).customerId()).isEqualTo("c-000600");
        assertThat(shifted.customers()).extracting(Visitor::customerId)
            .doesNotContainAnyElementsOf(numberedFromOne.customers().stream().map(Visitor::customerId).toList());
        assertThat(shifted.visitors()).hasSameSizeAs(numberedFromOne.visitors());
        for (int i = 0; i < shifted.visitors().size(); i++) {
            assertThat(shifted.visitor(i).browsers()).isEqualTo(numberedFromOne.visitor(i).browsers());
            assertThat(shifted.visitor(i).habit()).isEqualTo(numberedFromOne.visitor(i).habit());
        }
        assertThat(Population.generate(2, 1, PurchaseModel.DEFAULT, 1_000_000).customers())
            .extracting(Visitor::customerId).containsExactly("c-1000000", "c-1000001");
    }

    @Test
    void shouldRejectAnEmptyPopulation() {
        assertThatThrownBy(() -> Population.generate(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Population.generate(10, 1, PurchaseModel.DEFAULT, 0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Population.generate(10, 1, PurchaseModel.DEFAULT, Integer.MAX_VALUE - 8))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(Population.generate(10, 1, PurchaseModel.DEFAULT, Integer.MAX_VALUE - 9).customers())
            .hasSize(10);
    }
}
