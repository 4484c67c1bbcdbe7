package io.ebpf4j.internal.sys;

/** {@code BPF_ENABLE_STATS}'s part of {@code union bpf_attr}. */
@Layout(type = "union bpf_attr", member = "enable_stats")
public final class EnableStatsAttr {
    public static final int TYPE = 0;
    public static final int BYTES = 4;

    private EnableStatsAttr() {}
}
