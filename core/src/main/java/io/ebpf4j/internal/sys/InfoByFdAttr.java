package io.ebpf4j.internal.sys;

/** {@code BPF_OBJ_GET_INFO_BY_FD}'s part of {@code union bpf_attr}. */
@Layout(type = "union bpf_attr", member = "info")
public final class InfoByFdAttr {
    public static final int BPF_FD = 0;
    public static final int INFO_LEN = 4;
    public static final int INFO = 8;
    public static final int BYTES = 16;

    private InfoByFdAttr() {}
}
