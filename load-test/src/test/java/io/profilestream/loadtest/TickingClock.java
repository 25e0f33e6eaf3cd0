package io.profilestream.loadtest;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A test clock that moves forward by a fixed step every time it is read.
 */
final class TickingClock extends Clock {

    private final long stepMillis;
    private long millis;

    TickingClock(final Instant start, final long stepMillis) {
        this.millis = start.toEpochMilli();
        this.stepMillis = stepMillis;
    }

    /** The time the next read will return, without advancing. */
    Instant peek() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
        final long now = millis;
        millis += stepMillis;
        return now;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(final ZoneId zone) {
        throw new UnsupportedOperationException("A ticking test clock has no other zones.");
    }
}
