package io.ebpf4j.internal.sys;

/** {@code struct perf_event_mmap_page}, the first page of a perf event's ring buffer mapping. */
@Layout(type = "struct perf_event_mmap_page")
public final class PerfEventMmapPage {
    public static final int DATA_HEAD = 1024;
    public static final int DATA_TAIL = 1032;
    public static final int DATA_OFFSET = 1040;
    public static final int DATA_SIZE = 1048;

    private PerfEventMmapPage() {}
}
