package io.profilestream.loadtest.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Memory and CPU of a child process (from {@code /proc} on Linux) and the size of a directory.
 */
final class ProcessResources {

    private static final double KIB_PER_MIB = 1024.0;
    private static final double BYTES_PER_MIB = 1024.0 * 1024.0;
    /** Linux's TASK_COMM_LEN less its terminating zero: the characters of a thread name {@code /proc} shows. */
    private static final int TASK_COMM_LENGTH = 15;
    private static final int CLOCK_TICKS_PER_SECOND = 100;
    /** utime's field number in proc(5)'s {@code /proc/PID/stat}; stime follows it. */
    private static final int UTIME_FIELD = 14;

    private ProcessResources() {
    }

    /**
     * The process's peak resident set size in MiB ({@code VmHWM}, else the current {@code VmRSS}); NaN when
     * {@code /proc} cannot tell.
     */
    static double peakRssMb(final long pid) {
        final Path status = Path.of("/proc", Long.toString(pid), "status");
        try {
            final List<String> lines = Files.readAllLines(status);
            final double hwm = field(lines, "VmHWM:");
            return Double.isNaN(hwm) ? field(lines, "VmRSS:") : hwm;
        } catch (final IOException e) {
            return Double.NaN;
        }
    }

    /** CPU seconds (user and system) the process has used so far; NaN when unknown. */
    static double cpuSeconds(final ProcessHandle process) {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /**
     * CPU seconds (user and system) the process's threads whose name starts with {@code threadNamePrefix} have used so
     * far, from {@code /proc/PID/task/TID/stat}; NaN when {@code /proc} cannot tell.
     * Linux keeps the first 15 characters of a thread's name (the JVM passes Java thread names on), so the prefix is cut
     * to that length; its times are in clock ticks of 1/100 s ({@code USER_HZ}, 100 on every architecture the JDK
     * runs on), so the figure is exact to a hundredth of a second per thread.
     * A thread that ended before the call no longer counts.
     */
    static double threadCpuSeconds(final long pid, final String threadNamePrefix) {
        final String prefix = threadNamePrefix.substring(0, Math.min(threadNamePrefix.length(), TASK_COMM_LENGTH));
        final Path tasks = Path.of("/proc", Long.toString(pid), "task");
        long ticks = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (final Path thread : (Iterable<Path>) threads::iterator) {
                ticks += threadTicks(thread.resolve("stat"), prefix);
            }
        } catch (final IOException | UncheckedIOException e) {
            return Double.NaN;
        }
        return ticks / (double) CLOCK_TICKS_PER_SECOND;
    }

    /** utime + stime of one thread if its name starts with the prefix, else 0; 0 for a thread gone meanwhile. */
    private static long threadTicks(final Path stat, final String prefix) {
        final String line;
        try {
            line = Files.readString(stat);
        } catch (final IOException e) {
            return 0;
        }
        // pid (comm) state ppid ...: the name sits between the first '(' and the last ')' and may hold spaces.
        final String name = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
        if (!name.startsWith(prefix)) {
            return 0;
        }
        final String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        // After the name: state is field 3 of the man page, utime field 14 and stime field 15.
        return Long.parseLong(fields[UTIME_FIELD - 3]) + Long.parseLong(fields[UTIME_FIELD - 2]);
    }

    /** The size in MiB of the regular files under a directory; 0 when it does not exist. */
    static double directoryMb(final Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(ProcessResources::size).sum() / BYTES_PER_MIB;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(final Path file) {
        try {
            return Files.size(file);
        } catch (final IOException e) {
            // RocksDB deletes files while it runs: a file gone since the walk counts for nothing.
            return 0;
        }
    }

    private static double field(final List<String> lines, final String name) {
        for (final String line : lines) {
            if (line.startsWith(name)) {
                final String[] parts = line.substring(name.length()).trim().split("\\s+");
                return Long.parseLong(parts[0]) / KIB_PER_MIB;
            }
        }
        return Double.NaN;
    }
}
