package io.ebpf4j.internal.sys;

/** A 64-bit {@code struct timeval} ({@code __kernel_old_timeval} in the kernel), as {@code SO_RCVTIMEO} takes it. */
@Layout(type = "struct __kernel_old_timeval")
public final class Timeval {
    public static final int TV_SEC = 0;
    public static final int TV_USEC = 8;
    public static final int BYTES = 16;

    private Timeval() {}
}
