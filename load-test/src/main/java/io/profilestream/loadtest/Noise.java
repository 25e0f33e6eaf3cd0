package io.profilestream.loadtest;

/**
 * The imperfections mixed into a generated stream, as shares of the records produced.
 *
 * <p>A late event keeps its timestamp but is delivered after events with later timestamps.
 * A duplicate is an earlier record sent again, same event id and all, a little later.
 * A malformed record is one the engine must reject to its dead-letter queue: undecodable bytes, a blank required id,
 * a negative quantity or an unknown currency (see {@link Defect}).
 * Late and duplicate events are decided on a random stream of their own, so a stream with noise carries exactly the
 * events of the same stream without noise, plus the extra records.
 *
 * @param lateRate the share of well-formed events that arrive late
 * @param duplicateRate the share of all records that are duplicates of an earlier one
 * @param malformedRate the share of all records that are malformed
 */
public record Noise(double lateRate, double duplicateRate, double malformedRate) {

    /** A clean stream. */
    public static final Noise NONE = new Noise(0, 0, 0);

    public Noise {
        share("late", lateRate);
        share("duplicate", duplicateRate);
        share("malformed", malformedRate);
        if (lateRate >= 1 || duplicateRate + malformedRate >= 1) {
            throw new IllegalArgumentException("The late rate, and the duplicate and malformed rates together, must be "
                + "below 1.");
        }
    }

    /** Whether any record is late, duplicated or malformed. */
    public boolean isNone() {
        return lateRate == 0 && duplicateRate == 0 && malformedRate == 0;
    }

    /**
     * The probability that a well-formed record is followed by a duplicate, so that duplicates make up
     * {@link #duplicateRate()} of all records.
     */
    double duplicateProbability() {
        return duplicateRate / (1 - duplicateRate - malformedRate);
    }

    /**
     * The probability that a malformed record is inserted before a well-formed one, so that malformed records make up
     * {@link #malformedRate()} of all records.
     */
    double malformedProbability() {
        return malformedRate / (1 - malformedRate);
    }

    private static void share(final String name, final double rate) {
        if (!(rate >= 0) || rate > 1) {
            throw new IllegalArgumentException("The " + name + " rate must be a share between 0 and 1.");
        }
    }
}
