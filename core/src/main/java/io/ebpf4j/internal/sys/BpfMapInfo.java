package io.ebpf4j.internal.sys;

/** {@code struct bpf_map_info}, as {@code BPF_OBJ_GET_INFO_BY_FD} fills it for a map. */
@Layout(type = "struct bpf_map_info")
public final class BpfMapInfo {
    public static final int TYPE = 0;
    public static final int ID = 4;
    public static final int KEY_SIZE = 8;
    public static final int VALUE_SIZE = 12;
    public static final int MAX_ENTRIES = 16;
    public static final int MAP_FLAGS = 20;
    /** {@link Bpf#OBJ_NAME_LEN} bytes. */
    public static final int NAME = 24;
    public static final int BTF_ID = 64;
    public static final int BTF_KEY_TYPE_ID = 68;
    public static final int BTF_VALUE_TYPE_ID = 72;
    public static final int MAP_EXTRA = 80;
    public static final int BYTES = 88;

    private BpfMapInfo() {}
}
