package io.ebpf4j.internal.sys;

/** {@code struct sockaddr_ll}, a packet socket address. */
@Layout(type = "struct sockaddr_ll")
public final class SockaddrLl {
    public static final int SLL_FAMILY = 0;
    /** In network byte order. */
    public static final int SLL_PROTOCOL = 2;
    public static final int SLL_IFINDEX = 4;
    public static final int BYTES = 20;

    private SockaddrLl() {}
}
