package io.ebpf4j.internal.sys;

/** {@code BPF_RAW_TRACEPOINT_OPEN}'s part of {@code union bpf_attr}. */
@Layout(type = "union bpf_attr", member = "raw_tracepoint")
public final class RawTracepointOpenAttr {
    public static final int NAME = 0;
    public static final int PROG_FD = 8;
    public static final int COOKIE = 16;
    public static final int BYTES = 24;

    private RawTracepointOpenAttr() {}
}
