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
