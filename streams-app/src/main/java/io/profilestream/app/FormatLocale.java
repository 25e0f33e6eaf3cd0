package io.profilestream.app;

import java.util.Locale;

/**
 * Makes {@code String.format} cheaper in a JVM whose default format locale is plain English ({@code en}, which a
 * {@code C} or {@code POSIX} environment gives), without changing any text it formats.
 *
 * <p>The JDK's {@code Formatter} builds a new {@code DecimalFormatSymbols} for every call that formats a number in any
 * locale but {@code en-US}. Kafka Streams 4.3 formats a log text for every empty input partition of a task on every
 * record while it checks whether the task may process (KAFKA-19682), whether or not that text is logged: with
 * {@code time.mode=event-time} ({@code max.task.idle.ms=0}) that was a fifth of the stream thread's time, a third of it
 * in building those symbols. {@code en} and {@code en-US} format numbers the same way (digits 0-9, {@code .} and
 * {@code ,}), so the engine sets {@code en-US} as the default format locale when the default is {@code en}; any other
 * default locale is left alone.
 */
final class FormatLocale {

    private FormatLocale() {
    }

    /** Sets {@code en-US} as the default format locale when it is {@code en}; returns whether it did. */
    static boolean preferUnitedStates() {
        if (Locale.ENGLISH.equals(Locale.getDefault(Locale.Category.FORMAT))) {
            Locale.setDefault(Locale.Category.FORMAT, Locale.US);
            return true;
        }
        return false;
    }
}
