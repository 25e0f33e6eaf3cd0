package io.profilestream.loadtest.bench;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.profilestream.net.Ports;

/**
 * The real engine in its own JVM ({@code ProfileStreamCli run --config FILE}), on a port of its own so that the bench
 * can read its {@code /metrics} and ask it for profiles.
 * The process runs in its work directory, so relative paths in its JVM options (a flight recording's file) land there;
 * its state lives under {@code state/} there, so a second run in the same directory finds the first one's state.
 */
final class EngineRun implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    /**
     * How often {@code /metrics} is read until the first record is processed: the start-up time is known to about
     * this much plus one scrape.
     */
    private static final Duration FIRST_RECORD_POLL = Duration.ofMillis(50);

    private final Process process;
    private final Thread hook;
    private final long startNanos;
    private final Path workDir;
    private final Path log;
    private final String applicationId;
    private final URI baseUri;
    private final EngineProbe probe;

    /**
     * What one catch-up run measured.
     *
     * @param eventsPerSecond records of the event topics per second over the timed part of the catch-up: from the
     *                        moment the warm-up input was seen committed (or from the first processed record, when
     *                        there is no warm-up input) to caught up
     * @param seconds that duration in seconds
     * @param records the records that rate counts: every record of the event topics less those already committed
     *                when the timed part started
     * @param warmUpEventsPerSecond the records committed when the warm-up input was seen committed, per second from the
     *                              first processed record to that moment (the engine's cold rate); 0 without a warm-up
     * @param warmUpSeconds that duration in seconds; 0 without a warm-up input
     * @param startupSeconds from the start of the process to its first processed record (JVM start, topic checks,
     *                       group join, task assignment)
     * @param peakRssMb the engine process's peak resident set size in MiB, when caught up
     * @param cpuSeconds CPU seconds (user and system) the engine process had used when caught up, start-up and warm-up
     *                   included
     * @param timed what the engine did over the timed part only
     */
    record Result(double eventsPerSecond, double seconds, long records, double warmUpEventsPerSecond,
                  double warmUpSeconds, double startupSeconds, double peakRssMb, double cpuSeconds, Work timed) {
    }

    /**
     * What the engine did over a span of the run.
     * CPU seconds (user and system) of the whole process (the compiler and the garbage collector included), and of
     * Kafka Streams' own threads, those named after the application id (its stream threads, and its state updater,
     * idle once restored): unlike a rate, these do not count time spent waiting for the broker or for a core, though
     * contention for the cores still moves them; NaN when {@code /proc} cannot tell. And the segment rules it ran
     * ({@code profilestream_segment_rule_evaluations_total{outcome="evaluated"}}), a count the machine does not move;
     * NaN when the engine did not answer. And the seconds its JIT compilers spent
     * ({@code jvm_compilation_time_ms_total}), which says whether the span was timed warm.
     */
    record Work(double processCpu, double streamThreadCpu, double rulesEvaluated, double compilation) {

        Work minus(final Work earlier) {
            return new Work(processCpu - earlier.processCpu, streamThreadCpu - earlier.streamThreadCpu,
                rulesEvaluated - earlier.rulesEvaluated, compilation - earlier.compilation);
        }
    }

    private EngineRun(final Process process,
                      final Thread hook,
                      final long startNanos,
                      final Path workDir,
                      final Path log,
                      final String applicationId,
                      final int httpPort) {
        this.process = process;
        this.hook = hook;
        this.startNanos = startNanos;
        this.workDir = workDir;
        this.log = log;
        this.applicationId = applicationId;
        this.baseUri = URI.create("http://" + Ports.LOOPBACK + ":" + httpPort);
        this.probe = new EngineProbe(baseUri);
    }

    /**
     * Starts the engine.
     *
     * @param workDir the engine's own work directory (state, JVM-relative files)
     * @param name names its config file and log in the work directory ({@code NAME.properties}, {@code NAME.log})
     * @param settings engine settings on top of its defaults (addresses, application id, guarantee...)
     * @param jvmOptions options of the engine's JVM
     */
    static EngineRun start(final Path workDir,
                           final String name,
                           final Map<String, String> settings,
                           final List<String> jvmOptions) throws IOException {
        Files.createDirectories(workDir);
        final Map<String, String> all = new LinkedHashMap<>(settings);
        all.put("work.dir", workDir.toAbsolutePath().toString());
        all.put("http.host", Ports.LOOPBACK);
        final int httpPort = Ports.freePort();
        all.put("http.port", Integer.toString(httpPort));
        all.putIfAbsent("time.mode", "event-time");
        final Path configFile = workDir.resolve(name + ".properties");
        final Properties properties = new Properties();
        properties.putAll(all);
        try (Writer writer = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
            properties.store(writer, "ProfileStream bench engine run");
        }
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(absoluteClassPath());
        command.add("io.profilestream.cli.ProfileStreamCli");
        command.add("run");
        command.add("--config");
        command.add(configFile.toAbsolutePath().toString());
        final Path log = workDir.resolve(name + ".log");
        final long start = System.nanoTime();
        final Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        final Thread hook = new Thread(process::destroyForcibly, "profilestream-bench-engine-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        return new EngineRun(process, hook, start, workDir, log, all.get("application.id"), httpPort);
    }

    /**
     * Waits for the engine's first processed record, then until it has caught up with the event topics, timed from
     * its first processed record.
     */
    Result catchUp(final CatchUp catchUp) throws InterruptedException {
        return catchUp(catchUp, 0);
    }

    /**
     * Waits for the engine's first processed record, then until its committed offsets of the event topics sum to at
     * least {@code warmUpRecords} (the warm-up input, which comes first in every partition), then until it has caught
     * up; the rate counts the records committed between the last two moments, so the warm-up is not timed.
     * When that first commit already holds every record (an input too small for the commit interval), nothing is
     * left to time after the warm-up and the rate falls back to every record from the first processed one.
     * The start-up ends at the first processed record, seen on the engine's {@code /metrics} as Kafka Streams'
     * thread-level {@code process-total} above zero. That counter is the engine's own report of work done, it does
     * not wait for a commit (committed offsets appear a commit interval later, up to a second here), and the engine
     * serves {@code /metrics} before it starts Kafka Streams; reading it every 50 ms costs the engine little.
     *
     * @param catchUp checks the committed offsets of the event topics
     * @param warmUpRecords records of the warm-up input; 0 when there is none
     */
    Result catchUp(final CatchUp catchUp, final long warmUpRecords) throws InterruptedException {
        final long total = catchUp.totalRecords();
        try {
            final long first = awaitFirstRecord();
            final Work coldWork = work();
            final CatchUp.Committed cold = new CatchUp.Committed(0, first);
            final CatchUp.Committed warm = warmUpRecords > 0
                ? catchUp.awaitCommitted(applicationId, warmUpRecords, TIMEOUT, process::isAlive) : cold;
            final Work warmWork = warmUpRecords > 0 ? work() : coldWork;
            final long end = catchUp.await(applicationId, TIMEOUT, process::isAlive);
            final Work endWork = work();
            final boolean timedFromWarm = warm.records() < total;
            final CatchUp.Committed from = timedFromWarm ? warm : cold;
            final long warmUpNanos = warm.nanos() - first;
            return new Result(RawConsumerRun.rate(total - from.records(), end - from.nanos()),
                (end - from.nanos()) / 1e9, total - from.records(),
                warmUpRecords > 0 ? RawConsumerRun.rate(warm.records(), warmUpNanos) : 0, warmUpNanos / 1e9,
                (first - startNanos) / 1e9, ProcessResources.peakRssMb(process.pid()), endWork.processCpu(),
                endWork.minus(timedFromWarm ? warmWork : coldWork));
        } catch (final IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " See " + log + ".", e);
        }
    }

    /**
     * Waits until the engine has committed every record of the event topics written so far, such as the backlog a
     * live warm-up left behind in a new JVM; returns how long that took, in seconds.
     */
    double awaitCaughtUp(final CatchUp catchUp) {
        final long start = System.nanoTime();
        try {
            catchUp.await(applicationId, TIMEOUT, process::isAlive);
        } catch (final IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " See " + log + ".", e);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private Work work() throws InterruptedException {
        return new Work(ProcessResources.cpuSeconds(process.toHandle()),
            ProcessResources.threadCpuSeconds(process.pid(), applicationId + "-"),
            probe.sum("profilestream_segment_rule_evaluations_total", List.of("outcome=\"evaluated\""))
                .orElse(Double.NaN),
            compilationSeconds());
    }

    /**
     * Seconds the engine's JIT compilers have spent since its JVM started ({@code jvm_compilation_time_ms_total}); NaN
     * while it does not answer.
     */
    double compilationSeconds() throws InterruptedException {
        return probe.sum("jvm_compilation_time_ms_total").orElse(Double.NaN) / 1000;
    }

    /** Commits of every stream thread so far ({@code kafka_stream_thread_commit_total}); NaN while it is silent. */
    double commits() throws InterruptedException {
        return probe.sum("kafka_stream_thread_commit_total").orElse(Double.NaN);
    }

    /**
     * Kafka Streams' own commit latency, over its recent metric windows (two samples of 30 s): the mean of the stream
     * threads' averages and the highest of their maxima, in milliseconds; NaN while not known. Kafka Streams records
     * a thread's commit divided by the number of tasks it committed, so these are per task.
     */
    CommitLatency commitLatency() throws InterruptedException {
        return new CommitLatency(
            probe.values("kafka_stream_thread_commit_latency_avg", List.of()).stream().mapToDouble(Double::doubleValue)
                .average().orElse(Double.NaN),
            probe.values("kafka_stream_thread_commit_latency_max", List.of()).stream().mapToDouble(Double::doubleValue)
                .max().orElse(Double.NaN));
    }

    /** A commit takes {@code averageMs} per task committed on average, {@code maxMs} at most. */
    record CommitLatency(double averageMs, double maxMs) {
    }

    /** Waits until Kafka Streams runs ({@code /health/ready}), for an engine restarted on state that is caught up. */
    void awaitReady() throws InterruptedException {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!probe.ready()) {
            check(deadline, "become ready");
            TimeUnit.MILLISECONDS.sleep(FIRST_RECORD_POLL.toMillis());
        }
    }

    /** The engine's HTTP address, {@code http://127.0.0.1:PORT}. */
    URI baseUri() {
        return baseUri;
    }

    private long awaitFirstRecord() throws InterruptedException {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            final long asked = System.nanoTime();
            if (probe.sum(EngineProbe.PROCESSED_RECORDS).orElse(0) > 0) {
                // The first record was processed after the previous request and before this answer.
                return asked;
            }
            check(deadline, "process its first record");
            TimeUnit.MILLISECONDS.sleep(FIRST_RECORD_POLL.toMillis());
        }
    }

    private void check(final long deadline, final String what) {
        if (!process.isAlive()) {
            throw new IllegalStateException("The engine stopped before it could " + what + ". See " + log + ".");
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("The engine did not " + what + " within " + TIMEOUT + ". See " + log
                + ".");
        }
    }

    /**
     * The size of the engine's state directory in MiB. Read it after {@link #close()}: while the engine runs, recent
     * writes sit in RocksDB's memtables (and under exactly-once no checkpoint is written), so the directory holds only
     * part of the state; a clean stop flushes them.
     */
    double stateMb() {
        return ProcessResources.directoryMb(workDir.resolve("state"));
    }

    /** Whether the engine's process still runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** The engine process's peak resident set size so far in MiB; NaN when {@code /proc} cannot tell. */
    double peakRssMb() {
        return ProcessResources.peakRssMb(process.pid());
    }

    /**
     * Kills the engine's process with SIGKILL and waits for it: no shutdown hook runs, the group is not left, open
     * transactions stay open until the broker aborts them.
     */
    void kill() throws InterruptedException {
        try {
            process.destroyForcibly().waitFor();
        } finally {
            removeHook(hook);
        }
    }

    /** Stops the engine (SIGTERM, so that it closes its state cleanly) and waits for it. */
    @Override
    public void close() throws InterruptedException {
        try {
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } finally {
            removeHook(hook);
        }
    }

    /** This JVM's class path with absolute entries, for a process that runs in another directory. */
    private static String absoluteClassPath() {
        final List<String> entries = new ArrayList<>();
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            entries.add(Path.of(entry).toAbsolutePath().toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void removeHook(final Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (final IllegalStateException e) {
            // The JVM is already shutting down: the hook stops the engine.
        }
    }
}
