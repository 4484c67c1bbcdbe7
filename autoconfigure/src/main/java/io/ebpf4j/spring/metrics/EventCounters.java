package io.ebpf4j.spring.metrics;

import io.ebpf4j.spring.events.EbpfEventSources;
import io.ebpf4j.spring.events.EbpfRecord;
import io.ebpf4j.spring.events.EbpfRecordEvent;
import io.ebpf4j.spring.events.RecordSubscriber;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import org.springframework.context.ApplicationEvent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The event counters declared on one ring buffer or perf event array, fed by {@link EbpfEventSources}: each record
 * goes to every counter (its labels decoded from the start of the record, like a map key), the counts are published
 * about every {@value #PUBLISH_MILLIS} ms, when stale series are also removed, and records are published as
 * {@link EbpfRecordEvent}s with their labels for counters that ask.
 */
final class EventCounters implements RecordSubscriber {
    private static final long PUBLISH_MILLIS = 500;
    /** The value fed to a counter for each record: one. */
    private static final ByteBuffer ONE = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, 1);

    /** One counter on this buffer. */
    record Counter(ValueFamily family, boolean publishEvents) {}

    private final String collection;
    private final String map;
    private final Consumer<ApplicationEvent> publisher;
    private final Object eventSource;
    private final List<Counter> counters = new ArrayList<>();
    private final List<ApplicationEvent> pending = new ArrayList<>();
    private byte[] key = new byte[0];
    private ByteBuffer keyBuffer = ByteBuffer.wrap(key);
    private long lastPublishNanos = System.nanoTime();
    private volatile EbpfEventSources.Source source;

    /**
     * @param publisher where record events go
     * @param eventSource the source of record events
     */
    EventCounters(String collection, String map, Consumer<ApplicationEvent> publisher, Object eventSource) {
        this.collection = collection;
        this.map = map;
        this.publisher = publisher;
        this.eventSource = eventSource;
    }

    String collection() {
        return collection;
    }

    String map() {
        return map;
    }

    /** Adds a counter; before {@link #readFrom}. */
    void add(ValueFamily family, boolean publishEvents) {
        counters.add(new Counter(family, publishEvents));
        family.begin(lastPublishNanos);
        int keySize = family.definition.keys().keySize();
        if (keySize > key.length) {
            key = new byte[keySize];
            keyBuffer = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder());
        }
    }

    /** Subscribes the counters to their buffer. */
    void readFrom(EbpfEventSources sources) {
        source = sources.subscribe(collection, map, this);
    }

    /** Records read so far. */
    long recordsRead() {
        EbpfEventSources.Source s = source;
        return s != null ? s.recordsRead() : 0;
    }

    /** Records lost: perf samples the kernel dropped because the ring was full; for ring buffers, discarded ones. */
    long recordsLost() {
        EbpfEventSources.Source s = source;
        return s != null ? s.recordsLost() : 0;
    }

    @Override
    public synchronized void onRecord(EbpfRecord record) {
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

    /** Publishes the record events of the last wait outside the lock, and the counts when due. */
    @Override
    public void afterPoll(long nowNanos) {
        List<ApplicationEvent> events;
        synchronized (this) {
            events = new ArrayList<>(pending);
            pending.clear();
            if (nowNanos - lastPublishNanos >= TimeUnit.MILLISECONDS.toNanos(PUBLISH_MILLIS)) {
                lastPublishNanos = nowNanos;
                for (Counter counter : counters) {
                    counter.family.end(nowNanos);
                    counter.family.begin(nowNanos);
                }
            }
        }
        for (ApplicationEvent event : events) {
            publisher.accept(event);
        }
    }

    @Override
    public String toString() {
        return "EventCounters[" + collection + "/" + map + ", " + counters.size() + " counters]";
    }
}
