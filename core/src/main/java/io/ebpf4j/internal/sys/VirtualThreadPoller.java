package io.ebpf4j.internal.sys;

import io.ebpf4j.BpfException;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets virtual threads wait for an {@link Epoll} set without pinning a carrier: the waiting thread registers its
 * set's epoll descriptor (one-shot) with this poller and parks; one daemon platform thread blocks in
 * {@code epoll_wait(2)} for all of them and unparks whichever thread's set became ready. This is the scheme the JDK
 * uses for sockets on virtual threads. The poller thread and its epoll descriptor are created on first use and live
 * as long as the process.
 */
final class VirtualThreadPoller {
    private static final int MAX_EVENTS = 64;
    private static volatile VirtualThreadPoller instance;

    private final int epfd;
    /** Parked threads by the epoll descriptor they wait for; the poller removes an entry when it unparks it. */
    private final ConcurrentHashMap<Integer, Thread> waiters = new ConcurrentHashMap<>();

    private VirtualThreadPoller() {
        epfd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        if (epfd < 0) {
            throw new BpfException("epoll_create1 for the virtual thread poller: " + Errno.describe(LibC.errno()),
                    LibC.errno());
        }
        Thread thread = new Thread(this::run, "ebpf4j-virtual-thread-poller");
        thread.setDaemon(true);
        thread.start();
    }

    private static VirtualThreadPoller get() {
        VirtualThreadPoller p = instance;
        if (p == null) {
            synchronized (VirtualThreadPoller.class) {
                p = instance;
                if (p == null) {
                    p = new VirtualThreadPoller();
                    instance = p;
                }
            }
        }
        return p;
    }

    /**
     * Parks the current thread until {@code fd} (an epoll descriptor the caller holds open) is ready, the deadline
     * passes, or the thread is interrupted or spuriously unparked; the caller re-checks readiness afterwards.
     *
     * @param scratch room for one {@code struct epoll_event}, owned by the caller
     */
    static void park(int fd, long deadline, NativeBuffer scratch) {
        VirtualThreadPoller poller = get();
        Thread self = Thread.currentThread();
        poller.waiters.put(fd, self);
        try {
            Epoll.ctl(poller.epfd, LibC.EPOLL_CTL_ADD, fd, Epoll.EPOLLIN | Epoll.EPOLLONESHOT, scratch);
            // Registration reports a set that is already ready, so a wakeup before parking is not lost.
            while (poller.waiters.get(fd) == self && !Epoll.passed(deadline) && !self.isInterrupted()) {
                if (deadline == Epoll.NO_DEADLINE) {
                    LockSupport.park(poller);
                } else {
                    LockSupport.parkNanos(poller, deadline - System.nanoTime());
                }
            }
        } finally {
            poller.waiters.remove(fd, self);
            // Deregister before the caller may close fd and its number may be reused; ENOENT cannot happen (one-shot
            // registrations stay in the set), but is harmless.
            LibC.epoll_ctl(poller.epfd, LibC.EPOLL_CTL_DEL, fd, scratch.address());
        }
    }

    private void run() {
        NativeBuffer events = new NativeBuffer(EpollEvent.BYTES * MAX_EVENTS);
        for (;;) {
            int n = LibC.epoll_wait(epfd, events.address(), MAX_EVENTS, -1);
            for (int i = 0; i < n; i++) {
                int fd = (int) events.buffer().getLong(i * EpollEvent.BYTES + EpollEvent.DATA);
                Thread waiter = waiters.remove(fd);
                if (waiter != null) {
                    LockSupport.unpark(waiter);
                }
            }
        }
    }
}
