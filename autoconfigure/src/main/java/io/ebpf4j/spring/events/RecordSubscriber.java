package io.ebpf4j.spring.events;

/** Receives the records of one ring buffer or perf event array, on the thread that reads it. */
public interface RecordSubscriber {
    /** One record, valid during this call only. */
    void onRecord(EbpfRecord record);

    /**
     * Called after each wait for records, at least every half second: to publish what the records of the wait added
     * up to, outside {@link #onRecord}.
     *
     * @param nowNanos {@link System#nanoTime()}
     */
    default void afterPoll(long nowNanos) {
    }
}
