package io.ebpf4j.internal.sys;

/** {@code struct tcmsg}, the family header of traffic-control netlink messages (qdiscs, filters). */
@Layout(type = "struct tcmsg")
public final class Tcmsg {
    public static final int TCM_IFINDEX = 4;
    public static final int TCM_HANDLE = 8;
    public static final int TCM_PARENT = 12;
    /** The filter's priority (upper 16 bits) and protocol (lower 16 bits). */
    public static final int TCM_INFO = 16;
    public static final int BYTES = 20;

    private Tcmsg() {}
}
