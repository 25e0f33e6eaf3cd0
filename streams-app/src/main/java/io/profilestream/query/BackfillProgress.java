package io.profilestream.query;

import io.profilestream.topology.Backfill;

/**
 * How far the backfill of one definition has come over the profiles of this instance, summed over its tasks.
 *
 * @param running whether any task still has profiles to evaluate
 * @param processed profiles evaluated so far
 * @param total profiles to evaluate (an estimate that grows with profiles created since the backfill started)
 */
public record BackfillProgress(boolean running, long processed, long total) {

    /**
     * No backfill: nothing running, nothing to do.
     */
    public static final BackfillProgress NONE = new BackfillProgress(false, 0, 0);

    /**
     * The progress of one task.
     */
    static BackfillProgress of(final Backfill task) {
        return new BackfillProgress(task.state() == Backfill.State.RUNNING, task.processed(), task.total());
    }

    /**
     * The progress of this task or tasks and another's together.
     */
    BackfillProgress plus(final BackfillProgress other) {
        return new BackfillProgress(running || other.running, processed + other.processed, total + other.total);
    }
}
