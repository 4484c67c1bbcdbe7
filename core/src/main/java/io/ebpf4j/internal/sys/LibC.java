package io.ebpf4j.internal.sys;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * JNA direct mapping of the libc entry points ebpf4j needs. Every argument is a primitive (pointers are
 * {@code long} addresses) so calls take JNA's fastest path and allocate nothing on the Java heap.
 * Failures return -1; the errno is read with {@link #errno()}.
 */
public final class LibC {
    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {}

    /** Raw {@code syscall(2)}: the kernel ignores arguments a call does not use. */
    public static native long syscall(long number, long a1, long a2, long a3, long a4, long a5);

    public static native int close(int fd);

    public static native int fcntl(int fd, int cmd, long arg);

    public static native int ioctl(int fd, long request, long arg);

    public static native long mmap(long address, long length, int prot, int flags, int fd, long offset);

    public static native int munmap(long address, long length);

    public static native long read(int fd, long buffer, long count);

    public static native long write(int fd, long buffer, long count);

    public static native long recv(int fd, long buffer, long length, int flags);

    public static native long pread(int fd, long buffer, long count, long offset);

    public static native int epoll_create1(int flags);

    public static native int epoll_ctl(int epfd, int op, int fd, long event);

    public static native int epoll_wait(int epfd, long events, int maxEvents, int timeoutMillis);

    public static native int eventfd(int initial, int flags);

    public static native int socket(int domain, int type, int protocol);

    public static native int setsockopt(int fd, int level, int name, long value, int length);

    public static native int getsockopt(int fd, int level, int name, long value, long lengthAddress);

    public static native int bind(int fd, long address, int length);

    public static native int open(long path, int flags, int mode);

    public static native int mount(long source, long target, long fsType, long flags, long data);

    public static native int getpid();

    /** Moves the calling thread into the namespace behind {@code fd} ({@code nstype} 0 accepts any kind). */
    public static native int setns(int fd, int nstype);

    /** The index of a network interface of the calling thread's network namespace, or 0 if there is none. */
    public static native int if_nametoindex(long name);

    /** The errno of the last failed call on this thread (JNA preserves it per thread). */
    public static int errno() {
        return Native.getLastError();
    }

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_DIRECTORY = 0x10000;
    public static final int O_CLOEXEC = 0x80000;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_PATH = 0x200000;

    public static final int F_DUPFD_CLOEXEC = 1030;

    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int MAP_PRIVATE = 2;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final long MAP_FAILED = -1L;

    public static final int EPOLL_CLOEXEC = O_CLOEXEC;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLLIN = 1;
    public static final int EFD_CLOEXEC = O_CLOEXEC;
    public static final int EFD_NONBLOCK = O_NONBLOCK;

    public static final int MSG_DONTWAIT = 0x40;
    public static final int SOL_SOCKET = 1;
    public static final int SO_ATTACH_FILTER = 26;
    public static final int SO_DETACH_FILTER = 27;
    public static final int SO_ATTACH_BPF = 50;
    public static final int SOCK_CLOEXEC = O_CLOEXEC;
    public static final int SO_RCVTIMEO = 20;
    public static final int AF_PACKET = 17;
    public static final int SOCK_RAW = 3;
    public static final int CLONE_NEWNET = 0x40000000;
}
