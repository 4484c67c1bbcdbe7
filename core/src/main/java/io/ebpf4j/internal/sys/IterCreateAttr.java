package io.ebpf4j.internal.sys;

/** {@code BPF_ITER_CREATE}'s part of {@code union bpf_attr}. */
@Layout(type = "union bpf_attr", member = "iter_create")
public final class IterCreateAttr {
    public static final int LINK_FD = 0;
    public static final int BYTES = 8;

    private IterCreateAttr() {}
}
