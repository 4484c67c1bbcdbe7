package io.ebpf4j.internal.sys;

/** {@code struct bpf_prog_info}, as {@code BPF_OBJ_GET_INFO_BY_FD} fills it for a program. */
@Layout(type = "struct bpf_prog_info")
public final class BpfProgInfo {
    public static final int TYPE = 0;
    public static final int ID = 4;
    /** {@code BPF_TAG_SIZE} bytes. */
    public static final int TAG = 8;
    public static final int JITED_PROG_LEN = 16;
    public static final int XLATED_PROG_LEN = 20;
    public static final int LOAD_TIME = 40;
    public static final int CREATED_BY_UID = 48;
    public static final int NR_MAP_IDS = 52;
    public static final int MAP_IDS = 56;
    /** {@link Bpf#OBJ_NAME_LEN} bytes. */
    public static final int NAME = 64;
    public static final int BTF_ID = 128;
    public static final int RUN_TIME_NS = 192;
    public static final int RUN_CNT = 200;
    public static final int RECURSION_MISSES = 208;
    public static final int VERIFIED_INSNS = 216;
    public static final int BYTES = 232;

    private BpfProgInfo() {}
}
