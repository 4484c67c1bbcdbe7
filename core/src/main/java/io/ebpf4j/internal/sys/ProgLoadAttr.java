package io.ebpf4j.internal.sys;

/** {@code BPF_PROG_LOAD}'s part of {@code union bpf_attr}. */
@Layout(type = "union bpf_attr", firstField = "prog_type")
public final class ProgLoadAttr {
    public static final int PROG_TYPE = 0;
    public static final int INSN_CNT = 4;
    public static final int INSNS = 8;
    public static final int LICENSE = 16;
    public static final int LOG_LEVEL = 24;
    public static final int LOG_SIZE = 28;
    public static final int LOG_BUF = 32;
    public static final int KERN_VERSION = 40;
    public static final int PROG_FLAGS = 44;
    public static final int PROG_NAME = 48;
    public static final int EXPECTED_ATTACH_TYPE = 68;
    public static final int PROG_BTF_FD = 72;
    public static final int FUNC_INFO_REC_SIZE = 76;
    public static final int FUNC_INFO = 80;
    public static final int FUNC_INFO_CNT = 88;
    public static final int LINE_INFO_REC_SIZE = 92;
    public static final int LINE_INFO = 96;
    public static final int LINE_INFO_CNT = 104;
    public static final int ATTACH_BTF_ID = 108;
    public static final int ATTACH_PROG_FD = 112;
    /** Shares its place with {@code attach_prog_fd}. */
    public static final int ATTACH_BTF_OBJ_FD = 112;
    public static final int LOG_TRUE_SIZE = 140;
    public static final int BYTES = 144;

    private ProgLoadAttr() {}
}
