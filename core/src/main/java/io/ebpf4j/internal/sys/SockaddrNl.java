package io.ebpf4j.internal.sys;

/** {@code struct sockaddr_nl}, a netlink socket address. */
@Layout(type = "struct sockaddr_nl")
public final class SockaddrNl {
    public static final int NL_FAMILY = 0;
    public static final int BYTES = 12;

    private SockaddrNl() {}
}
