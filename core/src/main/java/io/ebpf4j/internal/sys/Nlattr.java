package io.ebpf4j.internal.sys;

/** {@code struct nlattr}, the header of a netlink attribute; its value follows. */
@Layout(type = "struct nlattr")
public final class Nlattr {
    public static final int NLA_LEN = 0;
    public static final int NLA_TYPE = 2;
    public static final int BYTES = 4;

    private Nlattr() {}
}
