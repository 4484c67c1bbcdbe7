package io.ebpf4j.internal.sys;

import io.ebpf4j.BpfException;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.time.Instant;

/**
 * Waiting for event readers: an epoll set plus an eventfd that {@link #close()} signals, so that a waiting thread
 * wakes at once instead of sleeping until its deadline.
 *
 * <p>How a thread waits depends on its kind. A platform thread blocks in {@code epoll_wait(2)} for the whole wait.
 * A virtual thread must not: a native call pins its carrier, and with a few readers waiting every carrier would be
 * stuck in the kernel. Cutting the wait into short native slices still holds a carrier most of the time, so a
 * virtual thread instead parks (which unmounts it) while one shared platform thread, {@link VirtualThreadPoller},
 * waits on this set's epoll descriptor (epoll descriptors are themselves pollable) and unparks it when something is
 * ready. Virtual threads therefore only make non-blocking native calls.
 *
 * <p>Deadlines are {@link System#nanoTime()} values; {@link #NO_DEADLINE} waits without limit. A wait by an
 * interrupted thread ends at once (reported like a passed deadline, the interrupt status kept); on a platform thread
 * an interrupt that arrives during the native wait is seen when the wait ends. One thread waits at a time; other
 * methods may be called from any thread.
 */
public final class Epoll implements AutoCloseable {
    /** A deadline that never passes. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    public static final int EPOLLIN = 0x001;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLET = 1 << 31;
    static final int EPOLLONESHOT = 1 << 30;

    private static final int MAX_EVENTS = 8;
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private final String description;
    private final Fd epoll;
    private final Fd wakeup;
    private final NativeBuffer events = new NativeBuffer(EpollEvent.BYTES * MAX_EVENTS);
    private volatile boolean closed;

    /** @param description what waits, e.g. {@code "ring buffer reader of map 'events'"}, used in errors */
    public Epoll(String description) {
        this.description = description;
        int raw = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        if (raw < 0) {
            throw new BpfException("epoll_create1 for " + description + ": " + Errno.describe(LibC.errno()),
                    LibC.errno());
        }
        this.epoll = Fd.own(raw, "epoll of " + description);
        int event = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (event < 0) {
            int errno = LibC.errno();
            epoll.close();
            throw new BpfException("eventfd for " + description + ": " + Errno.describe(errno), errno);
        }
        this.wakeup = Fd.own(event, "wakeup eventfd of " + description);
        try {
            add(event, EPOLLIN);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Adds {@code fd} (which the caller keeps open while it is in the set) with the given event mask. */
    public void add(int fd, int eventMask) {
        int raw = epoll.acquire();
        try {
            ctl(raw, LibC.EPOLL_CTL_ADD, fd, eventMask, events);
        } finally {
            epoll.release();
        }
    }

    static void ctl(int epfd, int op, int fd, int eventMask, NativeBuffer buffer) {
        buffer.buffer().putInt(EpollEvent.EVENTS, eventMask);
        buffer.buffer().putLong(EpollEvent.DATA, fd);
        if (LibC.epoll_ctl(epfd, op, fd, buffer.address()) < 0) {
            int errno = LibC.errno();
            throw new BpfException("epoll_ctl(" + (op == LibC.EPOLL_CTL_ADD ? "ADD" : "op " + op) + ", fd " + fd
                    + "): " + Errno.describe(errno), errno);
        }
    }

    /**
     * Waits until a descriptor in the set is ready or the deadline passes.
     *
     * @return {@code true} if something is ready, {@code false} if the deadline passed or the thread is interrupted
     * @throws BpfException if the set is closed, also when it is closed during the wait
     */
    public boolean await(long deadline) {
        int raw = acquire(epoll);
        try {
            // Held too so that close() cannot close the eventfd, which would take its wakeup off the ready list
            // before this thread has seen it.
            acquire(wakeup);
            try {
                boolean ready = isVirtual(Thread.currentThread()) ? awaitParked(raw, deadline)
                        : awaitBlocking(raw, deadline);
                if (closed) {
                    throw closedError();
                }
                return ready;
            } finally {
                wakeup.release();
            }
        } finally {
            epoll.release();
        }
    }

    private int acquire(Fd fd) {
        if (closed) {
            throw closedError();
        }
        try {
            return fd.acquire();
        } catch (BpfException closedMeanwhile) {
            throw closedError();
        }
    }

    private BpfException closedError() {
        return new BpfException(description + " is closed");
    }

    private boolean awaitBlocking(int raw, long deadline) {
        for (;;) {
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            int n = LibC.epoll_wait(raw, events.address(), MAX_EVENTS, timeoutMillis(deadline));
            if (n >= 0) {
                return n > 0;
            }
            checkWaitError(LibC.errno());
        }
    }

    private boolean awaitParked(int raw, long deadline) {
        for (;;) {
            int n = LibC.epoll_wait(raw, events.address(), MAX_EVENTS, 0);
            if (n > 0) {
                return true;
            }
            if (n < 0) {
                checkWaitError(LibC.errno());
                continue;
            }
            if (passed(deadline) || Thread.currentThread().isInterrupted()) {
                return false;
            }
            VirtualThreadPoller.park(raw, deadline, events);
        }
    }

    private void checkWaitError(int errno) {
        if (errno != Errno.EINTR) {
            throw new BpfException("epoll_wait for " + description + ": " + Errno.describe(errno), errno);
        }
    }

    /** The {@code epoll_wait} timeout for {@code deadline}: milliseconds rounded up, -1 for none. */
    static int timeoutMillis(long deadline) {
        if (deadline == NO_DEADLINE) {
            return -1;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000);
    }

    public boolean isClosed() {
        return closed;
    }

    /** Wakes a waiting thread, which then fails with "closed", and releases the descriptors once it has left. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        signal();
        epoll.close();
        wakeup.close();
    }

    private void signal() {
        int raw;
        try {
            raw = wakeup.acquire();
        } catch (BpfException alreadyClosed) {
            return;
        }
        try {
            NativeBuffer one = new NativeBuffer(8);
            one.buffer().putLong(0, 1);
            LibC.write(raw, one.address(), 8);
        } finally {
            wakeup.release();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Deadlines

    /** Timeouts longer than this (about 146 years) wait without limit, which keeps deadline arithmetic exact. */
    private static final long LONGEST_TIMEOUT_NANOS = Long.MAX_VALUE / 2;

    /** The deadline {@code timeout} from now; negative timeouts are rejected. */
    public static long deadlineAfter(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        if (timeout.compareTo(Duration.ofNanos(LONGEST_TIMEOUT_NANOS)) > 0) {
            return NO_DEADLINE;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        return deadline == NO_DEADLINE ? NO_DEADLINE - 1 : deadline;
    }

    /** Whether {@code deadline} has passed ({@link System#nanoTime()} values compare by difference). */
    public static boolean passed(long deadline) {
        return deadline != NO_DEADLINE && System.nanoTime() - deadline >= 0;
    }

    /** The {@link System#nanoTime()} deadline for a wall-clock instant; {@code null} for none. */
    public static long deadlineAt(Instant instant) {
        if (instant == null) {
            return NO_DEADLINE;
        }
        Instant now = Instant.now();
        if (!instant.isAfter(now)) {
            return System.nanoTime() - 1;
        }
        return deadlineAfter(Duration.between(now, instant));
    }

    /** The earlier of two deadlines. */
    public static long earlier(long a, long b) {
        if (a == NO_DEADLINE || b == NO_DEADLINE) {
            return a == NO_DEADLINE ? b : a;
        }
        return a - b < 0 ? a : b;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Virtual threads (Java 21+; the library is compiled for 17)

    static boolean isVirtual(Thread thread) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(thread);
        } catch (Throwable e) {
            throw new IllegalStateException("Thread.isVirtual failed", e);
        }
    }

    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException olderJava) {
            return null;
        }
    }
}
