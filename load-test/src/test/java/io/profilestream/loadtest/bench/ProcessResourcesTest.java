package io.profilestream.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class ProcessResourcesTest {

    @Test
    void shouldCountTheCpuOfTheThreadsNamedWithThePrefixOnly() throws InterruptedException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux's /proc");
        final long pid = ProcessHandle.current().pid();
        final AtomicBoolean stop = new AtomicBoolean();
        final CountDownLatch started = new CountDownLatch(1);
        // Longer than the 15 characters /proc keeps, so the match has to work on the cut name.
        final Thread busy = new Thread(() -> {
            started.countDown();
            while (!stop.get()) {
                Thread.onSpinWait();
            }
        }, "process-resources-test-app-StreamThread-1");
        busy.start();
        try {
            started.await();
            TimeUnit.MILLISECONDS.sleep(500);

            final double before = ProcessResources.threadCpuSeconds(pid, "process-resources-test-app-");
            TimeUnit.MILLISECONDS.sleep(500);
            final double after = ProcessResources.threadCpuSeconds(pid, "process-resources-test-app-");

            assertThat(before).isPositive();
            assertThat(after).isGreaterThan(before);
            assertThat(ProcessResources.threadCpuSeconds(pid, "no-such-thread-name")).isZero();
        } finally {
            stop.set(true);
            busy.join();
        }
    }

    @Test
    void shouldSayItCannotTellForAProcessThatIsNotThere() {
        assertThat(ProcessResources.threadCpuSeconds(Long.MAX_VALUE, "any")).isNaN();
    }
}
