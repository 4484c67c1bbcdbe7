package io.ebpf4j.internal.sys;

/** {@code BPF_LINK_UPDATE}'s part of {@code union bpf_attr}. */
@Layout(type = "union bpf_attr", member = "link_update")
public final class LinkUpdateAttr {
    public static final int LINK_FD = 0;
    public static final int NEW_PROG_FD = 4;
    /** Shares its place with {@code new_prog_fd}: struct_ops links are updated to a new map. */
    public static final int NEW_MAP_FD = 4;
    public static final int BYTES = 16;

    private LinkUpdateAttr() {}
}
