package io.profilestream.models;

/**
 * RFM scores, each from 1 (worst fifth of customers) to 5 (best fifth).
 * Recency scores 5 for the most recent buyers; frequency and monetary score 5 for the highest values.
 *
 * @param recency recency score, 1..5
 * @param frequency frequency score, 1..5
 * @param monetary monetary score, 1..5
 */
public record RfmScore(int recency, int frequency, int monetary) {

    public RfmScore {
        if (recency < 1 || recency > 5 || frequency < 1 || frequency > 5 || monetary < 1 || monetary > 5) {
            throw new IllegalArgumentException("RFM scores lie in 1..5");
        }
    }

    /** The three digits, e.g. "545". */
    public String code() {
        return "" + recency + frequency + monetary;
    }
}
