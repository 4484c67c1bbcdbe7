package io.ebpf4j.link;

/** Kernel link types ({@code enum bpf_link_type}), as reported in {@link LinkInfo#type()}. */
public enum LinkType {
    UNSPEC(0),
    RAW_TRACEPOINT(1),
    TRACING(2),
    CGROUP(3),
    ITER(4),
    NETNS(5),
    XDP(6),
    PERF_EVENT(7),
    KPROBE_MULTI(8),
    STRUCT_OPS(9),
    NETFILTER(10),
    TCX(11),
    UPROBE_MULTI(12),
    NETKIT(13),
    SOCKMAP(14);

    private final int value;

    LinkType(int value) {
        this.value = value;
    }

    /** The kernel's number for this type. */
    public int value() {
        return value;
    }

    /** The type with kernel number {@code value}; {@link #UNSPEC} for numbers newer than this library. */
    public static LinkType of(int value) {
        for (LinkType type : values()) {
            if (type.value == value) {
                return type;
            }
        }
        return UNSPEC;
    }
}
