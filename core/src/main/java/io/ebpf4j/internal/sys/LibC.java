package io.ebpf4j.internal.sys;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

import java.lang.invoke.MethodHandle;

/**
 * The libc entry points ebpf4j needs. Every argument is a primitive (pointers are {@code long} addresses), so calls
 * allocate nothing on the Java heap. On Java 22+ they go through {@code java.lang.foreign} downcalls
 * ({@link ForeignCalls}), elsewhere (or with {@code -Debpf4j.nativeAccess=jna}) through JNA's direct mapping; both
 * behave the same. Failures return -1; the errno is read with {@link #errno()}.
 */
public final class LibC {
    /** Whether calls go through {@code java.lang.foreign} rather than JNA. */
    public static final boolean FOREIGN = ForeignCalls.AVAILABLE;

    /*
     * Each foreign handle sits in a holder class of its own, so that it is linked on first use: linking a downcall
     * spins classes for milliseconds, and most programs call a handful of these functions.
     */
    private static final class SyscallHandle {
        static final MethodHandle HANDLE = foreign("syscall", 1, long.class,
                long.class, long.class, long.class, long.class, long.class, long.class);
    }

    private static final class CloseHandle {
        static final MethodHandle HANDLE = foreign("close", -1, int.class, int.class);
    }

    private static final class FcntlHandle {
        static final MethodHandle HANDLE = foreign("fcntl", 2, int.class, int.class, int.class, long.class);
    }

    private static final class IoctlHandle {
        static final MethodHandle HANDLE = foreign("ioctl", 2, int.class, int.class, long.class, long.class);
    }

    private static final class MmapHandle {
        static final MethodHandle HANDLE = foreign("mmap", -1, long.class,
                long.class, long.class, int.class, int.class, int.class, long.class);
    }

    private static final class MunmapHandle {
        static final MethodHandle HANDLE = foreign("munmap", -1, int.class, long.class, long.class);
    }

    private static final class ReadHandle {
        static final MethodHandle HANDLE = foreign("read", -1, long.class, int.class, long.class, long.class);
    }

    private static final class WriteHandle {
        static final MethodHandle HANDLE = foreign("write", -1, long.class, int.class, long.class, long.class);
    }

    private static final class RecvHandle {
        static final MethodHandle HANDLE = foreign("recv", -1, long.class,
                int.class, long.class, long.class, int.class);
    }

    private static final class PreadHandle {
        static final MethodHandle HANDLE = foreign("pread", -1, long.class,
                int.class, long.class, long.class, long.class);
    }

    private static final class EpollCreate1Handle {
        static final MethodHandle HANDLE = foreign("epoll_create1", -1, int.class, int.class);
    }

    private static final class EpollCtlHandle {
        static final MethodHandle HANDLE = foreign("epoll_ctl", -1, int.class,
                int.class, int.class, int.class, long.class);
    }

    private static final class EpollWaitHandle {
        static final MethodHandle HANDLE = foreign("epoll_wait", -1, int.class,
                int.class, long.class, int.class, int.class);
    }

    private static final class EventfdHandle {
        static final MethodHandle HANDLE = foreign("eventfd", -1, int.class, int.class, int.class);
    }

    private static final class SocketHandle {
        static final MethodHandle HANDLE = foreign("socket", -1, int.class, int.class, int.class, int.class);
    }

    private static final class SetsockoptHandle {
        static final MethodHandle HANDLE = foreign("setsockopt", -1, int.class,
                int.class, int.class, int.class, long.class, int.class);
    }

    private static final class GetsockoptHandle {
        static final MethodHandle HANDLE = foreign("getsockopt", -1, int.class,
                int.class, int.class, int.class, long.class, long.class);
    }

    private static final class BindHandle {
        static final MethodHandle HANDLE = foreign("bind", -1, int.class, int.class, long.class, int.class);
    }

    private static final class OpenHandle {
        static final MethodHandle HANDLE = foreign("open", 2, int.class, long.class, int.class, int.class);
    }

    private static final class MountHandle {
        static final MethodHandle HANDLE = foreign("mount", -1, int.class,
                long.class, long.class, long.class, long.class, long.class);
    }

    private static final class GetpidHandle {
        static final MethodHandle HANDLE = foreign("getpid", -1, int.class);
    }

    private static final class SetnsHandle {
        static final MethodHandle HANDLE = foreign("setns", -1, int.class, int.class, int.class);
    }

    private static final class IfNametoindexHandle {
        static final MethodHandle HANDLE = foreign("if_nametoindex", -1, int.class, long.class);
    }

    /** {@code syscall(2)} without the thread-state transition, for calls that return at once: map elements. */
    private static final class SyscallQuickHandle {
        static final MethodHandle HANDLE = FOREIGN ? ForeignCalls.criticalOr(SyscallHandle.HANDLE, "syscall", 1,
                long.class, long.class, long.class, long.class, long.class, long.class, long.class) : null;
    }

    private LibC() {}

    /** A foreign handle (not critical) when calls go that way, else null; variadic from {@code firstVariadic}. */
    private static MethodHandle foreign(String name, int firstVariadic, Class<?> result, Class<?>... parameters) {
        return FOREIGN ? ForeignCalls.handle(name, false, firstVariadic, result, parameters) : null;
    }

    /** Raw {@code syscall(2)}: the kernel ignores arguments a call does not use. */
    public static long syscall(long number, long a1, long a2, long a3, long a4, long a5) {
        if (FOREIGN) {
            try {
                return (long) SyscallHandle.HANDLE.invokeExact(number, a1, a2, a3, a4, a5);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.syscall(number, a1, a2, a3, a4, a5);
    }

    public static int close(int fd) {
        if (FOREIGN) {
            try {
                return (int) CloseHandle.HANDLE.invokeExact(fd);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.close(fd);
    }

    public static int fcntl(int fd, int cmd, long arg) {
        if (FOREIGN) {
            try {
                return (int) FcntlHandle.HANDLE.invokeExact(fd, cmd, arg);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.fcntl(fd, cmd, arg);
    }

    public static int ioctl(int fd, long request, long arg) {
        if (FOREIGN) {
            try {
                return (int) IoctlHandle.HANDLE.invokeExact(fd, request, arg);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.ioctl(fd, request, arg);
    }

    public static long mmap(long address, long length, int prot, int flags, int fd, long offset) {
        if (FOREIGN) {
            try {
                return (long) MmapHandle.HANDLE.invokeExact(address, length, prot, flags, fd, offset);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.mmap(address, length, prot, flags, fd, offset);
    }

    public static int munmap(long address, long length) {
        if (FOREIGN) {
            try {
                return (int) MunmapHandle.HANDLE.invokeExact(address, length);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.munmap(address, length);
    }

    public static long read(int fd, long buffer, long count) {
        if (FOREIGN) {
            try {
                return (long) ReadHandle.HANDLE.invokeExact(fd, buffer, count);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.read(fd, buffer, count);
    }

    public static long write(int fd, long buffer, long count) {
        if (FOREIGN) {
            try {
                return (long) WriteHandle.HANDLE.invokeExact(fd, buffer, count);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.write(fd, buffer, count);
    }

    public static long recv(int fd, long buffer, long length, int flags) {
        if (FOREIGN) {
            try {
                return (long) RecvHandle.HANDLE.invokeExact(fd, buffer, length, flags);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.recv(fd, buffer, length, flags);
    }

    public static long pread(int fd, long buffer, long count, long offset) {
        if (FOREIGN) {
            try {
                return (long) PreadHandle.HANDLE.invokeExact(fd, buffer, count, offset);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.pread(fd, buffer, count, offset);
    }

    public static int epoll_create1(int flags) {
        if (FOREIGN) {
            try {
                return (int) EpollCreate1Handle.HANDLE.invokeExact(flags);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.epoll_create1(flags);
    }

    public static int epoll_ctl(int epfd, int op, int fd, long event) {
        if (FOREIGN) {
            try {
                return (int) EpollCtlHandle.HANDLE.invokeExact(epfd, op, fd, event);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.epoll_ctl(epfd, op, fd, event);
    }

    public static int epoll_wait(int epfd, long events, int maxEvents, int timeoutMillis) {
        if (FOREIGN) {
            try {
                return (int) EpollWaitHandle.HANDLE.invokeExact(epfd, events, maxEvents, timeoutMillis);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.epoll_wait(epfd, events, maxEvents, timeoutMillis);
    }

    public static int eventfd(int initial, int flags) {
        if (FOREIGN) {
            try {
                return (int) EventfdHandle.HANDLE.invokeExact(initial, flags);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.eventfd(initial, flags);
    }

    public static int socket(int domain, int type, int protocol) {
        if (FOREIGN) {
            try {
                return (int) SocketHandle.HANDLE.invokeExact(domain, type, protocol);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.socket(domain, type, protocol);
    }

    public static int setsockopt(int fd, int level, int name, long value, int length) {
        if (FOREIGN) {
            try {
                return (int) SetsockoptHandle.HANDLE.invokeExact(fd, level, name, value, length);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.setsockopt(fd, level, name, value, length);
    }

    public static int getsockopt(int fd, int level, int name, long value, long lengthAddress) {
        if (FOREIGN) {
            try {
                return (int) GetsockoptHandle.HANDLE.invokeExact(fd, level, name, value, lengthAddress);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.getsockopt(fd, level, name, value, lengthAddress);
    }

    public static int bind(int fd, long address, int length) {
        if (FOREIGN) {
            try {
                return (int) BindHandle.HANDLE.invokeExact(fd, address, length);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.bind(fd, address, length);
    }

    public static int open(long path, int flags, int mode) {
        if (FOREIGN) {
            try {
                return (int) OpenHandle.HANDLE.invokeExact(path, flags, mode);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.open(path, flags, mode);
    }

    public static int mount(long source, long target, long fsType, long flags, long data) {
        if (FOREIGN) {
            try {
                return (int) MountHandle.HANDLE.invokeExact(source, target, fsType, flags, data);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.mount(source, target, fsType, flags, data);
    }

    public static int getpid() {
        if (FOREIGN) {
            try {
                return (int) GetpidHandle.HANDLE.invokeExact();
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.getpid();
    }

    /** Moves the calling thread into the namespace behind {@code fd} ({@code nstype} 0 accepts any kind). */
    public static int setns(int fd, int nstype) {
        if (FOREIGN) {
            try {
                return (int) SetnsHandle.HANDLE.invokeExact(fd, nstype);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.setns(fd, nstype);
    }

    /** The index of a network interface of the calling thread's network namespace, or 0 if there is none. */
    public static int if_nametoindex(long name) {
        if (FOREIGN) {
            try {
                return (int) IfNametoindexHandle.HANDLE.invokeExact(name);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.if_nametoindex(name);
    }
    /**
     * {@link #syscall} for a call that returns at once and never blocks (a map element operation): on Java 22+ a
     * critical downcall, which skips the thread-state transition; the same as {@link #syscall} elsewhere.
     */
    public static long syscallQuick(long number, long a1, long a2, long a3, long a4, long a5) {
        if (FOREIGN) {
            try {
                return (long) SyscallQuickHandle.HANDLE.invokeExact(number, a1, a2, a3, a4, a5);
            } catch (Throwable e) {
                throw ForeignCalls.unexpected(e);
            }
        }
        return Jna.syscall(number, a1, a2, a3, a4, a5);
    }

    /** The errno of the last failed call on this thread. */
    public static int errno() {
        return FOREIGN ? ForeignCalls.errno() : Native.getLastError();
    }

    /** JNA's direct mapping, registered only when it is the way in. */
    private static final class Jna {
        static {
            Native.register(Jna.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        static native long syscall(long number, long a1, long a2, long a3, long a4, long a5);
        static native int close(int fd);
        static native int fcntl(int fd, int cmd, long arg);
        static native int ioctl(int fd, long request, long arg);
        static native long mmap(long address, long length, int prot, int flags, int fd, long offset);
        static native int munmap(long address, long length);
        static native long read(int fd, long buffer, long count);
        static native long write(int fd, long buffer, long count);
        static native long recv(int fd, long buffer, long length, int flags);
        static native long pread(int fd, long buffer, long count, long offset);
        static native int epoll_create1(int flags);
        static native int epoll_ctl(int epfd, int op, int fd, long event);
        static native int epoll_wait(int epfd, long events, int maxEvents, int timeoutMillis);
        static native int eventfd(int initial, int flags);
        static native int socket(int domain, int type, int protocol);
        static native int setsockopt(int fd, int level, int name, long value, int length);
        static native int getsockopt(int fd, int level, int name, long value, long lengthAddress);
        static native int bind(int fd, long address, int length);
        static native int open(long path, int flags, int mode);
        static native int mount(long source, long target, long fsType, long flags, long data);
        static native int getpid();
        static native int setns(int fd, int nstype);
        static native int if_nametoindex(long name);
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
