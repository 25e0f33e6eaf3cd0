package io.profilestream.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Keeps a command running until the JVM is asked to stop (Ctrl-C, SIGTERM), then closes what it started.
 */
public final class UntilShutdown {

    private UntilShutdown() {
    }

    /**
     * Blocks until shutdown; the shutdown hook closes {@code running} and reports a failure on standard error.
     */
    public static void await(final AutoCloseable running, final String name) throws InterruptedException {
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close();
            } catch (final Exception e) {
                System.err.println(name + ": shutdown failed: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, name + "-shutdown"));
        stopped.await();
    }
}
