package io.profilestream.http;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.profilestream.profile.ChangeType;
import io.profilestream.profile.SegmentChange;
import io.profilestream.topology.DeadLetterQueueHandler;

/**
 * What the console shows of two topics, read by one {@code read_committed} consumer that is assigned every partition
 * of {@code segment-changes} and of the dead-letter queue, so every instance sees the whole cluster's records and
 * answers the same.
 * It starts at the records published within the window (by their log-append time), keeps the latest changes for the
 * live feed and the recent-changes list, counts entries and exits per segment in one-minute buckets (size over time)
 * and dead-lettered records by reason and source topic, with the metadata of the latest ones.
 * Dead-lettered payloads are never read: they may carry personal data.
 * It needs no consumer group and commits nothing.
 */
public final class ConsoleFeed implements AutoCloseable {

    /** How many of the latest segment changes are kept for the recent-changes list. */
    static final int RECENT_CHANGES = 10_000;

    /** How many of the latest dead-lettered records' metadata are kept. */
    static final int RECENT_DEAD_LETTERS = 100;

    /** The width of one size-over-time bucket. */
    static final Duration BUCKET = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(2);

    /**
     * One segment change as published, with the time the broker appended it.
     */
    record Change(SegmentChange value, Instant publishedAt, int partition, long offset) {
    }

    /**
     * The metadata of one dead-lettered record: where it came from and why; no key, no payload.
     */
    record DeadLetter(String reason,
                      String sourceTopic,
                      String sourcePartition,
                      String sourceOffset,
                      String message,
                      Instant time,
                      int partition,
                      long offset,
                      int valueBytes) {
    }

    /**
     * Entries and exits of one segment within one bucket.
     */
    record Bucket(Instant start, long entered, long exited) {
    }

    private final Map<String, Object> settings;
    private final String changesTopic;
    private final String dlqTopic;
    private final Function<byte[], SegmentChange> decoder;
    private final Duration window;
    private final Clock clock;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final ArrayDeque<Change> recent = new ArrayDeque<>();
    private final Map<String, NavigableMap<Long, long[]>> buckets = new HashMap<>();
    private final ArrayDeque<DeadLetter> deadLetters = new ArrayDeque<>();
    private final TreeMap<List<String>, Long> deadLetterCounts = new TreeMap<>(ConsoleFeed::compareKeys);
    private final Thread thread;
    private volatile boolean caughtUp;
    private volatile Instant since;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private long undecodable;

    /**
     * Creates a feed; {@link #start()} starts reading.
     *
     * @param kafkaSettings the engine's Kafka client settings (bootstrap servers, security); consumer settings are
     *                      taken from them
     * @param changesTopic the {@code segment-changes} topic
     * @param dlqTopic the dead-letter topic
     * @param decoder decodes a segment change from the wire format
     * @param window how far back the feed starts reading, and how long it keeps buckets
     * @param clock the wall clock
     */
    public ConsoleFeed(final Map<String, ?> kafkaSettings,
                       final String changesTopic,
                       final String dlqTopic,
                       final Function<byte[], SegmentChange> decoder,
                       final Duration window,
                       final Clock clock) {
        final Map<String, Object> consumerSettings = new HashMap<>(kafkaSettings);
        consumerSettings.keySet().retainAll(ConsumerConfig.configNames());
        consumerSettings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumerSettings.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        consumerSettings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerSettings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerSettings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        consumerSettings.put(ConsumerConfig.CLIENT_ID_CONFIG, "profilestream-console-feed");
        this.settings = consumerSettings;
        this.changesTopic = Objects.requireNonNull(changesTopic, "changesTopic");
        this.dlqTopic = Objects.requireNonNull(dlqTopic, "dlqTopic");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.window = Objects.requireNonNull(window, "window");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.since = clock.instant().minus(window);
        this.thread = new Thread(this::run, "profilestream-console-feed");
        this.thread.setDaemon(true);
    }

    /**
     * Starts reading in a thread of its own.
     */
    public void start() {
        thread.start();
    }

    /**
     * Whether the feed has read every record that was published when it started.
     */
    boolean caughtUp() {
        return caughtUp;
    }

    /**
     * The start of the window the counts cover.
     */
    Instant since() {
        return since;
    }

    /**
     * Calls the listener, on the feed's thread, with every change read from now on; it must not block.
     * Closing the returned handle stops the calls.
     */
    AutoCloseable listen(final Consumer<Change> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * How many listeners the feed has.
     */
    int listeners() {
        return listeners.size();
    }

    /**
     * The latest changes that pass the filter, newest first.
     */
    List<Change> recent(final Predicate<Change> filter, final int limit) {
        final List<Change> found = new ArrayList<>();
        synchronized (lock) {
            final Iterator<Change> newestFirst = recent.descendingIterator();
            while (newestFirst.hasNext() && found.size() < limit) {
                final Change change = newestFirst.next();
                if (filter.test(change)) {
                    found.add(change);
                }
            }
        }
        return found;
    }

    /**
     * Entries and exits of a segment (or lifecycle stage, or persona) per bucket within the window, oldest first;
     * buckets without a change are left out.
     */
    List<Bucket> buckets(final String segmentId) {
        final List<Bucket> found = new ArrayList<>();
        synchronized (lock) {
            final NavigableMap<Long, long[]> segment = buckets.getOrDefault(segmentId, new TreeMap<>());
            segment.forEach((start, counts) -> found.add(new Bucket(Instant.ofEpochMilli(start), counts[0],
                counts[1])));
        }
        return found;
    }

    /**
     * Dead-lettered records within the window by reason and source topic: each entry is {@code [reason, topic]}.
     */
    Map<List<String>, Long> deadLetterCounts() {
        synchronized (lock) {
            return new TreeMap<>(deadLetterCounts);
        }
    }

    /**
     * The metadata of the latest dead-lettered records, newest first.
     */
    List<DeadLetter> recentDeadLetters(final int limit) {
        final List<DeadLetter> found = new ArrayList<>();
        synchronized (lock) {
            final Iterator<DeadLetter> newestFirst = deadLetters.descendingIterator();
            while (newestFirst.hasNext() && found.size() < limit) {
                found.add(newestFirst.next());
            }
        }
        return found;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        final KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            // A wakeup ends a poll; interrupting would keep the consumer from closing its fetch sessions cleanly.
            thread.join(Duration.ofSeconds(10).toMillis());
            if (thread.isAlive()) {
                thread.interrupt();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listeners.clear();
    }

    private void run() {
        while (!closed.get()) {
            try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
                consumer = kafka;
                if (closed.get()) {
                    return;
                }
                read(kafka);
            } catch (final WakeupException | InterruptException e) {
                return;
            } catch (final RuntimeException e) {
                if (closed.get()) {
                    return;
                }
                LOG.warn("The console feed stopped reading ({}: {}); it starts again in {} s.",
                    e.getClass().getSimpleName(), e.getMessage(), RETRY.toSeconds());
                try {
                    Thread.sleep(RETRY.toMillis());
                } catch (final InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void read(final KafkaConsumer<byte[], byte[]> kafka) {
        final List<TopicPartition> partitions = new ArrayList<>();
        partitions.addAll(partitionsOf(kafka, changesTopic));
        partitions.addAll(partitionsOf(kafka, dlqTopic));
        kafka.assign(partitions);
        final Instant start = clock.instant().minus(window);
        synchronized (lock) {
            // A restarted read starts the window again, so nothing is counted twice.
            recent.clear();
            buckets.clear();
            deadLetters.clear();
            deadLetterCounts.clear();
        }
        since = start;
        final Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(partition -> query.put(partition, start.toEpochMilli()));
        final Map<TopicPartition, OffsetAndTimestamp> found = kafka.offsetsForTimes(query);
        final Map<TopicPartition, Long> ends = kafka.endOffsets(partitions);
        for (final TopicPartition partition : partitions) {
            final OffsetAndTimestamp offset = found.get(partition);
            kafka.seek(partition, offset == null ? ends.get(partition) : offset.offset());
        }
        LOG.info("The console feed reads {} and {} from {}.", changesTopic, dlqTopic, start);
        long lastPrune = System.nanoTime();
        while (!closed.get()) {
            for (final ConsumerRecord<byte[], byte[]> record : kafka.poll(POLL)) {
                if (changesTopic.equals(record.topic())) {
                    change(record);
                } else {
                    deadLetter(record);
                }
            }
            if (!caughtUp && ends.entrySet().stream().allMatch(end -> kafka.position(end.getKey()) >= end.getValue())) {
                caughtUp = true;
                LOG.info("The console feed has caught up.");
            }
            if (System.nanoTime() - lastPrune > BUCKET.toNanos()) {
                prune();
                lastPrune = System.nanoTime();
            }
        }
    }

    private List<TopicPartition> partitionsOf(final KafkaConsumer<byte[], byte[]> kafka, final String topic) {
        while (!closed.get()) {
            final List<PartitionInfo> infos = kafka.partitionsFor(topic);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
            }
            LOG.info("The console feed waits for topic {} to exist.", topic);
            try {
                Thread.sleep(RETRY.toMillis());
            } catch (final InterruptedException e) {
                throw new InterruptException(e);
            }
        }
        throw new WakeupException();
    }

    private void change(final ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return;
        }
        final SegmentChange value;
        try {
            value = decoder.apply(record.value());
        } catch (final RuntimeException e) {
            if (undecodable++ == 0) {
                LOG.warn("The console feed skips a record of {} it cannot decode (partition {}, offset {}).",
                    record.topic(), record.partition(), record.offset());
            }
            return;
        }
        final Instant published = Instant.ofEpochMilli(record.timestamp());
        final Change change = new Change(value, published, record.partition(), record.offset());
        final long bucket = published.toEpochMilli() - Math.floorMod(published.toEpochMilli(), BUCKET.toMillis());
        synchronized (lock) {
            recent.addLast(change);
            if (recent.size() > RECENT_CHANGES) {
                recent.removeFirst();
            }
            final long[] counts = buckets.computeIfAbsent(value.getSegmentId(), id -> new TreeMap<>())
                .computeIfAbsent(bucket, start -> new long[2]);
            counts[value.getChange() == ChangeType.ENTERED ? 0 : 1]++;
        }
        for (final Consumer<Change> listener : listeners) {
            listener.accept(change);
        }
    }

    private void deadLetter(final ConsumerRecord<byte[], byte[]> record) {
        final DeadLetter letter = new DeadLetter(
            header(record, DeadLetterQueueHandler.HEADER_REASON),
            header(record, DeadLetterQueueHandler.HEADER_TOPIC),
            header(record, DeadLetterQueueHandler.HEADER_PARTITION),
            header(record, DeadLetterQueueHandler.HEADER_OFFSET),
            header(record, DeadLetterQueueHandler.HEADER_MESSAGE),
            Instant.ofEpochMilli(record.timestamp()),
            record.partition(),
            record.offset(),
            Math.max(0, record.serializedValueSize()));
        synchronized (lock) {
            deadLetters.addLast(letter);
            if (deadLetters.size() > RECENT_DEAD_LETTERS) {
                deadLetters.removeFirst();
            }
            deadLetterCounts.merge(List.of(letter.reason(), letter.sourceTopic()), 1L, Long::sum);
        }
    }

    private void prune() {
        final long oldest = clock.instant().minus(window).toEpochMilli();
        synchronized (lock) {
            final Collection<NavigableMap<Long, long[]>> all = buckets.values();
            all.forEach(segment -> segment.headMap(oldest - BUCKET.toMillis(), true).clear());
            all.removeIf(Map::isEmpty);
        }
    }

    private static String header(final ConsumerRecord<byte[], byte[]> record, final String name) {
        final Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? "unknown" : new String(header.value(),
            StandardCharsets.UTF_8);
    }

    private static int compareKeys(final List<String> left, final List<String> right) {
        final int byReason = left.get(0).compareTo(right.get(0));
        return byReason != 0 ? byReason : left.get(1).compareTo(right.get(1));
    }
}
