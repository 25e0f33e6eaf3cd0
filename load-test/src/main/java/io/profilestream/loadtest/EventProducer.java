package io.profilestream.loadtest;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.config.Topics;
import io.profilestream.domain.EventKind;
import io.profilestream.events.ClickEvent;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.serde.EngineSerdes;

/**
 * Sends events from an {@link EventSource} to Kafka at a target rate, or in step with simulated time, until a limit
 * is reached, the source runs out or it is closed.
 *
 * <p>Values are serialized with the engine's own serdes (registry wire format, subject {@code <topic>-value}), keys
 * as UTF-8 strings; malformed records that are raw bytes go out as they are.
 * Live, each record carries its event time as the record timestamp.
 * With simulated time the record timestamp is left to the producer (the time of sending) and the event time travels
 * only in the value, where the engine reads it: brokers reject record timestamps more than an hour ahead
 * ({@code message.timestamp.after.max.ms}) and delete records whose timestamps are older than the retention time,
 * so simulated months in the past or the future would otherwise be refused or vanish.
 * With a speed-up (see {@link SimulatedTime}) each event waits until the {@link SimulatedClock} reaches its time;
 * otherwise a {@link Pacer} holds the target rate.
 * Every failure, whether thrown by {@code send} or reported to the producer callback, is counted; the first of each
 * kind is logged.
 * Before the first event it fetches the metadata of the three topics, and fails with a clear message when one is
 * missing and cannot be created automatically.
 * Once a second it passes a progress line to the consumer given.
 * On the way out it flushes the producer, also when stopped by {@link #close()} or an interrupt; the producer
 * itself belongs to the caller, who closes it afterwards.
 */
public final class EventProducer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventProducer.class);
    private static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Producer<String, byte[]> producer;
    private final EngineSerdes serdes;
    private final Topics topics;
    private final EventSource source;
    private final Pacer pacer;
    private final SimulatedClock simulatedClock;
    private final long maxEvents;
    private final long maxDurationNanos;
    private final Consumer<String> progress;
    private final LongSupplier nanoClock;
    private final boolean simulated;
    private final AtomicLong generated = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong latestEventMillis = new AtomicLong(Long.MIN_VALUE);
    private final Set<String> loggedFailures = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile long startNanos;
    private volatile long endNanos;

    /**
     * Creates a runner; nothing is sent until {@link #run()}.
     *
     * @param producer where records go; not closed by this class
     * @param serdes the engine's serdes, built on the schema registry client to register with
     * @param topics topic names
     * @param source the events to send
     * @param settings the rate or speed-up and the limits (the population fields are not used here)
     * @param progress receives a progress line every second and a summary at the end
     */
    public EventProducer(final Producer<String, byte[]> producer,
                         final EngineSerdes serdes,
                         final Topics topics,
                         final EventSource source,
                         final GeneratorSettings settings,
                         final Consumer<String> progress) {
        this(producer, serdes, topics, source, settings, progress, System::nanoTime);
    }

    EventProducer(final Producer<String, byte[]> producer,
                  final EngineSerdes serdes,
                  final Topics topics,
                  final EventSource source,
                  final GeneratorSettings settings,
                  final Consumer<String> progress,
                  final LongSupplier nanoClock) {
        this.producer = producer;
        this.serdes = serdes;
        this.topics = topics;
        this.source = source;
        this.pacer = new Pacer(settings.eventsPerSecond());
        this.simulatedClock = settings.time().speedup() > 0
            ? new SimulatedClock(settings.time().start(), settings.time().speedup())
            : null;
        this.simulated = !settings.time().isLive();
        this.maxEvents = settings.maxEvents();
        this.maxDurationNanos = settings.maxDuration().isZero() ? 0 : settings.maxDuration().toNanos();
        this.progress = progress;
        this.nanoClock = nanoClock;
    }

    /**
     * Sends events until the event limit or the duration is reached, the source runs out, {@link #close()} is called
     * or the thread is interrupted, then flushes and returns the final counts.
     * Can be called once.
     */
    public Stats run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("An EventProducer runs only once.");
        }
        startNanos = nanoClock.getAsLong();
        final Progress report = new Progress(startNanos);
        try {
            awaitTopics();
            while (!stopRequested && (maxEvents == 0 || generated.get() < maxEvents)) {
                final GeneratedEvent event = source.next();
                if (event == null) {
                    break;
                }
                final long due = simulatedClock != null
                    ? simulatedClock.due(event.timestamp(), nanoClock.getAsLong())
                    : pacer.acquire(nanoClock.getAsLong());
                if (!waitUntil(due, report)) {
                    break;
                }
                send(event);
            }
        } finally {
            try {
                flush();
                endNanos = nanoClock.getAsLong();
                final Stats stats = stats();
                progress.accept(String.format(Locale.ROOT, "Done: %d events in %.1f s (%.1f events/s), "
                        + "%d acknowledged, %d errors.", stats.generated(), stats.elapsed().toMillis() / 1000.0,
                    stats.eventsPerSecond(), stats.acknowledged(), stats.errors()));
            } finally {
                finished.countDown();
            }
        }
        return stats();
    }

    /**
     * Asks a running {@link #run()} to stop and waits (up to 30 seconds) until it has flushed and returned.
     */
    @Override
    public void close() {
        stopRequested = true;
        if (!started.get()) {
            return;
        }
        try {
            if (!finished.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("The event producer did not stop within {} s.", CLOSE_TIMEOUT.toSeconds());
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The counts so far.
     */
    public Stats stats() {
        final long start = startNanos;
        final long end = endNanos != 0 ? endNanos : nanoClock.getAsLong();
        final Duration elapsed = started.get() ? Duration.ofNanos(Math.max(0, end - start)) : Duration.ZERO;
        return new Stats(generated.get(), sent.get(), acknowledged.get(), errors.get(), elapsed);
    }

    /**
     * Fetches the topics' metadata before the first send, which fails fast when a topic is missing and cannot be
     * auto-created, and keeps the first batches from racing a topic's creation (an idempotent producer can get stuck
     * retrying a first batch that failed while later ones succeeded, KAFKA-14359).
     */
    private void awaitTopics() {
        for (final EventKind kind : GeneratedEvent.KINDS) {
            if (stopRequested) {
                return;
            }
            final String topic = topics.of(kind);
            try {
                producer.partitionsFor(topic);
            } catch (final InterruptException e) {
                stopRequested = true;
                Thread.currentThread().interrupt();
                return;
            } catch (final KafkaException e) {
                throw new IllegalStateException("Topic " + topic + " is not available: it does not exist and cannot be "
                    + "created automatically, or the cluster cannot be reached (" + e.getMessage() + ").", e);
            }
        }
    }

    /**
     * Waits until {@code due}, reporting progress meanwhile; returns false when it is time to stop instead.
     */
    private boolean waitUntil(final long due, final Progress report) {
        while (true) {
            final long now = nanoClock.getAsLong();
            report.maybeReport(now);
            final long timeLeft = maxDurationNanos == 0 ? Long.MAX_VALUE : startNanos + maxDurationNanos - now;
            if (stopRequested || timeLeft <= 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            if (due - now <= 0) {
                return true;
            }
            final long wait = Math.min(Math.min(due - now, timeLeft), Math.min(report.next - now, MAX_WAIT_NANOS));
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private void send(final GeneratedEvent event) {
        generated.incrementAndGet();
        latestEventMillis.accumulateAndGet(event.timestamp().toEpochMilli(), Math::max);
        final String topic = topics.of(event.kind());
        try {
            final byte[] value = event.value() != null ? serialize(topic, event.value()) : event.rawValue();
            final Long timestamp = simulated ? null : event.timestamp().toEpochMilli();
            producer.send(new ProducerRecord<>(topic, null, timestamp, event.key(), value),
                (metadata, exception) -> {
                    if (exception == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        failed(topic, exception);
                    }
                });
            sent.incrementAndGet();
        } catch (final InterruptException e) {
            failed(topic, e);
            stopRequested = true;
            Thread.currentThread().interrupt();
        } catch (final RuntimeException e) {
            failed(topic, e);
        }
    }

    private byte[] serialize(final String topic, final SpecificRecord value) {
        if (value instanceof ClickEvent click) {
            return serdes.click().serialize(topic, click);
        }
        if (value instanceof PurchaseEvent purchase) {
            return serdes.purchase().serialize(topic, purchase);
        }
        if (value instanceof EmailEvent email) {
            return serdes.email().serialize(topic, email);
        }
        throw new IllegalArgumentException("No serde for " + value.getClass().getSimpleName() + ".");
    }

    private void failed(final String topic, final Exception exception) {
        errors.incrementAndGet();
        final String kind = topic + "/" + exception.getClass().getName();
        if (loggedFailures.add(kind)) {
            LOG.warn("Sending an event to topic {} failed; later {} failures on this topic are counted, not logged.",
                topic, exception.getClass().getSimpleName(), exception);
        }
    }

    /**
     * Flushes what is buffered, even when the thread was interrupted (the interrupt is restored afterwards).
     */
    private void flush() {
        final boolean interrupted = Thread.interrupted();
        try {
            producer.flush();
        } catch (final RuntimeException e) {
            LOG.warn("Flushing the producer failed.", e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Counts of one run.
     *
     * @param generated events taken from the source
     * @param sent events handed to the producer
     * @param acknowledged events the broker confirmed
     * @param errors events that failed, in {@code send} or in the callback
     * @param elapsed time since the run started
     */
    public record Stats(long generated, long sent, long acknowledged, long errors, Duration elapsed) {

        /** Average rate of generated events over the run. */
        public double eventsPerSecond() {
            final long nanos = elapsed.toNanos();
            return nanos == 0 ? 0 : generated * 1e9 / nanos;
        }
    }

    /**
     * Writes the progress line once a second, with the rate over the last interval.
     */
    private final class Progress {
        private long next;
        private long lastNanos;
        private long lastGenerated;

        private Progress(final long startNanos) {
            this.next = startNanos + REPORT_INTERVAL_NANOS;
            this.lastNanos = startNanos;
        }

        private void maybeReport(final long now) {
            if (now - next < 0) {
                return;
            }
            final long total = generated.get();
            final double rate = (total - lastGenerated) * 1e9 / (now - lastNanos);
            final String line = String.format(Locale.ROOT, "%.1f events/s, %d total, %d acknowledged, %d errors",
                rate, total, acknowledged.get(), errors.get());
            final long latest = latestEventMillis.get();
            progress.accept(simulated && latest != Long.MIN_VALUE
                ? line + ", simulated time " + Instant.ofEpochMilli(latest).truncatedTo(ChronoUnit.MINUTES) + "."
                : line + ".");
            lastNanos = now;
            lastGenerated = total;
            next = now + REPORT_INTERVAL_NANOS;
        }
    }
}
