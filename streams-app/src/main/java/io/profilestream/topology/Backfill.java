package io.profilestream.topology;

/**
 * Progress of one definition's backfill over one task's profiles, stored as text in {@code segment-backfill-store}
 * so it resumes after a restart: {@code state;version;processed;total;cursor}, the cursor (last profile id done)
 * last because ids may contain any character.
 *
 * @param state RUNNING until every profile was evaluated, then DONE
 * @param version the definition version being filled, or -1 for a deleted definition whose members exit
 * @param processed profiles evaluated so far
 * @param total profiles in the task when the backfill started (an estimate)
 * @param cursor the last profile id evaluated, empty before the first and once done: a profile id is personal data,
 *               and a finished backfill has no use for it
 */
public record Backfill(State state, long version, long processed, long total, String cursor) {

    /** Whether a backfill still has profiles to evaluate. */
    public enum State { RUNNING, DONE }

    /** Version recorded for a definition that was deleted. */
    static final long DELETED = -1;

    static Backfill start(final long version, final long total) {
        return new Backfill(State.RUNNING, version, 0, total, "");
    }

    /** A backfill with nothing to fill: the task held no profile when the definition arrived. */
    static Backfill filled(final long version) {
        return new Backfill(State.DONE, version, 0, 0, "");
    }

    /**
     * Reads progress as stored in {@code segment-backfill-store}, the text {@link #format()} writes.
     */
    public static Backfill parse(final String text) {
        final String[] parts = text.split(";", 5);
        return new Backfill(State.valueOf(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]),
            Long.parseLong(parts[3]), parts[4]);
    }

    String format() {
        return state + ";" + version + ";" + processed + ";" + total + ";" + cursor;
    }

    /**
     * Progress after another batch; the total is an estimate taken at the start, so it grows with profiles created
     * since.
     */
    Backfill advance(final long more, final String lastId, final boolean finished) {
        final long done = processed + more;
        return new Backfill(finished ? State.DONE : State.RUNNING, version, done, Math.max(total, done),
            finished ? "" : lastId);
    }

    /** The same progress with the cursor moved (to the profile before one that was deleted). */
    Backfill withCursor(final String newCursor) {
        return new Backfill(state, version, processed, total, newCursor);
    }
}
