package io.profilestream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The engine's layers, from the bottom: the generated contracts and the reasons vocabulary; the pure core (models,
 * domain rules, identity rules, segments); typed settings; the infrastructure (serdes, registry, embedded broker,
 * metrics, ports); the Kafka Streams topology; the query layer; HTTP; the application; the command line.
 * A layer may use the layers below it, never one above, and no two packages depend on each other.
 */
class ArchitectureTest {

    private static final String BASE = "io.profilestream.";
    private static final String[] CORE = {
        BASE + "models..", BASE + "domain..", BASE + "identity..", BASE + "segments.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.profilestream");
    }

    @Test
    void shouldKeepEveryPackageFreeOfCycles() {
        slices().matching("io.profilestream.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void shouldKeepTheCoreFreeOfKafkaAndOfEverythingAboveIt() {
        noClasses().that().resideInAnyPackage(CORE)
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", BASE + "config..",
                BASE + "serde..", BASE + "registry..", BASE + "embedded..", BASE + "metrics..", BASE + "net..",
                BASE + "topology..", BASE + "query..", BASE + "http..", BASE + "app..", BASE + "cli..")
            .check(classes);
    }

    @Test
    void shouldLetEachLayerUseOnlyTheLayersBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Contracts").definedBy(BASE + "events..", BASE + "profile..", BASE + "internal..",
                BASE + "errors..")
            .layer("Core").definedBy(CORE)
            .layer("Settings").definedBy(BASE + "config..")
            .layer("Infrastructure").definedBy(BASE + "serde..", BASE + "registry..", BASE + "embedded..",
                BASE + "metrics..", BASE + "net..")
            .layer("Topology").definedBy(BASE + "topology..")
            .layer("Query").definedBy(BASE + "query..")
            .layer("Http").definedBy(BASE + "http..")
            .layer("Application").definedBy(BASE + "app..")
            .layer("Cli").definedBy(BASE + "cli..")
            .whereLayer("Cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("Application").mayOnlyBeAccessedByLayers("Cli")
            .whereLayer("Http").mayOnlyBeAccessedByLayers("Application")
            .whereLayer("Query").mayOnlyBeAccessedByLayers("Http", "Application")
            .whereLayer("Topology").mayOnlyBeAccessedByLayers("Query", "Application", "Cli")
            .whereLayer("Infrastructure").mayOnlyBeAccessedByLayers("Topology", "Query", "Http", "Application",
                "Cli")
            .whereLayer("Settings").mayOnlyBeAccessedByLayers("Topology", "Query", "Http", "Application", "Cli")
            .whereLayer("Core").mayOnlyBeAccessedByLayers("Settings", "Infrastructure", "Topology", "Query", "Http",
                "Application", "Cli")
            .check(classes);
    }

    @Test
    void shouldKeepHttpOnTopOfTheQueryLayer() {
        noClasses().that().resideInAPackage(BASE + "http..")
            .should().dependOnClassesThat().resideInAnyPackage(BASE + "topology..", BASE + "app..",
                BASE + "embedded..")
            .check(classes);
    }
}
