package io.ebpf4j.internal.sys;

/** {@code BPF_PROG_QUERY}'s part of {@code union bpf_attr}. */
@Layout(type = "union bpf_attr", member = "query")
public final class ProgQueryAttr {
    public static final int TARGET_FD = 0;
    public static final int ATTACH_TYPE = 4;
    public static final int ATTACH_FLAGS = 12;
    public static final int PROG_IDS = 16;
    public static final int PROG_CNT = 24;
    public static final int PROG_ATTACH_FLAGS = 32;
    public static final int LINK_IDS = 40;
    public static final int BYTES = 64;

    private ProgQueryAttr() {}
}
