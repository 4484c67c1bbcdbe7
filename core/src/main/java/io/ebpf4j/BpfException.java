package io.ebpf4j;

import io.ebpf4j.internal.sys.Errno;

/**
 * Root of every exception ebpf4j throws. Unchecked, like the errors of the kernel APIs it wraps.
 * {@link #errno()} is the kernel's error number when one caused the failure, otherwise 0.
 */
public class BpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public BpfException(String message) {
        this(message, 0, null);
    }

    public BpfException(String message, Throwable cause) {
        this(message, 0, cause);
    }

    public BpfException(String message, int errno) {
        this(message, errno, null);
    }

    public BpfException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = Math.abs(errno);
    }

    /** The errno reported by the kernel, or 0. */
    public int errno() {
        return errno;
    }

    /** Symbolic name of {@link #errno()}, e.g. {@code ENOENT}, or {@code null} without one. */
    public String errnoName() {
        return errno == 0 ? null : Errno.name(errno);
    }
}
