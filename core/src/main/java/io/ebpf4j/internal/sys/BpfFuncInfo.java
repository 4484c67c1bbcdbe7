package io.ebpf4j.internal.sys;

/** {@code struct bpf_func_info}, one record of the function information {@code BPF_PROG_LOAD} takes. */
@Layout(type = "struct bpf_func_info")
public final class BpfFuncInfo {
    public static final int INSN_OFF = 0;
    public static final int TYPE_ID = 4;
    public static final int BYTES = 8;

    private BpfFuncInfo() {}
}
