package io.ebpf4j.spring.events;

import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.MapType;
import io.ebpf4j.perf.PerfReader;
import io.ebpf4j.ringbuf.RingBufferReader;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One ring buffer or perf event array and its subscribers: a daemon thread waits for records (at most
 * {@value #POLL_MILLIS} ms at a time), hands each to every subscriber, then tells them the wait is over.
 */
final class EventSource implements EbpfEventSources.Source {
    private static final Log logger = LogFactory.getLog(EventSource.class);
    static final long POLL_MILLIS = 500;

    private final String collection;
    private final String map;
    private final List<RecordSubscriber> subscribers = new CopyOnWriteArrayList<>();
    private RingBufferReader ring;
    private PerfReader perf;
    private Thread thread;
    private volatile boolean closed;

    EventSource(String collection, String map) {
        this.collection = collection;
        this.map = map;
    }

    @Override
    public String collection() {
        return collection;
    }

    @Override
    public String map() {
        return map;
    }

    void add(RecordSubscriber subscriber) {
        subscribers.add(subscriber);
    }

    /** Opens the reader on {@code bpfMap} and starts reading. */
    synchronized void start(BpfMap bpfMap) {
        if (thread != null || closed) {
            return;
        }
        if (bpfMap.type() == MapType.RINGBUF) {
            ring = RingBufferReader.open(bpfMap);
        } else {
            perf = PerfReader.open(bpfMap);
        }
        thread = new Thread(this::run, "ebpf-events-" + collection + "-" + map);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public long recordsRead() {
        RingBufferReader r = ring;
        PerfReader p = perf;
        return r != null ? r.recordsRead() : p != null ? p.recordsRead() : 0;
    }

    @Override
    public long recordsLost() {
        RingBufferReader r = ring;
        PerfReader p = perf;
        return r != null ? r.recordsDiscarded() : p != null ? p.lostSamples() : 0;
    }

    /** A ring buffer record, valid during one visit. */
    private static final class RingRecord implements EbpfRecord {
        io.ebpf4j.ringbuf.RecordView view;

        @Override
        public int length() {
            return view.length();
        }

        @Override
        public void copyTo(byte[] target, int count) {
            view.copyTo(0, target, 0, count);
        }

        @Override
        public byte[] toByteArray() {
            return view.toByteArray();
        }
    }

    /** A perf sample, valid during one visit. */
    private static final class PerfRecord implements EbpfRecord {
        io.ebpf4j.perf.RecordView view;

        @Override
        public int length() {
            return view.length();
        }

        @Override
        public void copyTo(byte[] target, int count) {
            view.copyTo(0, target, 0, count);
        }

        @Override
        public byte[] toByteArray() {
            return view.toByteArray();
        }
    }

    private void run() {
        Duration timeout = Duration.ofMillis(POLL_MILLIS);
        RingRecord ringRecord = new RingRecord();
        PerfRecord perfRecord = new PerfRecord();
        Consumer<io.ebpf4j.ringbuf.RecordView> onRing = view -> {
            ringRecord.view = view;
            deliver(ringRecord);
        };
        Consumer<io.ebpf4j.perf.RecordView> onPerf = view -> {
            perfRecord.view = view;
            deliver(perfRecord);
        };
        while (!closed) {
            try {
                if (ring != null) {
                    ring.poll(onRing, timeout);
                } else {
                    perf.poll(onPerf, timeout);
                }
                long now = System.nanoTime();
                for (RecordSubscriber subscriber : subscribers) {
                    subscriber.afterPoll(now);
                }
            } catch (BpfException e) {
                if (!closed) {
                    logger.warn("Reading events from map '" + map + "' of collection '" + collection
                            + "' failed; no more events are read", e);
                }
                return;
            } catch (RuntimeException e) {
                logger.warn("A subscriber failed on a record of map '" + map + "' of collection '" + collection
                        + "'", e);
            }
        }
    }

    private void deliver(EbpfRecord record) {
        for (RecordSubscriber subscriber : subscribers) {
            subscriber.onRecord(record);
        }
    }

    /** Stops the thread and closes the reader. */
    void close() {
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
        return "EventSource[" + collection + "/" + map + ", " + subscribers.size() + " subscribers]";
    }
}
