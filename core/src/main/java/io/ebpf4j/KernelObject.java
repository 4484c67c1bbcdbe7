package io.ebpf4j;

/** Something that owns a kernel object through a file descriptor: a map, a program or a link. */
public interface KernelObject extends AutoCloseable {
    /**
     * The descriptor's number, to pass to the kernel from code outside this library (a raw syscall, another
     * process over a Unix socket). It is valid until {@link #close()}; this library's own calls hold the descriptor
     * against a concurrent close, a caller passing the number does not.
     */
    int fd();

    /** Releases this handle's descriptor. */
    @Override
    void close();
}
