package io.profilestream.loadtest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.profilestream.app.TopicProvisioner;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.config.Topics;
import io.profilestream.embedded.EmbeddedKafkaBroker;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.registry.EmbeddedSchemaRegistry;
import io.profilestream.registry.RestSchemaRegistryClient;
import io.profilestream.serde.EngineSerdes;

/**
 * The {@code chaos} run: engine instances in JVMs of their own on an embedded broker and registry, a known population
 * streamed into them while instances are killed with SIGKILL at random moments and restarted, and the broker is
 * restarted once; then, with every engine stopped, the committed output is checked against what was sent
 * ({@link ChaosCheck}).
 * An engine that exits by itself is counted as an unexpected exit and started again.
 * Writes {@code chaos.json} into the output directory; engine logs and data stay under {@code work/}.
 */
public final class Chaos {

    static final String APPLICATION_ID = "chaos";
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(10);
    /**
     * Planned seconds of streaming per kill (a restart, the group's rebalance and a random wait), so that kills land
     * while events still stream in.
     */
    private static final long SECONDS_PER_KILL = 20;
    private static final long EXTRA_SECONDS = 20;
    private static final Duration PACE = Duration.ofMillis(20);
    private static final int STABLE_CHECKS = 3;
    /** Unexpected exits after which the run gives up: an engine that cannot start again would loop forever. */
    private static final int MAX_UNEXPECTED_EXITS = 10;

    private final Options options;
    private final Consumer<String> progress;
    private final Random random;
    private final long startNanos = System.nanoTime();
    private final Map<Integer, Integer> starts = new HashMap<>();
    private int kills;
    private int brokerRestarts;
    private int unexpectedExits;

    /**
     * What to run.
     *
     * @param instances engine instances (JVMs)
     * @param kills how many SIGKILLs, at least
     * @param customers customers of the known population
     * @param partitions partitions of every topic
     * @param seed seed of the population, of the moments and of the victims
     * @param out output directory
     */
    public record Options(int instances, int kills, int customers, int partitions, long seed, Path out) {

        public Options {
            if (instances < 1 || kills < 0 || customers < 1 || partitions < 1) {
                throw new IllegalArgumentException("--instances, --customers and --partitions must be positive and "
                    + "--kills not negative.");
            }
        }
    }

    /**
     * What the run did and found.
     *
     * @param kills SIGKILLs sent
     * @param brokerRestarts broker restarts
     * @param unexpectedExits engines that exited by themselves
     * @param eventsSent distinct events sent (each acknowledged by the broker)
     * @param check the findings
     */
    public record Result(int kills, int brokerRestarts, int unexpectedExits, long eventsSent, ChaosCheck.Result check) {

        /** Whether nothing was lost, duplicated or inconsistent, and no engine died by itself. */
        public boolean clean() {
            return check.clean() && unexpectedExits == 0;
        }
    }

    /**
     * A chaos run.
     *
     * @param options what to run
     * @param progress receives a line for every step, kill and restart
     */
    public Chaos(final Options options, final Consumer<String> progress) {
        this.options = options;
        this.progress = progress;
        this.random = new Random(options.seed());
    }

    /** Runs it, writes {@code chaos.json}, and returns what it found. */
    public Result run() throws IOException, InterruptedException {
        final Path work = options.out().resolve("work");
        Files.createDirectories(work);
        final Topics topics = Topics.from(ProfileStreamConfig.of(Map.of("application.id", APPLICATION_ID)));
        final ChaosPopulation population = ChaosPopulation.create(options.customers(), options.seed(),
            Instant.now().truncatedTo(ChronoUnit.SECONDS), topics);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("kafka"), 0);
        final int port = broker.port();
        final String servers = broker.bootstrapServers();
        final List<EngineRun> engines = new ArrayList<>();
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(servers, 0)) {
            try (Admin admin = admin(servers)) {
                new TopicProvisioner(admin, topics).provision(true, options.partitions(), (short) 1);
            }
            final Map<String, String> settings = engineSettings(servers, registry.url());
            for (int i = 0; i < options.instances(); i++) {
                engines.add(start(work, i, settings));
                // The first one publishes the default catalogue; the others find it there.
                engines.get(i).awaitReady();
            }
            say("%d engine instances are ready; streaming %,d events of %,d customers.", engines.size(),
                population.events().size(), options.customers());
            final Streamer streamer = new Streamer(servers, new EngineSerdes(new RestSchemaRegistryClient(
                registry.url()), Integer.MAX_VALUE), population.events(),
                (double) population.events().size() / (SECONDS_PER_KILL * options.kills() + EXTRA_SECONDS));
            final Thread streaming = new Thread(streamer, "chaos-streamer");
            streaming.start();
            for (int k = 1; k <= options.kills(); k++) {
                // Every instance is processing (the last one restarted has rejoined) before the next random moment.
                awaitAllReady(work, engines, settings);
                TimeUnit.MILLISECONDS.sleep(1_000 + random.nextInt(5_000));
                restartExited(work, engines, settings);
                final int victim = random.nextInt(engines.size());
                engines.get(victim).kill();
                kills++;
                say("Kill %d: SIGKILL to engine-%d (%,d events sent so far).", k, victim, streamer.sent.get());
                TimeUnit.MILLISECONDS.sleep(500 + random.nextInt(3_000));
                engines.set(victim, start(work, victim, settings));
                say("Restarted engine-%d.", victim);
                if (k == Math.max(1, options.kills() / 2)) {
                    broker = restartBroker(broker, work, port);
                }
            }
            if (options.kills() == 0) {
                broker = restartBroker(broker, work, port);
            }
            streaming.join();
            if (streamer.failure != null) {
                throw streamer.failure;
            }
            say("Streamed every event: %,d sent, %,d sends retried.", streamer.sent.get(), streamer.retried.get());
            restartExited(work, engines, settings);
            awaitQuiet(servers, topics, engines, work, settings);
            for (final EngineRun engine : engines) {
                engine.close();
            }
            say("Stopped every engine (SIGTERM); checking the committed output.");
            final ChaosCheck.Result check = ChaosCheck.check(servers, new RestSchemaRegistryClient(registry.url()),
                topics, population);
            final Result result = new Result(kills, brokerRestarts, unexpectedExits, streamer.sent.get(), check);
            write(result);
            return result;
        } finally {
            for (final EngineRun engine : engines) {
                engine.kill();
            }
            broker.close();
        }
    }

    private EngineRun start(final Path work, final int instance, final Map<String, String> settings)
        throws IOException {
        final String name = "engine-" + instance;
        final int run = starts.merge(instance, 1, Integer::sum);
        return EngineRun.start(work.resolve(name), name + "-run-" + run, settings,
            List.of("-Xmx384m", "-XX:TieredStopAtLevel=1"));
    }

    /** Waits until every engine is ready, starting again (and counting) any that exits by itself meanwhile. */
    private void awaitAllReady(final Path work,
                               final List<EngineRun> engines,
                               final Map<String, String> settings) throws IOException, InterruptedException {
        for (int i = 0; i < engines.size(); i++) {
            while (true) {
                restartExited(work, engines, settings);
                try {
                    engines.get(i).awaitReady();
                    break;
                } catch (final IllegalStateException e) {
                    if (engines.get(i).isAlive()) {
                        throw e;
                    }
                }
            }
        }
    }

    /** Starts again every engine that exited although nobody killed it, and counts it. */
    private void restartExited(final Path work,
                               final List<EngineRun> engines,
                               final Map<String, String> settings) throws IOException, InterruptedException {
        for (int i = 0; i < engines.size(); i++) {
            if (!engines.get(i).isAlive()) {
                unexpectedExits++;
                if (unexpectedExits > MAX_UNEXPECTED_EXITS) {
                    throw new IllegalStateException("engine-" + i + " keeps exiting by itself (" + unexpectedExits
                        + " unexpected exits); see its logs under " + work.resolve("engine-" + i) + ".");
                }
                say("engine-%d exited by itself (see its log under %s); starting it again.", i, work);
                engines.get(i).kill();
                engines.set(i, start(work, i, settings));
            }
        }
    }

    private EmbeddedKafkaBroker restartBroker(final EmbeddedKafkaBroker broker, final Path work, final int port)
        throws InterruptedException {
        broker.close();
        say("Stopped the broker.");
        TimeUnit.MILLISECONDS.sleep(1_000 + random.nextInt(4_000));
        final EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.start(work.resolve("kafka"), port);
        brokerRestarts++;
        say("Restarted the broker on the same port and data.");
        return restarted;
    }

    /**
     * Waits until the engines have committed every input record and every record of their own topics (a transaction
     * marker aside), with {@code profile-updates} unchanged, a few checks in a row.
     */
    private void awaitQuiet(final String servers,
                            final Topics topics,
                            final List<EngineRun> engines,
                            final Path work,
                            final Map<String, String> settings) throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
        try (Admin admin = admin(servers)) {
            final CatchUp inputs = new CatchUp(admin, topics.inputs());
            final CatchUp own = new CatchUp(admin, List.of(topics.profileEvents(), topics.reroutedClicks(),
                topics.identityCommands()));
            final CatchUp output = new CatchUp(admin, List.of(topics.profileUpdates()));
            Map<TopicPartition, Long> lastOutput = Map.of();
            int stable = 0;
            while (stable < STABLE_CHECKS) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The engines did not catch up within " + CATCH_UP_TIMEOUT
                        + "; see their logs under " + work + ".");
                }
                restartExited(work, engines, settings);
                TimeUnit.SECONDS.sleep(1);
                final Map<TopicPartition, Long> outputEnds = output.endOffsets();
                final Map<TopicPartition, Long> ownEnds = new LinkedHashMap<>();
                own.endOffsets().forEach((partition, end) -> ownEnds.put(partition, Math.max(0, end - 1)));
                final boolean quiet = inputs.caughtUp(APPLICATION_ID, inputs.endOffsets())
                    && own.caughtUp(APPLICATION_ID, ownEnds) && outputEnds.equals(lastOutput);
                stable = quiet ? stable + 1 : 0;
                lastOutput = outputEnds;
            }
        }
        say("The engines have caught up.");
    }

    private Map<String, String> engineSettings(final String servers, final String registryUrl) {
        final Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bootstrap.servers", servers);
        settings.put("schema.registry.url", registryUrl);
        settings.put("application.id", APPLICATION_ID);
        settings.put("processing.guarantee", "exactly_once_v2");
        settings.put("time.mode", "wall-clock");
        settings.put("topics.partitions", Integer.toString(options.partitions()));
        // A killed instance's partitions move once the group notices it is gone; the default is 45 s.
        settings.put("session.timeout.ms", "10000");
        settings.put("heartbeat.interval.ms", "2000");
        settings.put("rocksdb.memory.total.bytes", Long.toString(64L << 20));
        return settings;
    }

    private void write(final Result result) throws IOException {
        final ChaosCheck.Result check = result.check();
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("instances", options.instances());
        json.put("kills", result.kills());
        json.put("broker_restarts", result.brokerRestarts());
        json.put("unexpected_exits", result.unexpectedExits());
        json.put("customers", options.customers());
        json.put("partitions", options.partitions());
        json.put("seed", options.seed());
        json.put("events_sent", result.eventsSent());
        json.put("profiles_checked", check.profilesChecked());
        json.put("segment_changes_read", check.changesRead());
        json.put("profile_mismatches", check.profileMismatches());
        json.put("duplicate_change_ids", check.duplicateChangeIds());
        json.put("sequence_violations", check.sequenceViolations());
        json.put("membership_mismatches", check.membershipMismatches());
        json.put("examples", check.examples());
        json.put("seconds", Math.round((System.nanoTime() - startNanos) / 1e9));
        Files.writeString(options.out().resolve("chaos.json"),
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
    }

    private void say(final String format, final Object... arguments) {
        progress.accept(String.format("[%6.1f s] ", (System.nanoTime() - startNanos) / 1e9)
            + String.format(format, arguments));
    }

    private static Admin admin(final String servers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers));
    }

    /**
     * Sends the population's events at a steady rate with an idempotent producer whose sends outlast a broker
     * restart; a send that fails anyway is sent again (the engine drops the copy by its event id).
     */
    private static final class Streamer implements Runnable {

        private static final int MAX_ROUNDS = 5;

        private final String servers;
        private final EngineSerdes serdes;
        private final List<ChaosPopulation.Event> events;
        private final double perSecond;
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong retried = new AtomicLong();
        private volatile RuntimeException failure;

        Streamer(final String servers,
                 final EngineSerdes serdes,
                 final List<ChaosPopulation.Event> events,
                 final double perSecond) {
            this.servers = servers;
            this.serdes = serdes;
            this.events = events;
            this.perSecond = perSecond;
        }

        @Override
        public void run() {
            final Properties config = new Properties();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(5).toMillis());
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Duration.ofMinutes(5).toMillis());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
                List<ChaosPopulation.Event> pending = events;
                for (int round = 0; round < MAX_ROUNDS && !pending.isEmpty(); round++) {
                    final ConcurrentLinkedQueue<ChaosPopulation.Event> failed = new ConcurrentLinkedQueue<>();
                    final long start = System.nanoTime();
                    for (int i = 0; i < pending.size(); i++) {
                        final ChaosPopulation.Event event = pending.get(i);
                        producer.send(new ProducerRecord<>(event.topic(), event.key(), serialize(event)),
                            (metadata, error) -> {
                                if (error == null) {
                                    sent.incrementAndGet();
                                } else {
                                    failed.add(event);
                                }
                            });
                        if (round == 0) {
                            pace(start, i);
                        }
                    }
                    producer.flush();
                    retried.addAndGet(failed.size());
                    pending = new ArrayList<>(failed);
                }
                if (!pending.isEmpty()) {
                    failure = new IllegalStateException(pending.size() + " events could not be sent.");
                }
            }
        }

        private void pace(final long start, final int index) {
            final long due = start + (long) (index / perSecond * 1e9);
            final long wait = due - System.nanoTime();
            if (wait > PACE.toNanos()) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while streaming.", e);
                }
            }
        }

        private byte[] serialize(final ChaosPopulation.Event event) {
            final SpecificRecord value = event.value();
            if (value instanceof ClickEvent click) {
                return serdes.click().serialize(event.topic(), click);
            } else if (value instanceof PurchaseEvent purchase) {
                return serdes.purchase().serialize(event.topic(), purchase);
            }
            return serdes.email().serialize(event.topic(), (EmailEvent) value);
        }
    }
}
