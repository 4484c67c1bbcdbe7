package io.ebpf4j.internal.sys;

/** {@code BPF_LINK_CREATE}'s part of {@code union bpf_attr}; the nested classes are its per-hook parts. */
@Layout(type = "union bpf_attr", member = "link_create")
public final class LinkCreateAttr {
    /** Shares its place with {@code map_fd} (struct_ops links). */
    public static final int PROG_FD = 0;
    /** Shares its place with {@code target_ifindex}. */
    public static final int TARGET_FD = 4;
    public static final int ATTACH_TYPE = 8;
    public static final int FLAGS = 12;
    public static final int ITER_INFO = 16;
    public static final int ITER_INFO_LEN = 24;
    public static final int BYTES = 64;

    private LinkCreateAttr() {}

    @Layout(type = "union bpf_attr", member = "link_create.perf_event")
    public static final class PerfEvent {
        public static final int BPF_COOKIE = 16;

        private PerfEvent() {}
    }

    @Layout(type = "union bpf_attr", member = "link_create.tracing")
    public static final class Tracing {
        public static final int TARGET_BTF_ID = 16;
        public static final int COOKIE = 24;

        private Tracing() {}
    }

    @Layout(type = "union bpf_attr", member = "link_create.kprobe_multi")
    public static final class KprobeMulti {
        public static final int FLAGS = 16;
        public static final int CNT = 20;
        public static final int SYMS = 24;
        public static final int COOKIES = 40;

        private KprobeMulti() {}
    }

    @Layout(type = "union bpf_attr", member = "link_create.uprobe_multi")
    public static final class UprobeMulti {
        public static final int PATH = 16;
        public static final int OFFSETS = 24;
        public static final int COOKIES = 40;
        public static final int CNT = 48;
        public static final int FLAGS = 52;
        public static final int PID = 56;

        private UprobeMulti() {}
    }

    @Layout(type = "union bpf_attr", member = "link_create.netfilter")
    public static final class Netfilter {
        public static final int PF = 16;
        public static final int HOOKNUM = 20;
        public static final int PRIORITY = 24;
        public static final int FLAGS = 28;

        private Netfilter() {}
    }
}
