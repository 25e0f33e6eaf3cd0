package io.profilestream.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.profilestream.events.CustomEvent;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.RecentCustomEvent;

/**
 * The custom events a profile retains, which computed traits are computed from ({@code customEvents}).
 * The log is ordered by event time, oldest first, holds at most {@code maxEvents} events and none older than the
 * retention: the bound on per-profile state, whatever a source sends.
 * It has no Kafka dependency and no I/O.
 *
 * @param maxEvents the most events one profile keeps; the oldest go first
 * @param retention how long an event is kept, in event time; also the longest trait window
 */
public record CustomEventLog(int maxEvents, Duration retention) {

    /** 200 events, 90 days. */
    public static final CustomEventLog DEFAULT = new CustomEventLog(200, Duration.ofDays(90));

    private static final Comparator<RecentCustomEvent> BY_TIME = Comparator.comparing(RecentCustomEvent::getTimestamp)
        .thenComparing(RecentCustomEvent::getEventId);

    public CustomEventLog {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("traits.events.max must be at least 1, not " + maxEvents + ".");
        }
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("traits.retention.days must be at least 1.");
        }
    }

    /** Adds an event to the profile's log; an event already held (same id) is not added twice. */
    void append(final CustomerProfile profile, final CustomEvent event, final Instant now) {
        final List<RecentCustomEvent> log = profile.getCustomEvents();
        for (final RecentCustomEvent held : log) {
            if (held.getEventId().equals(event.getEventId())) {
                return;
            }
        }
        final RecentCustomEvent entry = RecentCustomEvent.newBuilder()
            .setEventId(event.getEventId())
            .setName(event.getName())
            .setTimestamp(event.getTimestamp())
            .setProperties(new HashMap<>(event.getProperties()))
            .setMetrics(new HashMap<>(event.getMetrics()))
            .build();
        int at = log.size();
        while (at > 0 && BY_TIME.compare(log.get(at - 1), entry) > 0) {
            at--;
        }
        log.add(at, entry);
        trim(profile, now);
    }

    /**
     * Drops the events older than the retention as of {@code now}, then the oldest beyond the cap.
     *
     * @return whether anything was dropped
     */
    public boolean trim(final CustomerProfile profile, final Instant now) {
        final List<RecentCustomEvent> log = profile.getCustomEvents();
        final Instant oldest = now.minus(retention);
        int drop = 0;
        while (drop < log.size() && log.get(drop).getTimestamp().isBefore(oldest)) {
            drop++;
        }
        drop = Math.max(drop, log.size() - maxEvents);
        if (drop == 0) {
            return false;
        }
        log.subList(0, drop).clear();
        return true;
    }

    /** Unites the source's log with the target's (by event id), ordered and capped; the source is unchanged. */
    void merge(final CustomerProfile target, final CustomerProfile source) {
        if (source.getCustomEvents().isEmpty()) {
            return;
        }
        final Set<String> held = new HashSet<>();
        final List<RecentCustomEvent> merged = new ArrayList<>(target.getCustomEvents());
        merged.forEach(event -> held.add(event.getEventId()));
        for (final RecentCustomEvent event : source.getCustomEvents()) {
            if (held.add(event.getEventId())) {
                merged.add(RecentCustomEvent.newBuilder(event).build());
            }
        }
        merged.sort(BY_TIME);
        if (merged.size() > maxEvents) {
            merged.subList(0, merged.size() - maxEvents).clear();
        }
        target.setCustomEvents(merged);
    }
}
