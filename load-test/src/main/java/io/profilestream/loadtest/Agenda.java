package io.profilestream.loadtest;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The simulated clock and what is due on it: happenings scheduled at points in simulated time, run one at a time in
 * time order, ties in the order they were scheduled.
 *
 * <p>Simulated time is in milliseconds from the start of the run and advances from one happening to the next.
 * A session is a run of happenings that puts its next step on the agenda only once the previous one has run, so a
 * session's clicks stay in order however the agenda fills up in between.
 * Instances are not safe for concurrent use.
 */
final class Agenda {

    static final long SECOND = 1_000L;
    static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = PurchaseTimeline.MILLIS_PER_DAY;

    private static final Comparator<Scheduled> BY_TIME =
        Comparator.comparingLong(Scheduled::at).thenComparingLong(Scheduled::sequence);

    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>(BY_TIME);
    private long now;
    private long sequence;

    /** The simulated time of the latest happening. */
    long now() {
        return now;
    }

    /** Whether anything is left to happen. */
    boolean hasNext() {
        return !queue.isEmpty();
    }

    /** The simulated time of the next happening; only when {@link #hasNext()}. */
    long nextAt() {
        return queue.element().at();
    }

    /**
     * Advances the clock to the next happening and runs it.
     *
     * @return the event it yields, or {@code null}
     */
    GeneratedEvent runNext() {
        final Scheduled next = queue.remove();
        now = next.at();
        return next.step().run();
    }

    void schedule(final long at, final Step step) {
        queue.add(new Scheduled(at, sequence++, step));
    }

    /**
     * Puts a session on the agenda, from its first step on.
     */
    void startSession(final List<Timed> steps) {
        final Session session = new Session(new ArrayDeque<>(steps));
        schedule(steps.get(0).at(), session);
    }

    /**
     * Something that happens at a point in simulated time and may yield an event.
     */
    @FunctionalInterface
    interface Step {
        GeneratedEvent run();
    }

    /**
     * A step of a session and when it happens.
     */
    record Timed(long at, Step step) {
    }

    private record Scheduled(long at, long sequence, Step step) {
    }

    /**
     * A session's remaining steps; it runs one step at a time and puts itself back on the agenda for the next.
     */
    private final class Session implements Step {
        private final Deque<Timed> steps;

        private Session(final Deque<Timed> steps) {
            this.steps = steps;
        }

        @Override
        public GeneratedEvent run() {
            final GeneratedEvent event = steps.removeFirst().step().run();
            if (!steps.isEmpty()) {
                schedule(steps.peekFirst().at(), this);
            }
            return event;
        }
    }
}
