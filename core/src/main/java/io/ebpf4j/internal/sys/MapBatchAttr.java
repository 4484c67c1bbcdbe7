package io.ebpf4j.internal.sys;

/** The {@code BPF_MAP_*_BATCH} commands' part of {@code union bpf_attr}. */
@Layout(type = "union bpf_attr", member = "batch")
public final class MapBatchAttr {
    public static final int IN_BATCH = 0;
    public static final int OUT_BATCH = 8;
    public static final int KEYS = 16;
    public static final int VALUES = 24;
    public static final int COUNT = 32;
    public static final int MAP_FD = 36;
    public static final int ELEM_FLAGS = 40;
    public static final int BYTES = 56;

    private MapBatchAttr() {}
}
