package io.profilestream.loadtest.bench;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
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

/**
 * The real engine in its own JVM ({@code ProfileStreamCli run --config FILE}), timed from the start of the process
 * until its committed offsets reach the end offsets of the event topics. The process runs in its work directory,
 * so relative paths in its JVM options (a flight recording's file) land there.
 */
final class EngineRun {

    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private EngineRun() {
    }

    /**
     * What one engine run measured.
     *
     * @param eventsPerSecond records of the event topics per second, process start to caught up
     * @param seconds the same duration in seconds
     * @param peakRssMb the engine process's peak resident set size in MiB, when caught up
     * @param cpuSeconds CPU seconds (user and system) the engine process had used when caught up
     * @param stateMb size of the engine's state directory in MiB when caught up
     */
    record Result(double eventsPerSecond, double seconds, double peakRssMb, double cpuSeconds, double stateMb) {
    }

    /**
     * Something to do against the engine once it has caught up, before it stops; given its throughput.
     */
    @FunctionalInterface
    interface WhileRunning {
        void accept(double eventsPerSecond) throws InterruptedException;
    }

    /**
     * Starts the engine, waits until it has caught up, then stops it.
     *
     * @param workDir the engine's own work directory (config file, log, state)
     * @param settings engine settings on top of its defaults (addresses, application id, guarantee...)
     * @param jvmOptions options of the engine's JVM
     * @param catchUp checks the committed offsets of the event topics
     * @param whileRunning runs once the engine has caught up and been measured, before it stops
     */
    static Result run(final Path workDir,
                      final Map<String, String> settings,
                      final List<String> jvmOptions,
                      final CatchUp catchUp,
                      final WhileRunning whileRunning) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        final Map<String, String> all = new LinkedHashMap<>(settings);
        all.put("work.dir", workDir.toAbsolutePath().toString());
        all.putIfAbsent("http.host", "127.0.0.1");
        all.putIfAbsent("http.port", "0");
        all.putIfAbsent("time.mode", "event-time");
        final Path configFile = workDir.resolve("engine.properties");
        final Properties properties = new Properties();
        properties.putAll(all);
        try (Writer writer = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
            properties.store(writer, "ProfileStream bench engine run");
        }
        final long total = catchUp.totalRecords();
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(absoluteClassPath());
        command.add("io.profilestream.cli.ProfileStreamCli");
        command.add("run");
        command.add("--config");
        command.add(configFile.toAbsolutePath().toString());
        final Path log = workDir.resolve("engine.log");
        final long start = System.nanoTime();
        final Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        final Thread hook = new Thread(process::destroyForcibly, "profilestream-bench-engine-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            final long end = catchUp.await(all.get("application.id"), TIMEOUT, process::isAlive);
            final long nanos = end - start;
            final Result result = new Result(RawConsumerRun.rate(total, nanos), nanos / 1e9,
                ProcessResources.peakRssMb(process.pid()), ProcessResources.cpuSeconds(process.toHandle()),
                ProcessResources.directoryMb(workDir.resolve("state")));
            whileRunning.accept(result.eventsPerSecond());
            return result;
        } catch (final IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " See " + log + ".", e);
        } finally {
            stop(process);
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

    private static void stop(final Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
