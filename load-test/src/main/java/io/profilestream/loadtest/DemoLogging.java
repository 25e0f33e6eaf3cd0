package io.profilestream.loadtest;

import java.nio.file.Path;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;

/**
 * Keeps the demo's terminal for what a newcomer needs: the embedded broker's and the engine's logs go to a file under
 * the work directory, and only errors still reach the terminal.
 */
final class DemoLogging {

    /** The log file, relative to the work directory. */
    static final String LOG_FILE = "logs/profilestream.log";

    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";

    private DemoLogging() {
    }

    /**
     * Sends every log line to the file under the work directory and lets only errors through to the terminal.
     * Does nothing when the logging backend is not Logback.
     *
     * @return the log file
     */
    static Path toFile(final Path workDir) {
        final Path file = workDir.resolve(LOG_FILE).toAbsolutePath();
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return file;
        }
        final PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        final FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("DEMO-FILE");
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.iteratorForAppenders().forEachRemaining(DemoLogging::onlyErrors);
        root.addAppender(appender);
        return file;
    }

    private static void onlyErrors(final Appender<ILoggingEvent> terminal) {
        final ThresholdFilter filter = new ThresholdFilter();
        filter.setContext(terminal.getContext());
        filter.setLevel(Level.ERROR.toString());
        filter.start();
        terminal.addFilter(filter);
    }
}
