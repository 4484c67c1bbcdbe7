package io.ebpf4j.internal.sys;

/** {@code BPF_BTF_LOAD}'s part of {@code union bpf_attr}. */
@Layout(type = "union bpf_attr", firstField = "btf")
public final class BtfLoadAttr {
    public static final int BTF = 0;
    public static final int BTF_LOG_BUF = 8;
    public static final int BTF_SIZE = 16;
    public static final int BTF_LOG_SIZE = 20;
    public static final int BTF_LOG_LEVEL = 24;
    public static final int BYTES = 32;

    private BtfLoadAttr() {}
}
