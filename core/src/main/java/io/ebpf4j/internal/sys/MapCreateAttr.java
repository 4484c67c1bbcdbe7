package io.ebpf4j.internal.sys;

/** {@code BPF_MAP_CREATE}'s part of {@code union bpf_attr}. */
@Layout(type = "union bpf_attr", firstField = "map_type")
public final class MapCreateAttr {
    public static final int MAP_TYPE = 0;
    public static final int KEY_SIZE = 4;
    public static final int VALUE_SIZE = 8;
    public static final int MAX_ENTRIES = 12;
    public static final int MAP_FLAGS = 16;
    public static final int INNER_MAP_FD = 20;
    public static final int NUMA_NODE = 24;
    public static final int MAP_NAME = 28;
    public static final int BTF_FD = 48;
    public static final int BTF_KEY_TYPE_ID = 52;
    public static final int BTF_VALUE_TYPE_ID = 56;
    public static final int BTF_VMLINUX_VALUE_TYPE_ID = 60;
    public static final int MAP_EXTRA = 64;
    public static final int BYTES = 80;

    private MapCreateAttr() {}
}
