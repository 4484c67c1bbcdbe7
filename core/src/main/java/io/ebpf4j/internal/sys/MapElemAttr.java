package io.ebpf4j.internal.sys;

/**
 * The part of {@code union bpf_attr} shared by the {@code BPF_MAP_*_ELEM} commands, {@code BPF_MAP_GET_NEXT_KEY}
 * and {@code BPF_MAP_FREEZE}.
 */
@Layout(type = "union bpf_attr", firstField = "map_fd")
public final class MapElemAttr {
    public static final int MAP_FD = 0;
    public static final int KEY = 8;
    /** Shares its place with {@code next_key}. */
    public static final int VALUE = 16;
    public static final int FLAGS = 24;
    public static final int BYTES = 32;

    private MapElemAttr() {}
}
