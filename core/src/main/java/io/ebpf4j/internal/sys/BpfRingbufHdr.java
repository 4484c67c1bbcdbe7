package io.ebpf4j.internal.sys;

/** {@code struct bpf_ringbuf_hdr}, the start of every record in a BPF ring buffer. */
@Layout(type = "struct bpf_ringbuf_hdr")
public final class BpfRingbufHdr {
    /** The record's length, with the busy and discard bits on top. */
    public static final int LEN = 0;
    public static final int PG_OFF = 4;
    public static final int BYTES = 8;

    private BpfRingbufHdr() {}
}
