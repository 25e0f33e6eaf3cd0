package io.profilestream.testing;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster and schema registry for a whole test class, and names of its own for each test.
 * Registered with {@code @ExtendWith(KafkaClusterExtension.class)}, it starts one in-process KRaft broker and the
 * embedded schema registry before the class's first test and stops them after its last; registered with
 * {@code @RegisterExtension} and {@link #external}, it hands out a cluster that runs elsewhere (containers, say).
 * Tests, lifecycle methods and constructors ask for the cluster as a {@link KafkaCluster} parameter; a test, its
 * {@code @BeforeEach} and its {@code @AfterEach} ask for its own application id, topic names and state directory as a
 * {@link TestNamespace} parameter.
 * A test's directory is deleted when it passes and kept, with a log line that says where, when it fails.
 * Directories go under the system property {@value #DIRECTORY_PROPERTY} (the build points it into
 * {@code target/}), or under the JVM's temporary directory.
 */
public final class KafkaClusterExtension implements BeforeAllCallback, AfterEachCallback, ParameterResolver {

    /** The system property naming the directory under which brokers and tests keep their files. */
    public static final String DIRECTORY_PROPERTY = "profilestream.test.dir";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaClusterExtension.class);
    private static final ExtensionContext.Namespace STORE =
        ExtensionContext.Namespace.create(KafkaClusterExtension.class);
    private static final String CLUSTER_KEY = "embedded-cluster";

    /** The cluster that runs elsewhere, or null when this extension starts one in-process. */
    private final Supplier<KafkaCluster> external;
    /** Whether the in-process broker's clients must authenticate with SASL. */
    private final boolean sasl;

    /**
     * An extension that starts an in-process broker and registry for each test class.
     */
    public KafkaClusterExtension() {
        this(null, false);
    }

    private KafkaClusterExtension(final Supplier<KafkaCluster> external, final boolean sasl) {
        this.external = external;
        this.sasl = sasl;
    }

    /**
     * An extension whose in-process broker answers clients only on a listener that needs SASL (SCRAM-SHA-256); the
     * {@link KafkaCluster} it hands out carries the client settings, and its registry uses them too.
     */
    public static KafkaClusterExtension sasl() {
        return new KafkaClusterExtension(null, true);
    }

    /**
     * An extension for a cluster that runs elsewhere; the supplier is called whenever a test asks for it, after
     * class-level extensions (Testcontainers, say) have started it.
     */
    public static KafkaClusterExtension external(final Supplier<KafkaCluster> cluster) {
        return new KafkaClusterExtension(Objects.requireNonNull(cluster, "cluster"), false);
    }

    @Override
    public void beforeAll(final ExtensionContext context) {
        if (external == null) {
            embedded(context, sasl);
        }
    }

    @Override
    public boolean supportsParameter(final ParameterContext parameter,
                                     final ExtensionContext context) {
        final Class<?> type = parameter.getParameter().getType();
        return type == KafkaCluster.class || type == TestNamespace.class;
    }

    @Override
    public Object resolveParameter(final ParameterContext parameter,
                                   final ExtensionContext context) {
        if (parameter.getParameter().getType() == KafkaCluster.class) {
            return external == null ? embedded(context, sasl) : external.get();
        }
        if (context.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException("A TestNamespace belongs to one test: ask for it in a test, its "
                + "@BeforeEach or its @AfterEach, not in @BeforeAll or a constructor.");
        }
        return context.getStore(STORE).getOrComputeIfAbsent(namespaceKey(context),
            key -> TestNamespace.create(directory(), context.getRequiredTestClass().getSimpleName() + "-"
                + context.getRequiredTestMethod().getName()),
            TestNamespace.class);
    }

    @Override
    public void afterEach(final ExtensionContext context) {
        final TestNamespace namespace = context.getStore(STORE).remove(namespaceKey(context), TestNamespace.class);
        if (namespace == null) {
            return;
        }
        if (context.getExecutionException().isPresent()) {
            LOG.warn("{}.{} failed; its directory, with the state and any logs it wrote, is kept in {}.",
                context.getRequiredTestClass().getSimpleName(), context.getRequiredTestMethod().getName(),
                namespace.directory());
        } else {
            Directories.delete(namespace.directory());
        }
    }

    /**
     * The in-process cluster of the test class, started on first use and closed with the class's context.
     */
    private static KafkaCluster embedded(final ExtensionContext context, final boolean sasl) {
        final ExtensionContext classContext = classContext(context);
        final String label = classContext.getRequiredTestClass().getSimpleName();
        return classContext.getStore(STORE)
            .getOrComputeIfAbsent(CLUSTER_KEY, key -> EmbeddedCluster.start(directory(), label, sasl),
                EmbeddedCluster.class)
            .cluster();
    }

    private static ExtensionContext classContext(final ExtensionContext context) {
        return context.getTestMethod().isPresent() ? classContext(context.getParent().orElseThrow()) : context;
    }

    private static String namespaceKey(final ExtensionContext context) {
        return "namespace " + context.getUniqueId();
    }

    private static Path directory() {
        final String configured = System.getProperty(DIRECTORY_PROPERTY);
        return configured == null || configured.isBlank()
            ? Path.of(System.getProperty("java.io.tmpdir"), "profilestream-test")
            : Path.of(configured);
    }
}
