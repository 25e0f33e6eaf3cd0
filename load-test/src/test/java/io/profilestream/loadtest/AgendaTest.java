package io.profilestream.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.profilestream.events.EmailEvent;
import io.profilestream.events.EmailEventType;

/**
 * The agenda runs happenings in time order, ties in the order they were scheduled, and a session one step at a time;
 * the generator's determinism rests on both.
 */
class AgendaTest {

    @Test
    void shouldRunHappeningsInTimeOrderAndTiesInTheOrderScheduled() {
        final Agenda agenda = new Agenda();
        final List<String> ran = new ArrayList<>();
        agenda.schedule(20, note(ran, "late"));
        agenda.schedule(10, note(ran, "first tie"));
        agenda.schedule(10, note(ran, "second tie"));
        agenda.schedule(5, note(ran, "early"));

        final List<Long> times = runAll(agenda);

        assertThat(ran).containsExactly("early", "first tie", "second tie", "late");
        assertThat(times).containsExactly(5L, 10L, 10L, 20L);
    }

    @Test
    void shouldRunASessionOneStepAtATimeBetweenOtherHappenings() {
        final Agenda agenda = new Agenda();
        final List<String> ran = new ArrayList<>();
        agenda.startSession(List.of(
            new Agenda.Timed(10, note(ran, "session 1")),
            new Agenda.Timed(30, note(ran, "session 2")),
            new Agenda.Timed(30, note(ran, "session 3"))));
        agenda.schedule(30, note(ran, "other at 30"));
        agenda.schedule(20, note(ran, "other at 20"));

        runAll(agenda);

        assertThat(ran).containsExactly("session 1", "other at 20", "other at 30", "session 2", "session 3");
    }

    @Test
    void shouldPassOnTheEventAHappeningYields() {
        final Agenda agenda = new Agenda();
        final GeneratedEvent event = GeneratedEvent.email(EmailEvent.newBuilder()
            .setEventId("e-1")
            .setCustomerId("c-1")
            .setCampaignId("cmp-0001")
            .setType(EmailEventType.SENT)
            .setTimestamp(Instant.EPOCH)
            .build());
        agenda.schedule(1, () -> event);

        assertThat(agenda.runNext()).isSameAs(event);
        assertThat(agenda.hasNext()).isFalse();
    }

    private static Agenda.Step note(final List<String> ran, final String name) {
        return () -> {
            ran.add(name);
            return null;
        };
    }

    private static List<Long> runAll(final Agenda agenda) {
        final List<Long> times = new ArrayList<>();
        while (agenda.hasNext()) {
            assertThat(agenda.runNext()).isNull();
            times.add(agenda.now());
        }
        return times;
    }
}
