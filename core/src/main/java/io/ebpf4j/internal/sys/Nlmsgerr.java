package io.ebpf4j.internal.sys;

/** {@code struct nlmsgerr}, the body of a netlink acknowledgement: an errno and the header of the request. */
@Layout(type = "struct nlmsgerr")
public final class Nlmsgerr {
    public static final int ERROR = 0;
    public static final int BYTES = 20;

    private Nlmsgerr() {}
}
