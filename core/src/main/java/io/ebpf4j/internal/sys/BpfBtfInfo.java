package io.ebpf4j.internal.sys;

/** {@code struct bpf_btf_info}, as {@code BPF_OBJ_GET_INFO_BY_FD} fills it for a BTF object. */
@Layout(type = "struct bpf_btf_info")
public final class BpfBtfInfo {
    public static final int BTF = 0;
    public static final int BTF_SIZE = 8;
    public static final int ID = 12;
    public static final int NAME = 16;
    public static final int NAME_LEN = 24;
    public static final int KERNEL_BTF = 28;
    public static final int BYTES = 32;

    private BpfBtfInfo() {}
}
