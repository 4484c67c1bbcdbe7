package io.ebpf4j.spring.metrics;

import org.springframework.context.ApplicationEvent;

import java.util.Map;

/**
 * A record a BPF program submitted to a ring buffer or perf event array, published as a Spring application event
 * for event counters with {@code publish-events: true}. Listeners run on the thread reading the buffer: a slow
 * listener delays reading (use {@code @Async} listeners for anything slow); records that arrive meanwhile wait in
 * the buffer, or are lost when it fills.
 */
public class EbpfRecordEvent extends ApplicationEvent {
    private static final long serialVersionUID = 1L;

    private final String collection;
    private final String map;
    private final String counter;
    private final transient Map<String, String> labels;
    private final byte[] record;

    /**
     * @param source the {@link EbpfMetrics} that read it
     * @param labels the record's decoded labels, by name (empty when the counter did not publish it: a decoder
     *     dropped it, or max-series was reached)
     * @param record the record's bytes, owned by the event
     */
    public EbpfRecordEvent(Object source, String collection, String map, String counter, Map<String, String> labels,
            byte[] record) {
        super(source);
        this.collection = collection;
        this.map = map;
        this.counter = counter;
        this.labels = Map.copyOf(labels);
        this.record = record;
    }

    public String getCollection() {
        return collection;
    }

    /** The ring buffer or perf event array. */
    public String getMap() {
        return map;
    }

    /** The event counter's metric name (without prefix). */
    public String getCounter() {
        return counter;
    }

    public Map<String, String> getLabels() {
        return labels;
    }

    /** The record's bytes (not copied: do not change them). */
    public byte[] getRecord() {
        return record;
    }

    @Override
    public String toString() {
        return "EbpfRecordEvent[" + collection + "/" + map + " " + counter + " " + labels + ", " + record.length
                + " bytes]";
    }
}
