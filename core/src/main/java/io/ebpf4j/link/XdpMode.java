package io.ebpf4j.link;

/** How an XDP program runs ({@code XDP_FLAGS_*_MODE}). */
public enum XdpMode {
    /** The kernel picks: the driver's native XDP if it has one, else generic. */
    DEFAULT(0),
    /** Generic XDP on the socket buffer, after the driver: works on every interface, slower. */
    GENERIC(1 << 1),
    /** Native XDP in the driver; fails with EOPNOTSUPP on drivers without it. */
    DRIVER(1 << 2),
    /** Offloaded to the network card. */
    OFFLOAD(1 << 3);

    final int flags;

    XdpMode(int flags) {
        this.flags = flags;
    }
}
