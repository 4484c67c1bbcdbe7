package io.ebpf4j.internal.sys;

/** {@code struct perf_event_header}, the start of every record in a perf event ring buffer. */
@Layout(type = "struct perf_event_header")
public final class PerfEventHeader {
    public static final int TYPE = 0;
    /** The whole record's size, header included. */
    public static final int SIZE = 6;
    public static final int BYTES = 8;

    private PerfEventHeader() {}
}
