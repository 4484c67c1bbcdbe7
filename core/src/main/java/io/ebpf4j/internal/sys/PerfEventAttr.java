package io.ebpf4j.internal.sys;

/** {@code struct perf_event_attr}, the argument of {@code perf_event_open(2)}. */
@Layout(type = "struct perf_event_attr")
public final class PerfEventAttr {
    public static final int TYPE = 0;
    /** The struct's size as the caller knows it: {@link #BYTES_VER5} or {@link #BYTES_VER8}. */
    public static final int SIZE = 4;
    public static final int CONFIG = 8;
    /** Shares its place with {@code sample_freq}. */
    public static final int SAMPLE_PERIOD = 16;
    public static final int SAMPLE_TYPE = 24;
    /** The 64-bit word of bit fields that starts with {@code disabled}; see the {@code *_BIT} masks. */
    public static final int DISABLED = 40;
    /** Shares its place with {@code wakeup_watermark}. */
    public static final int WAKEUP_EVENTS = 48;
    public static final int CONFIG1 = 56;
    public static final int CONFIG2 = 64;
    /** {@code PERF_ATTR_SIZE_VER5}. */
    public static final int BYTES_VER5 = 112;
    /** {@code PERF_ATTR_SIZE_VER8}. */
    public static final int BYTES_VER8 = 136;

    /** Bits of the word at {@link #DISABLED}. */
    public static final long DISABLED_BIT = 1L;
    public static final long FREQ_BIT = 1L << 10;
    public static final long WATERMARK_BIT = 1L << 14;
    public static final long WRITE_BACKWARD_BIT = 1L << 27;

    private PerfEventAttr() {}
}
