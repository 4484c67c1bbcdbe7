package io.ebpf4j.internal.sys;

/** {@code struct epoll_event}, packed on x86-64 only: so its layout depends on the architecture. */
@Layout(type = "struct epoll_event")
public final class EpollEvent {
    private static final boolean PACKED = Arch.current() == Arch.X86_64;

    public static final int EVENTS = 0;
    public static final int DATA = PACKED ? 4 : 8;
    public static final int BYTES = PACKED ? 12 : 16;

    private EpollEvent() {}
}
