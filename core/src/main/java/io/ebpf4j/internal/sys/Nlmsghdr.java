package io.ebpf4j.internal.sys;

/** {@code struct nlmsghdr}, the header of every netlink message. */
@Layout(type = "struct nlmsghdr")
public final class Nlmsghdr {
    public static final int NLMSG_LEN = 0;
    public static final int NLMSG_TYPE = 4;
    public static final int NLMSG_FLAGS = 6;
    public static final int NLMSG_SEQ = 8;
    public static final int BYTES = 16;

    private Nlmsghdr() {}
}
