package io.profilestream.app;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.config.ConfigException;
import io.profilestream.config.EngineSettings;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.config.TopicConfigs;
import io.profilestream.http.ApiKeyGuard;
import io.profilestream.http.ApiServer;
import io.profilestream.http.ConsoleApiRoutes;
import io.profilestream.http.ConsoleFeed;
import io.profilestream.http.ConsoleRoutes;
import io.profilestream.http.ErasureRoutes;
import io.profilestream.http.ExportRoutes;
import io.profilestream.http.ForwardingClient;
import io.profilestream.http.ForwardingIdentityLookup;
import io.profilestream.http.HttpTls;
import io.profilestream.http.IdentityRoutes;
import io.profilestream.http.ModelFitter;
import io.profilestream.http.SegmentRoutes;
import io.profilestream.http.SegmentSnapshots;
import io.profilestream.http.TraitRoutes;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.net.Ports;
import io.profilestream.profile.ModelParameters;
import io.profilestream.profile.SegmentDefinition;
import io.profilestream.profile.TraitDefinition;
import io.profilestream.query.InstanceInfo;
import io.profilestream.query.KafkaStreamsIdentityLookup;
import io.profilestream.query.KafkaStreamsProfileLookup;
import io.profilestream.query.ModelSummaries;
import io.profilestream.query.ProfileLookup;
import io.profilestream.query.RecordPublisher;
import io.profilestream.query.ResolvingProfileLookup;
import io.profilestream.query.SegmentQueries;
import io.profilestream.query.StoreSizes;
import io.profilestream.registry.RestSchemaRegistryClient;
import io.profilestream.registry.SchemaRegistryClient;
import io.profilestream.segments.CatalogueYaml;
import io.profilestream.serde.EngineSerdes;
import io.profilestream.serde.RegistryAvroSerde;
import io.profilestream.topology.ProfileTopology;
import io.profilestream.topology.Stores;
import io.profilestream.topology.StreamsProperties;

/**
 * The running engine: topics provisioned, Kafka Streams started, the HTTP API serving profiles and metrics.
 * Start-up order: topics, then the Kafka Streams client is built with its metrics bound, then HTTP listens, then
 * Streams starts.
 * HTTP comes first so the address Streams advertises as {@code application.server} answers (503 until state is
 * queryable) before other instances can forward to it, and so a taken port fails before this instance joins the group.
 * Shutdown stops HTTP first, then Streams with a timeout.
 * State is never wiped at start.
 * A stream thread that dies of an unexpected error is replaced, so a transient failure (the schema registry being
 * away) retries from the last committed offsets instead of stopping the engine; each replacement is counted.
 */
public final class ProfileStreamApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProfileStreamApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How often Kafka's metrics are checked for new ones (tasks, stores) to publish; Micrometer's default is a minute.
     */
    private static final Duration METRICS_REFRESH = Duration.ofSeconds(10);

    private final KafkaStreams streams;
    private final ApiServer http;
    private final RecordPublisher publisher;
    private final ConsoleFeed console;
    private final KafkaStreamsMetrics streamsMetrics;
    private final ScheduledExecutorService metricsScheduler;
    private final PrometheusMeterRegistry meters;
    private final ScheduledExecutorService refits;
    private final DependencyMonitor dependencies;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ProfileStreamApp(final KafkaStreams streams,
                             final ApiServer http,
                             final RecordPublisher publisher,
                             final ConsoleFeed console,
                             final KafkaStreamsMetrics streamsMetrics,
                             final ScheduledExecutorService metricsScheduler,
                             final PrometheusMeterRegistry meters,
                             final ScheduledExecutorService refits,
                             final DependencyMonitor dependencies) {
        this.streams = streams;
        this.http = http;
        this.publisher = publisher;
        this.console = console;
        this.streamsMetrics = streamsMetrics;
        this.metricsScheduler = metricsScheduler;
        this.meters = meters;
        this.refits = refits;
        this.dependencies = dependencies;
    }

    /**
     * Starts the engine against the Kafka cluster and schema registry named in the configuration.
     */
    public static ProfileStreamApp start(final ProfileStreamConfig configuration,
                                         final SchemaRegistryClient registry) {
        final int configuredPort = configuration.getInt("http.port");
        final int httpPort = configuredPort == 0 ? Ports.freePort() : configuredPort;
        final String httpHost = configuration.get("http.host");
        final String advertisedHost = configuration.get("http.advertised.host",
            "0.0.0.0".equals(httpHost) ? "localhost" : httpHost);
        final Map<String, String> derived = new HashMap<>();
        derived.put("http.port", Integer.toString(httpPort));
        derived.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertisedHost + ":" + httpPort);
        if (!configuration.contains(StreamsConfig.STATE_DIR_CONFIG)) {
            derived.put(StreamsConfig.STATE_DIR_CONFIG,
                Path.of(configuration.get("work.dir")).resolve("state").toAbsolutePath().toString());
        }
        final ProfileStreamConfig config = configuration.with(derived);
        LOG.info("Effective configuration: {}", config.masked());
        FormatLocale.preferUnitedStates();

        final EngineSettings settings = EngineSettings.from(config);
        final ApiKeyGuard guard = apiKeys(config);
        final HttpTls tls = HttpTls.from(config).orElse(null);
        final boolean metricsNeedKey = config.getBoolean("http.metrics.require.key");
        final long maxBodyBytes = config.getLong("http.max.body.bytes");
        final int inputPartitions = provisionTopics(config, settings);

        final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmGcMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new JvmCompilationMetrics().bindTo(meters);
        final String instance = advertisedHost + ":" + httpPort;
        final EngineMetrics metrics = new EngineMetrics(meters, instance);
        metrics.coPurchase(settings.live().coPurchase());
        final EngineSerdes serdes = new EngineSerdes(registry, config.getInt("validation.max.record.bytes"));
        final Properties properties = StreamsProperties.from(config, metrics);
        StateRepair.removeDamagedTasks(Path.of(config.get(StreamsConfig.STATE_DIR_CONFIG)),
            config.get(StreamsConfig.APPLICATION_ID_CONFIG));
        final KafkaStreams streams = new KafkaStreams(ProfileTopology.build(settings, serdes, metrics,
            Clock.systemUTC(), inputPartitions), properties);

        final AtomicBoolean ready = new AtomicBoolean();
        streams.setStateListener((next, previous) -> {
            ready.set(next == KafkaStreams.State.RUNNING);
            LOG.info("Kafka Streams moved from {} to {}.", previous, next);
        });
        final Counter replacements = Counter.builder("profilestream.stream.thread.replacements")
            .description("Stream threads replaced after an unexpected error.")
            .register(meters);
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("A stream thread failed; it is replaced and resumes from the last committed offsets.", error);
            replacements.increment();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        Gauge.builder("profilestream.ready", ready, r -> r.get() ? 1 : 0)
            .description("1 when Kafka Streams is running and state is queryable.")
            .register(meters);
        final Duration checkInterval = Duration.ofMillis(config.getLong("health.check.interval.ms"));
        final DependencyMonitor dependencies = new DependencyMonitor(Admin.create(adminConfig(config)), registry,
            RegistryAvroSerde.subject(settings.topics().segmentDefinitions()), checkInterval, meters);
        final ScheduledExecutorService metricsScheduler =
            Executors.newSingleThreadScheduledExecutor(ProfileStreamApp::metricsThread);
        final KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams, List.of(), metricsScheduler,
            METRICS_REFRESH);
        streamsMetrics.bindTo(meters);
        StoreSizes.bind(meters, streams, instance);

        final HostInfo self = new HostInfo(advertisedHost, httpPort);
        final KafkaStreamsIdentityLookup links = new KafkaStreamsIdentityLookup(streams, self, Stores.IDENTITY_LINKS);
        final ForwardingClient forwarding = new ForwardingClient(instance, ForwardingClient.DEFAULT_TIMEOUT, guard, tls);
        final ForwardingIdentityLookup identities = new ForwardingIdentityLookup(links, forwarding);
        final ProfileLookup lookup = new ResolvingProfileLookup(
            new KafkaStreamsProfileLookup(streams, self, Stores.PROFILES), identities);
        final RecordPublisher publisher = RecordPublisher.create(new HashMap<>(config.kafkaSettings()));
        final ErasureRoutes erasures = new ErasureRoutes(guard, publisher, serdes.erasure(),
            settings.topics().erasure(), Clock.systemUTC());
        final SegmentRoutes segments = new SegmentRoutes(new SegmentQueries(streams), guard, publisher,
            serdes.segmentDefinition(), settings.topics().segmentDefinitions(), settings.segmentCompiler(), metrics,
            Clock.systemUTC()).acrossCluster(forwarding, () -> lookup.instances().orElse(List.of()));
        final ConsoleFeed console = config.getBoolean("http.console.enabled")
            ? new ConsoleFeed(config.kafkaSettings(), settings.topics().segmentChanges(),
                settings.topics().deadLetterQueue(), serdes.segmentChange()::deserialize,
                Duration.ofHours(config.getLong("http.console.window.hours")), Clock.systemUTC())
            : null;
        final ModelFitter fitter = new ModelFitter(new ModelSummaries(streams), forwarding,
            () -> lookup.instances().orElse(List.of()), settings.live()::now, settings.evaluators(),
            modelParameters(streams), record -> publisher.publish(settings.topics().modelParameters(),
                record.getModel(), serdes.modelParameters().serialize(settings.topics().modelParameters(), record)),
            Clock.systemUTC(), config.getLong("model.refit.min.customers"), meters);
        final SegmentSnapshots snapshots = new SegmentSnapshots(new SegmentQueries(streams), segments, publisher,
            serdes.segmentSnapshot(), settings.topics().segmentSnapshots(),
            () -> isFirstInstance(instance, lookup.instances().orElse(List.of())), Clock.systemUTC());
        final ExportRoutes exports = new ExportRoutes(new SegmentQueries(streams), identities, guard,
            Clock.systemUTC()).acrossCluster(forwarding, () -> lookup.instances().orElse(List.of()));
        final TraitRoutes traits = new TraitRoutes(new SegmentQueries(streams), guard, publisher,
            serdes.traitDefinition(), settings.topics().traitDefinitions(), settings.aggregator().customEvents(),
            Clock.systemUTC());
        if (config.getBoolean("segments.default.catalogue")) {
            publishDefaultCatalogue(config, settings, serdes, publisher);
        }
        final ApiServer http;
        try {
            final ApiServer.Builder builder = ApiServer.builder(lookup, meters)
                .readiness(() -> ready.get() && dependencies.allUp())
                .healthDetails(() -> health(streams, dependencies))
                .bind(httpHost, httpPort)
                .keys(guard, metricsNeedKey)
                .maxBodyBytes(maxBodyBytes)
                .forwarding(forwarding)
                .asOfNow(settings.live()::scoreNow)
                .routes(app -> {
                    fitter.register(app);
                    IdentityRoutes.register(app, links, identities);
                    erasures.register(app);
                    segments.register(app);
                    if (console != null) {
                        new ConsoleRoutes().register(app);
                        new ConsoleApiRoutes(console, meters, () -> streams.state().name(),
                            settings.topics().inputs(), forwarding, () -> lookup.instances().orElse(List.of()))
                            .register(app);
                    }
                    traits.register(app);
                    exports.register(app);
                });
            http = (tls == null ? builder : builder.tls(tls)).start();
        } catch (final RuntimeException e) {
            publisher.close();
            metricsScheduler.shutdownNow();
            dependencies.close();
            streams.close(CLOSE_TIMEOUT);
            throw e;
        }
        try {
            streams.start();
        } catch (final RuntimeException e) {
            http.close();
            publisher.close();
            metricsScheduler.shutdownNow();
            dependencies.close();
            throw e;
        }
        final ScheduledExecutorService refits = scheduleRefit(config.getDuration("model.refit.interval"), fitter,
            streams, lookup, instance);
        final long snapshotCheckMs = config.getLong("segments.snapshot.check.interval.ms");
        metricsScheduler.scheduleWithFixedDelay(snapshots, snapshotCheckMs, snapshotCheckMs, TimeUnit.MILLISECONDS);
        dependencies.start(checkInterval);
        if (console != null) {
            console.start();
        }
        LOG.info("ProfileStream is starting; HTTP on {}:{}.", httpHost, http.port());
        return new ProfileStreamApp(streams, http, publisher, console, streamsMetrics, metricsScheduler, meters, refits,
            dependencies);
    }

    /**
     * Runs the scheduled refit on one instance of the cluster, the first by host and port, so a cluster fits once per
     * interval; a failure is logged and the next interval tries again.
     */
    private static ScheduledExecutorService scheduleRefit(final Duration interval,
                                                          final ModelFitter fitter,
                                                          final KafkaStreams streams,
                                                          final ProfileLookup lookup,
                                                          final String self) {
        final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            final Thread thread = new Thread(task, "profilestream-model-refit");
            thread.setDaemon(true);
            return thread;
        });
        if (interval.isZero()) {
            LOG.info("The scheduled model refit is off (model.refit.interval=0).");
            return scheduler;
        }
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                if (streams.state() != KafkaStreams.State.RUNNING) {
                    return;
                }
                final List<InstanceInfo> instances = lookup.instances().orElse(List.of());
                final boolean first = instances.isEmpty()
                    || self.equals(instances.get(0).host() + ":" + instances.get(0).port());
                if (first) {
                    fitter.refit();
                }
            } catch (final RuntimeException e) {
                LOG.warn("The scheduled model refit failed; the parameters in use are kept: {}", e.getMessage());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return scheduler;
    }

    /** The published parameters of a model, read from this instance's copy of the global store. */
    private static Function<String, ModelParameters> modelParameters(final KafkaStreams streams) {
        return model -> {
            try {
                return streams.store(StoreQueryParameters.fromNameAndType(Stores.MODEL_PARAMETERS,
                    QueryableStoreTypes.<String, ModelParameters>keyValueStore())).get(model);
            } catch (final InvalidStateStoreException e) {
                return null;
            }
        };
    }

    /** Whether this instance comes first, by address, among the running instances: the one that takes snapshots. */
    private static boolean isFirstInstance(final String self, final List<InstanceInfo> instances) {
        return instances.stream().map(instance -> instance.host() + ":" + instance.port()).sorted().findFirst()
            .map(self::equals).orElse(false);
    }

    /** What {@code /health/ready} shows next to its status: Kafka Streams' state and each dependency's. */
    private static Map<String, Object> health(final KafkaStreams streams, final DependencyMonitor dependencies) {
        final Map<String, Object> health = new LinkedHashMap<>();
        health.put("streams", streams.state().name());
        health.putAll(dependencies.status());
        return health;
    }

    private static Map<String, Object> adminConfig(final ProfileStreamConfig config) {
        final Map<String, Object> adminConfig = new HashMap<>(config.kafkaSettings());
        adminConfig.keySet().retainAll(AdminClientConfig.configNames());
        return adminConfig;
    }

    private static Thread metricsThread(final Runnable task) {
        final Thread thread = new Thread(task, "profilestream-kafka-metrics");
        thread.setDaemon(true);
        return thread;
    }

    private static ApiKeyGuard apiKeys(final ProfileStreamConfig config) {
        final ApiKeyGuard guard;
        try {
            guard = new ApiKeyGuard(config.get("api.key", null), config.get("api.read.key", null));
        } catch (final IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        if (!guard.enabled()) {
            LOG.warn("Neither api.key nor api.read.key is set: anyone who reaches the HTTP port may read profiles "
                + "and change segments. Set the keys for anything but local development.");
        }
        return guard;
    }

    /** Creates missing topics and checks co-partitioning; returns the input topics' partition count. */
    private static int provisionTopics(final ProfileStreamConfig config, final EngineSettings settings) {
        try (Admin admin = Admin.create(adminConfig(config))) {
            final Map<String, Map<String, String>> topicConfigs = TopicConfigs.from(config, settings.topics());
            return new TopicProvisioner(admin, settings.topics(), topicConfigs).provision(
                config.getBoolean("topics.create"),
                config.getInt("topics.partitions"),
                (short) config.getInt("topics.replication.factor"));
        }
    }

    /**
     * Publishes the default catalogue when {@code segment-definitions} has never held a record.
     */
    private static void publishDefaultCatalogue(final ProfileStreamConfig config,
                                                final EngineSettings settings,
                                                final EngineSerdes serdes,
                                                final RecordPublisher publisher) {
        final String topic = settings.topics().segmentDefinitions();
        final String traitTopic = settings.topics().traitDefinitions();
        final boolean segments;
        final boolean traits;
        try (Admin admin = Admin.create(adminConfig(config))) {
            final TopicProvisioner topics = new TopicProvisioner(admin, settings.topics());
            segments = topics.isEmpty(topic);
            traits = topics.isEmpty(traitTopic);
        }
        if (traits) {
            final List<TraitDefinition> defaults = CatalogueYaml.loadDefaultTraits(settings.aggregator().customEvents(),
                Instant.now());
            for (final TraitDefinition definition : defaults) {
                publisher.publish(traitTopic, definition.getId(),
                    serdes.traitDefinition().serialize(traitTopic, definition));
            }
            LOG.info("Published the default catalogue of {} computed traits to {}.", defaults.size(), traitTopic);
        }
        if (!segments) {
            return;
        }
        final List<SegmentDefinition> defaults = CatalogueYaml.loadDefault(settings.segmentCompiler(), Instant.now());
        for (final SegmentDefinition definition : defaults) {
            publisher.publish(topic, definition.getId(), serdes.segmentDefinition().serialize(topic, definition));
        }
        LOG.info("Published the default catalogue of {} segments and personas to {}.", defaults.size(), topic);
    }

    public KafkaStreams streams() {
        return streams;
    }

    public int httpPort() {
        return http.port();
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /**
     * A schema registry client for the configured URLs, credentials and timeouts.
     */
    public static SchemaRegistryClient registryClient(final ProfileStreamConfig config) {
        return new RestSchemaRegistryClient(config.get("schema.registry.url"),
            config.get("schema.registry.basic.auth.user.info", null),
            Duration.ofMillis(config.getLong("schema.registry.connect.timeout.ms")),
            Duration.ofMillis(config.getLong("schema.registry.request.timeout.ms")));
    }

    /**
     * Whether Kafka Streams is running (state restored, queryable).
     */
    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /**
     * Stops HTTP first, then Kafka Streams with a timeout; safe to call more than once.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("ProfileStream is shutting down.");
        refits.shutdownNow();
        http.close();
        if (console != null) {
            console.close();
        }
        publisher.close();
        dependencies.close();
        // Leaving the group on shutdown hands partitions over at once instead of after the session timeout.
        if (!streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP))) {
            LOG.warn("Kafka Streams did not shut down within {} s.", CLOSE_TIMEOUT.toSeconds());
        }
        streamsMetrics.close();
        metricsScheduler.shutdownNow();
        meters.close();
    }
}
