package io.ebpf4j.internal.sys;

/** {@code BPF_PROG_TEST_RUN}'s part of {@code union bpf_attr}. */
@Layout(type = "union bpf_attr", member = "test")
public final class ProgTestRunAttr {
    public static final int PROG_FD = 0;
    public static final int RETVAL = 4;
    public static final int DATA_SIZE_IN = 8;
    public static final int DATA_SIZE_OUT = 12;
    public static final int DATA_IN = 16;
    public static final int DATA_OUT = 24;
    public static final int REPEAT = 32;
    public static final int DURATION = 36;
    public static final int CTX_SIZE_IN = 40;
    public static final int CTX_SIZE_OUT = 44;
    public static final int CTX_IN = 48;
    public static final int CTX_OUT = 56;
    public static final int FLAGS = 64;
    public static final int CPU = 68;
    public static final int BYTES = 80;

    private ProgTestRunAttr() {}
}
