package io.profilestream.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.utils.Bytes;

/**
 * Keys of the {@code reevaluation-schedule-store}: the due time as 8 big-endian bytes, then the profile id, so a
 * range scan from the start up to "now" returns exactly the profiles that are due, earliest first.
 */
final class ReevaluationSchedule {

    private ReevaluationSchedule() {
    }

    static Bytes key(final Instant due, final String profileId) {
        final byte[] id = profileId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length).putLong(due.toEpochMilli()).put(id).array());
    }

    /** The smallest key after every entry due at or before {@code now}. */
    static Bytes upperBound(final long nowMs) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(nowMs + 1).array());
    }

    /** The smallest key of every entry due at or after {@code fromMs}. */
    static Bytes lowerBound(final long fromMs) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(fromMs).array());
    }

    static String profileId(final Bytes key) {
        final byte[] bytes = key.get();
        return new String(bytes, Long.BYTES, bytes.length - Long.BYTES, StandardCharsets.UTF_8);
    }

    static long due(final Bytes key) {
        return ByteBuffer.wrap(key.get(), 0, Long.BYTES).getLong();
    }
}
