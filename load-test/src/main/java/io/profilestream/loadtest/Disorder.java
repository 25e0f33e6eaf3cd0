package io.profilestream.loadtest;

import static io.profilestream.loadtest.Agenda.HOUR;
import static io.profilestream.loadtest.Agenda.MINUTE;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Late and duplicate delivery, at the {@link Noise}'s rates: decides which well-formed events are held back to
 * arrive after events with later timestamps and which are sent a second time a little later, and releases what it
 * holds when its time comes.
 * Every decision is drawn from the noise stream, so the events themselves stay the same.
 * Instances are not safe for concurrent use.
 */
final class Disorder {

    private static final long MEAN_LATENESS = HOUR;
    private static final long MEAN_DUPLICATE_DELAY = 2 * MINUTE;
    private static final Comparator<Held> BY_RELEASE =
        Comparator.comparingLong(Held::release).thenComparingLong(Held::sequence);

    private final Noise noise;
    private final SplittableRandom noiseRandom;
    private final PriorityQueue<Held> held = new PriorityQueue<>(BY_RELEASE);
    private long sequence;
    private long late;
    private long duplicates;

    Disorder(final Noise noise, final SplittableRandom noiseRandom) {
        this.noise = noise;
        this.noiseRandom = noiseRandom;
    }

    /** Well-formed events held back and delivered late so far. */
    long late() {
        return late;
    }

    /** Well-formed events sent a second time so far. */
    long duplicates() {
        return duplicates;
    }

    /**
     * Decides whether an event arrives late and whether it is sent twice; returns whether it goes out now.
     *
     * @param event a well-formed event
     * @param now the simulated time it happened at
     */
    boolean sendsNow(final GeneratedEvent event, final long now) {
        if (noise.lateRate() == 0 && noise.duplicateRate() == 0) {
            return true;
        }
        final boolean isLate = noise.lateRate() > 0 && Sampling.chance(noiseRandom, noise.lateRate());
        final long deliverAt = isLate ? now + MINUTE + Sampling.delay(noiseRandom, MEAN_LATENESS) : now;
        if (noise.duplicateRate() > 0 && Sampling.chance(noiseRandom, noise.duplicateProbability())) {
            duplicates++;
            held.add(new Held(deliverAt + 1 + Sampling.delay(noiseRandom, MEAN_DUPLICATE_DELAY), sequence++, event));
        }
        if (isLate) {
            late++;
            held.add(new Held(deliverAt, sequence++, event));
            return false;
        }
        return true;
    }

    /**
     * Releases the first held event due by the given simulated time.
     *
     * @param until the simulated time of the next happening, or {@link Long#MAX_VALUE} to release everything
     * @return the event, or {@code null} when none is due
     */
    GeneratedEvent release(final long until) {
        final Held due = held.peek();
        if (due == null || due.release() > until) {
            return null;
        }
        held.remove();
        return due.event();
    }

    private record Held(long release, long sequence, GeneratedEvent event) {
    }
}
