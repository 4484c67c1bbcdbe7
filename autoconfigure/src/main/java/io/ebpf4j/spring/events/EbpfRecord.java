package io.ebpf4j.spring.events;

/** A record of a ring buffer or perf event array, valid only during the call that hands it over. */
public interface EbpfRecord {
    /** The record's size in bytes. */
    int length();

    /** Copies the record's first {@code count} bytes to the start of {@code target}. */
    void copyTo(byte[] target, int count);

    /** A copy of the record's bytes. */
    byte[] toByteArray();
}
