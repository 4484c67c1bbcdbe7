package io.ebpf4j.spring.metrics;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.MapType;
import io.ebpf4j.perf.PerfReader;
import io.ebpf4j.ringbuf.RecordView;
import io.ebpf4j.ringbuf.RingBufferReader;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.ApplicationEvent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Consumes one ring buffer or perf event array for the event counters declared on it: a daemon thread waits for
 * records and feeds each one to every counter (its labels decoded from the start of the record, like a map key), and
 * publishes the counts about every {@value #PUBLISH_MILLIS} ms, when stale series are also removed. Optionally
 * publishes each record as an {@link EbpfRecordEvent}.
 */
final class EventSource implements AutoCloseable {
    private static final Log logger = LogFactory.getLog(EventSource.class);
    private static final long PUBLISH_MILLIS = 500;
    /** The value fed to a counter for each record: one. */
    private static final ByteBuffer ONE = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, 1);

    /** One counter on this source. */
    record Counter(ValueFamily family, boolean publishEvents) {}

    /** A record, read through whichever reader this is. */
    private interface RecordBytes {
        int length();

        void copyTo(byte[] dst, int count);

        byte[] toByteArray();
    }

    private final String collection;
    private final String map;
    private final Clock clock;
    private final Consumer<ApplicationEvent> publisher;
    private final Object eventSource;
    private final List<Counter> counters = new ArrayList<>();
    private final List<ApplicationEvent> pending = new ArrayList<>();
    private byte[] key = new byte[0];
    private ByteBuffer keyBuffer = ByteBuffer.wrap(key);
    private RingBufferReader ring;
    private PerfReader perf;
    private Thread thread;
    private volatile boolean closed;
    private long lastPublishNanos;

    /**
     * @param publisher where record events go
     * @param eventSource the source of record events
     */
    EventSource(String collection, String map, Clock clock, Consumer<ApplicationEvent> publisher,
            Object eventSource) {
        this.collection = collection;
        this.map = map;
        this.clock = clock;
        this.publisher = publisher;
        this.eventSource = eventSource;
    }

    String collection() {
        return collection;
    }

    String map() {
        return map;
    }

    /** Adds a counter; before {@link #start}. */
    void add(ValueFamily family, boolean publishEvents) {
        counters.add(new Counter(family, publishEvents));
        int keySize = family.definition.keys().keySize();
        if (keySize > key.length) {
            key = new byte[keySize];
            keyBuffer = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder());
        }
    }

    /** Opens the reader on {@code bpfMap} and starts consuming. */
    synchronized void start(BpfMap bpfMap) {
        if (thread != null || closed) {
            return;
        }
        if (bpfMap.type() == MapType.RINGBUF) {
            ring = RingBufferReader.open(bpfMap);
        } else {
            perf = PerfReader.open(bpfMap);
        }
        lastPublishNanos = clock.monotonicTime();
        for (Counter counter : counters) {
            counter.family.begin(lastPublishNanos);
        }
        thread = new Thread(this::run, "ebpf-events-" + collection + "-" + map);
        thread.setDaemon(true);
        thread.start();
    }

    /** Records read so far. */
    long recordsRead() {
        RingBufferReader r = ring;
        PerfReader p = perf;
        return r != null ? r.recordsRead() : p != null ? p.recordsRead() : 0;
    }

    /** Records lost: perf samples the kernel dropped because the ring was full; for ring buffers, discarded ones. */
    long recordsLost() {
        RingBufferReader r = ring;
        PerfReader p = perf;
        return r != null ? r.recordsDiscarded() : p != null ? p.lostSamples() : 0;
    }

    /** A ring buffer record, valid during one visit. */
    private static final class RingRecord implements RecordBytes {
        RecordView view;

        @Override
        public int length() {
            return view.length();
        }

        @Override
        public void copyTo(byte[] dst, int count) {
            view.copyTo(0, dst, 0, count);
        }

        @Override
        public byte[] toByteArray() {
            return view.toByteArray();
        }
    }

    /** A perf sample, valid during one visit. */
    private static final class PerfRecord implements RecordBytes {
        io.ebpf4j.perf.RecordView view;

        @Override
        public int length() {
            return view.length();
        }

        @Override
        public void copyTo(byte[] dst, int count) {
            view.copyTo(0, dst, 0, count);
        }

        @Override
        public byte[] toByteArray() {
            return view.toByteArray();
        }
    }

    private void run() {
        Duration timeout = Duration.ofMillis(PUBLISH_MILLIS);
        RingRecord ringRecord = new RingRecord();
        PerfRecord perfRecord = new PerfRecord();
        Consumer<RecordView> onRing = view -> {
            ringRecord.view = view;
            record(ringRecord);
        };
        Consumer<io.ebpf4j.perf.RecordView> onPerf = view -> {
            perfRecord.view = view;
            record(perfRecord);
        };
        while (!closed) {
            try {
                if (ring != null) {
                    ring.poll(onRing, timeout);
                } else {
                    perf.poll(onPerf, timeout);
                }
                publishEvents();
                long now = clock.monotonicTime();
                if (now - lastPublishNanos >= TimeUnit.MILLISECONDS.toNanos(PUBLISH_MILLIS)) {
                    lastPublishNanos = now;
                    publishCounts(now);
                }
            } catch (BpfException e) {
                if (!closed) {
                    logger.warn("Reading events from map '" + map + "' of collection '" + collection
                            + "' failed; no more events are counted", e);
                }
                return;
            } catch (RuntimeException e) {
                logger.warn("An event listener failed on a record of map '" + map + "' of collection '" + collection
                        + "'", e);
            }
        }
    }

    private synchronized void record(RecordBytes record) {
        for (Counter counter : counters) {
            ValueFamily family = counter.family;
            int keySize = family.definition.keys().keySize();
            Map<String, String> labels = Map.of();
            if (record.length() < keySize) {
                family.undecodable();
            } else {
                record.copyTo(key, keySize);
                family.accept(keyBuffer, 0, ONE, 0);
                labels = labels(family.lastTags());
            }
            if (counter.publishEvents) {
                pending.add(new EbpfRecordEvent(eventSource, collection, map, family.metric(), labels,
                        record.toByteArray()));
            }
        }
    }

    private static Map<String, String> labels(Tags tags) {
        if (tags == null) {
            return Map.of();
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (Tag tag : tags) {
            if (!tag.getKey().equals("collection")) {
                labels.put(tag.getKey(), tag.getValue());
            }
        }
        return labels;
    }

    /** Publishes the record events of the last poll, outside the lock. */
    private void publishEvents() {
        List<ApplicationEvent> events;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            events = new ArrayList<>(pending);
            pending.clear();
        }
        for (ApplicationEvent event : events) {
            publisher.accept(event);
        }
    }

    /** Ends a counting period (publishing its counts, removing stale series) and begins the next. */
    private synchronized void publishCounts(long now) {
        for (Counter counter : counters) {
            counter.family.end(now);
            counter.family.begin(now);
        }
    }

    /** Stops the thread and closes the reader. */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = thread;
        }
        if (ring != null) {
            ring.close(); // wakes the polling thread
        }
        if (perf != null) {
            perf.close();
        }
        if (running != null) {
            try {
                running.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "EventSource[" + collection + "/" + map + ", " + counters.size() + " counters]";
    }
}
