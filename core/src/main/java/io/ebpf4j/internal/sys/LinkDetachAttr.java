package io.ebpf4j.internal.sys;

/** {@code BPF_LINK_DETACH}'s part of {@code union bpf_attr}. */
@Layout(type = "union bpf_attr", member = "link_detach")
public final class LinkDetachAttr {
    public static final int LINK_FD = 0;
    public static final int BYTES = 4;

    private LinkDetachAttr() {}
}
