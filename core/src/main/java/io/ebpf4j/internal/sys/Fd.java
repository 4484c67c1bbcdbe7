package io.ebpf4j.internal.sys;

import io.ebpf4j.BpfException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;

/**
 * An owned file descriptor.
 *
 * <p>{@link #close()} closes it exactly once. Every use goes through {@link #acquire()} / {@link #release()}:
 * a close that races with a use is deferred until the use ends, so a descriptor number that the kernel has
 * recycled for another object is never read or written through a stale {@code Fd}. A {@link Cleaner} closes
 * descriptors whose owner was dropped without {@code close()}; with {@code -Debpf4j.leakDetection=true} the
 * creation site of such a leak is logged.
 */
public final class Fd implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    /** System property that records where each descriptor was created, to name the creator of a leak. */
    public static final String LEAK_DETECTION_PROPERTY = "ebpf4j.leakDetection";
    private static final System.Logger LOG = System.getLogger("io.ebpf4j.leaks");

    private static final long CLOSED = 1L << 62;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Fd.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int fd;
    private final String description;
    private final Cleaner.Cleanable cleanable;
    private final CloseAction action;
    /** Number of uses in flight, plus {@link #CLOSED} once close() has been called. */
    @SuppressWarnings("unused")
    private volatile long state;

    private Fd(int fd, String description) {
        if (fd < 0) {
            throw new IllegalArgumentException("invalid file descriptor " + fd);
        }
        this.fd = fd;
        this.description = description;
        boolean recordCreation = Boolean.getBoolean(LEAK_DETECTION_PROPERTY);
        this.action = new CloseAction(fd, description, recordCreation ? new Throwable("created here") : null);
        this.cleanable = CLEANER.register(this, action);
    }

    /** Takes ownership of {@code fd}. */
    public static Fd own(int fd, String description) {
        return new Fd(fd, description);
    }

    /** Marks the descriptor in use and returns its number; pair with {@link #release()} in a finally block. */
    public int acquire() {
        for (;;) {
            long s = state;
            if ((s & CLOSED) != 0) {
                throw new BpfException(description + " is closed");
            }
            if (STATE.compareAndSet(this, s, s + 1)) {
                return fd;
            }
        }
    }

    public void release() {
        long s = (long) STATE.getAndAdd(this, -1L) - 1;
        if (s == CLOSED) {
            finish();
        }
    }

    /** The raw number, for diagnostics and for callers that hold the descriptor through {@link #acquire()}. */
    public int number() {
        return fd;
    }

    public String description() {
        return description;
    }

    public boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /** A new owned descriptor for the same kernel object (close-on-exec). */
    public Fd dup() {
        int raw = acquire();
        try {
            int copy = LibC.fcntl(raw, LibC.F_DUPFD_CLOEXEC, 3);
            if (copy < 0) {
                throw new BpfException("dup of " + description + " failed: " + Errno.describe(LibC.errno()));
            }
            return new Fd(copy, description);
        } finally {
            release();
        }
    }

    @Override
    public void close() {
        for (;;) {
            long s = state;
            if ((s & CLOSED) != 0) {
                return;
            }
            if (STATE.compareAndSet(this, s, s | CLOSED)) {
                if (s == 0) {
                    finish();
                }
                return;
            }
        }
    }

    private void finish() {
        action.closedExplicitly = true;
        cleanable.clean();
    }

    @Override
    public String toString() {
        return description + " (fd " + fd + (isClosed() ? ", closed" : "") + ")";
    }

    private static final class CloseAction implements Runnable {
        private final int fd;
        private final String description;
        private final Throwable creationSite;
        volatile boolean closedExplicitly;

        CloseAction(int fd, String description, Throwable creationSite) {
            this.fd = fd;
            this.description = description;
            this.creationSite = creationSite;
        }

        @Override
        public void run() {
            if (!closedExplicitly && creationSite != null) {
                LOG.log(System.Logger.Level.WARNING,
                        "ebpf4j: " + description + " (fd " + fd + ") was not closed; released by the garbage collector",
                        creationSite);
            }
            LibC.close(fd);
        }
    }
}
