package io.ebpf4j.internal.sys;

/** {@code struct ifinfomsg}, the family header of link (network interface) netlink messages. */
@Layout(type = "struct ifinfomsg")
public final class Ifinfomsg {
    public static final int IFI_INDEX = 4;
    public static final int BYTES = 16;

    private Ifinfomsg() {}
}
