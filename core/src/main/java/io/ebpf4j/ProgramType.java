package io.ebpf4j;

/** Kernel program types ({@code enum bpf_prog_type} of the kernel UAPI). */
public enum ProgramType {
    UNSPEC(0),
    SOCKET_FILTER(1),
    KPROBE(2),
    SCHED_CLS(3),
    SCHED_ACT(4),
    TRACEPOINT(5),
    XDP(6),
    PERF_EVENT(7),
    CGROUP_SKB(8),
    CGROUP_SOCK(9),
    LWT_IN(10),
    LWT_OUT(11),
    LWT_XMIT(12),
    SOCK_OPS(13),
    SK_SKB(14),
    CGROUP_DEVICE(15),
    SK_MSG(16),
    RAW_TRACEPOINT(17),
    CGROUP_SOCK_ADDR(18),
    LWT_SEG6LOCAL(19),
    LIRC_MODE2(20),
    SK_REUSEPORT(21),
    FLOW_DISSECTOR(22),
    CGROUP_SYSCTL(23),
    RAW_TRACEPOINT_WRITABLE(24),
    CGROUP_SOCKOPT(25),
    TRACING(26),
    STRUCT_OPS(27),
    EXT(28),
    LSM(29),
    SK_LOOKUP(30),
    SYSCALL(31),
    NETFILTER(32);

    private static final ProgramType[] BY_VALUE = new ProgramType[64];

    static {
        for (ProgramType t : values()) {
            BY_VALUE[t.value] = t;
        }
    }

    private final int value;

    ProgramType(int value) {
        this.value = value;
    }

    /** The kernel's number for this type. */
    public int value() {
        return value;
    }

    /**
     * The capabilities the kernel checks when loading a program of this type (besides CAP_BPF, which every type
     * needs): tracing types need CAP_PERFMON, networking types CAP_NET_ADMIN.
     */
    public String requiredCapabilities() {
        switch (this) {
            case KPROBE:
            case TRACEPOINT:
            case PERF_EVENT:
            case RAW_TRACEPOINT:
            case RAW_TRACEPOINT_WRITABLE:
            case TRACING:
            case EXT:
            case LSM:
            case STRUCT_OPS:
                return "CAP_BPF + CAP_PERFMON";
            case SOCKET_FILTER:
            case CGROUP_SKB:
                return "CAP_BPF";
            default:
                return "CAP_BPF + CAP_NET_ADMIN";
        }
    }

    /**
     * The capabilities the kernel checks when a program of this type is attached: tracing hooks open perf events
     * (CAP_PERFMON), every network and cgroup hook needs CAP_NET_ADMIN — even where loading needed only CAP_BPF.
     */
    public String attachCapabilities() {
        switch (this) {
            case SOCKET_FILTER:
                return "CAP_BPF";
            case KPROBE:
            case TRACEPOINT:
            case PERF_EVENT:
            case RAW_TRACEPOINT:
            case RAW_TRACEPOINT_WRITABLE:
            case TRACING:
            case EXT:
            case LSM:
            case STRUCT_OPS:
                return "CAP_BPF + CAP_PERFMON";
            default:
                return "CAP_BPF + CAP_NET_ADMIN";
        }
    }

    /** The type with kernel number {@code value}. */
    public static ProgramType of(int value) {
        if (value >= 0 && value < BY_VALUE.length && BY_VALUE[value] != null) {
            return BY_VALUE[value];
        }
        throw new IllegalArgumentException("unknown program type " + value);
    }
}
