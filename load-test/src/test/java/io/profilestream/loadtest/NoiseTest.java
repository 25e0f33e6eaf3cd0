package io.profilestream.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.profilestream.config.EngineSettings;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.domain.EventValidator;
import io.profilestream.errors.DlqReason;
import io.profilestream.errors.RejectedRecordException;
import io.profilestream.registry.InMemorySchemaRegistryClient;
import io.profilestream.serde.EngineSerdes;

/**
 * Late, duplicate and malformed records come at the configured rates, and nothing else about the stream changes.
 * Rates are checked within four standard errors of their sampling error.
 */
class NoiseTest {

    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private static final Noise NOISE = new Noise(0.05, 0.04, 0.03);
    private static final double SIGMAS = 4;
    private static final double DAYS = 30;

    private static Population population;
    private static List<GeneratedEvent> clean;
    private static List<GeneratedEvent> noisy;
    private static EventGenerator.Counts counts;

    @BeforeAll
    static void simulate() {
        population = Population.generate(2_000, 31);
        final SimulatedTime time = SimulatedTime.simulated(START, 0, DAYS);
        clean = SimulationTest.drain(EventGenerator.simulated(population, time, Noise.NONE));
        final EventGenerator generator = EventGenerator.simulated(population, time, NOISE);
        noisy = SimulationTest.drain(generator);
        counts = generator.counts();
    }

    @Test
    void shouldMalformTheConfiguredShareOfRecords() {
        final long malformed = noisy.stream().filter(GeneratedEvent::isMalformed).count();

        assertShare(malformed, noisy.size(), NOISE.malformedRate());
        assertThat(counts.malformed()).isEqualTo(malformed);
        assertThat(counts.delivered()).isEqualTo(noisy.size());
    }

    @Test
    void shouldDuplicateTheConfiguredShareOfRecords() {
        final Map<String, GeneratedEvent> firstById = new HashMap<>();
        long duplicates = 0;
        for (final GeneratedEvent event : noisy) {
            if (!event.isMalformed()) {
                final GeneratedEvent first = firstById.putIfAbsent(event.eventId(), event);
                if (first != null) {
                    duplicates++;
                    assertThat(event).isEqualTo(first);
                }
            }
        }

        assertShare(duplicates, noisy.size(), NOISE.duplicateRate());
        assertThat(counts.duplicates()).isEqualTo(duplicates);
    }

    @Test
    void shouldDeliverTheConfiguredShareOfEventsLate() {
        final Set<String> seen = new HashSet<>();
        long originals = 0;
        long late = 0;
        long latest = Long.MIN_VALUE;
        for (final GeneratedEvent event : noisy) {
            if (event.isMalformed() || !seen.add(event.eventId())) {
                continue;
            }
            originals++;
            final long time = event.timestamp().toEpochMilli();
            if (time < latest) {
                late++;
            }
            latest = Math.max(latest, time);
        }

        assertShare(late, originals, NOISE.lateRate());
        assertThat(counts.late()).isBetween(late, late + late / 50);
    }

    @Test
    void shouldCarryExactlyTheCleanEventsBesidesTheNoise() {
        final Set<String> seen = new HashSet<>();
        final Map<String, GeneratedEvent> wellFormed = new HashMap<>();
        for (final GeneratedEvent event : noisy) {
            if (!event.isMalformed() && seen.add(event.eventId())) {
                wellFormed.put(event.eventId(), event);
            }
        }

        assertThat(wellFormed).hasSameSizeAs(clean);
        assertThat(clean).allSatisfy(event -> assertThat(wellFormed.get(event.eventId())).isEqualTo(event));
    }

    @Test
    void shouldPassTheEngineValidatorUnlessMalformed() {
        final EventValidator validator = EngineSettings.from(ProfileStreamConfig.of(Map.of())).validator();
        final EngineSerdes serdes = new EngineSerdes(new InMemorySchemaRegistryClient(), Integer.MAX_VALUE);
        final long nowMs = noisy.stream().mapToLong(event -> event.timestamp().toEpochMilli()).max().orElseThrow();
        final Map<Defect, Integer> defects = new EnumMap<>(Defect.class);

        for (final GeneratedEvent event : noisy) {
            if (!event.isMalformed()) {
                assertThatCode(() -> validator.validate(event.key(), event.value(), nowMs)).doesNotThrowAnyException();
                continue;
            }
            defects.merge(event.defect(), 1, Integer::sum);
            if (event.defect() == Defect.GARBAGE_BYTES) {
                assertThat(event.value()).isNull();
                assertThatThrownBy(() -> serdes.click().deserialize(event.rawValue()))
                    .isInstanceOfSatisfying(RejectedRecordException.class,
                        rejected -> assertThat(rejected.reason()).isEqualTo(DlqReason.UNDECODABLE));
            } else {
                assertThatThrownBy(() -> validator.validate(event.key(), event.value(), nowMs))
                    .isInstanceOfSatisfying(RejectedRecordException.class,
                        rejected -> assertThat(rejected.reason()).isEqualTo(event.defect().reason()));
            }
        }
        assertThat(defects).containsOnlyKeys(Defect.values());
    }

    @Test
    void shouldRepeatTheSameNoiseForTheSameSeed() {
        final SimulatedTime time = SimulatedTime.simulated(START, 0, 5);
        final List<GeneratedEvent> again = SimulationTest.drain(EventGenerator.simulated(population, time, NOISE));

        assertThat(again).isEqualTo(SimulationTest.drain(EventGenerator.simulated(population, time, NOISE)));
        assertThat(again).anyMatch(GeneratedEvent::isMalformed);
    }

    @Test
    void shouldRejectRatesThatCannotAddUp() {
        assertThatThrownBy(() -> new Noise(0, 0.6, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Noise(-0.1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Noise(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Noise.NONE.isNone()).isTrue();
    }

    private static void assertShare(final long count, final long total, final double rate) {
        final double standardError = Math.sqrt(rate * (1 - rate) / total);
        assertThat((double) count / total).isCloseTo(rate, within(SIGMAS * standardError));
    }
}
