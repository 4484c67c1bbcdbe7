package io.ebpf4j.internal.sys;

/** {@code union bpf_iter_link_info}: what an iterator link iterates over, passed by {@code BPF_LINK_CREATE}. */
@Layout(type = "union bpf_iter_link_info")
public final class BpfIterLinkInfo {
    /** In the union's {@code map} member: the map whose elements a map iterator visits. */
    public static final int MAP_FD = 0;
    public static final int BYTES = 16;

    private BpfIterLinkInfo() {}
}
