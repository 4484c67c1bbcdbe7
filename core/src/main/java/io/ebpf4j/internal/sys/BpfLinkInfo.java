package io.ebpf4j.internal.sys;

/**
 * {@code struct bpf_link_info}, as {@code BPF_OBJ_GET_INFO_BY_FD} fills it for a link: a common header, then one
 * part per link type (the nested classes).
 */
@Layout(type = "struct bpf_link_info")
public final class BpfLinkInfo {
    public static final int TYPE = 0;
    public static final int ID = 4;
    public static final int PROG_ID = 8;
    public static final int BYTES = 64;

    private BpfLinkInfo() {}

    @Layout(type = "struct bpf_link_info", member = "raw_tracepoint")
    public static final class RawTracepoint {
        public static final int TP_NAME = 16;
        public static final int TP_NAME_LEN = 24;
        public static final int COOKIE = 32;

        private RawTracepoint() {}
    }

    @Layout(type = "struct bpf_link_info", member = "tracing")
    public static final class Tracing {
        public static final int ATTACH_TYPE = 16;
        public static final int TARGET_OBJ_ID = 20;
        public static final int TARGET_BTF_ID = 24;
        public static final int COOKIE = 32;

        private Tracing() {}
    }

    @Layout(type = "struct bpf_link_info", member = "cgroup")
    public static final class Cgroup {
        public static final int CGROUP_ID = 16;
        public static final int ATTACH_TYPE = 24;

        private Cgroup() {}
    }

    @Layout(type = "struct bpf_link_info", member = "iter")
    public static final class Iter {
        public static final int TARGET_NAME = 16;
        public static final int TARGET_NAME_LEN = 24;
        public static final int MAP_ID = 28;

        private Iter() {}
    }

    @Layout(type = "struct bpf_link_info", member = "netns")
    public static final class Netns {
        public static final int NETNS_INO = 16;
        public static final int ATTACH_TYPE = 20;

        private Netns() {}
    }

    @Layout(type = "struct bpf_link_info", member = "xdp")
    public static final class Xdp {
        public static final int IFINDEX = 16;

        private Xdp() {}
    }

    @Layout(type = "struct bpf_link_info", member = "struct_ops")
    public static final class StructOps {
        public static final int MAP_ID = 16;

        private StructOps() {}
    }

    @Layout(type = "struct bpf_link_info", member = "netfilter")
    public static final class Netfilter {
        public static final int PF = 16;
        public static final int HOOKNUM = 20;
        public static final int PRIORITY = 24;
        public static final int FLAGS = 28;

        private Netfilter() {}
    }

    @Layout(type = "struct bpf_link_info", member = "tcx")
    public static final class Tcx {
        public static final int IFINDEX = 16;
        public static final int ATTACH_TYPE = 20;

        private Tcx() {}
    }

    @Layout(type = "struct bpf_link_info", member = "kprobe_multi")
    public static final class KprobeMulti {
        public static final int COUNT = 24;
        public static final int FLAGS = 28;
        public static final int MISSED = 32;

        private KprobeMulti() {}
    }

    @Layout(type = "struct bpf_link_info", member = "uprobe_multi")
    public static final class UprobeMulti {
        public static final int PATH = 16;
        public static final int PATH_SIZE = 48;
        public static final int COUNT = 52;
        public static final int FLAGS = 56;
        public static final int PID = 60;

        private UprobeMulti() {}
    }

    /** Perf event links: the perf event's type, then one part per type. */
    @Layout(type = "struct bpf_link_info", member = "perf_event")
    public static final class PerfEvent {
        public static final int TYPE = 16;

        private PerfEvent() {}

        @Layout(type = "struct bpf_link_info", member = "perf_event.uprobe")
        public static final class Uprobe {
            public static final int FILE_NAME = 24;
            public static final int NAME_LEN = 32;
            public static final int OFFSET = 36;
            public static final int COOKIE = 40;
            public static final int REF_CTR_OFFSET = 48;

            private Uprobe() {}
        }

        @Layout(type = "struct bpf_link_info", member = "perf_event.kprobe")
        public static final class Kprobe {
            public static final int FUNC_NAME = 24;
            public static final int NAME_LEN = 32;
            public static final int OFFSET = 36;
            public static final int ADDR = 40;
            public static final int MISSED = 48;
            public static final int COOKIE = 56;

            private Kprobe() {}
        }

        @Layout(type = "struct bpf_link_info", member = "perf_event.tracepoint")
        public static final class Tracepoint {
            public static final int TP_NAME = 24;
            public static final int NAME_LEN = 32;
            public static final int COOKIE = 40;

            private Tracepoint() {}
        }

        @Layout(type = "struct bpf_link_info", member = "perf_event.event")
        public static final class Event {
            public static final int CONFIG = 24;
            public static final int TYPE = 32;
            public static final int COOKIE = 40;

            private Event() {}
        }
    }
}
