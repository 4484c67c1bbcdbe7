package io.ebpf4j;

import io.ebpf4j.internal.sys.Fd;

/** Something that owns a kernel object through a file descriptor: a map, a program or a link. */
public interface KernelObject extends AutoCloseable {
    /**
     * The owned descriptor, for attaching and for code in this library. Do not close it; hold it with
     * {@code acquire()}/{@code release()} while passing its number to the kernel.
     */
    Fd fd();

    /** Releases this handle's descriptor. */
    @Override
    void close();
}
