package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.features.Features;
import io.ebpf4j.internal.sys.Arch;
import io.ebpf4j.internal.sys.Descriptors;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.LinkCreateAttr;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.PerfEventAttr;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * {@code perf_event_open(2)} and attaching programs to perf events: through a {@code BPF_PERF_EVENT} bpf_link
 * where the kernel has one (5.15+), else with the {@code PERF_EVENT_IOC_SET_BPF} ioctl.
 */
final class PerfEvents {
    static final int TYPE_HARDWARE = 0;
    static final int TYPE_SOFTWARE = 1;
    static final int TYPE_TRACEPOINT = 2;

    private static final int PERF_FLAG_FD_CLOEXEC = 8;
    private static final long IOC_ENABLE = 0x2400;
    private static final long IOC_SET_BPF = 0x40042408;

    private PerfEvents() {}

    /**
     * What to open: {@code perf_event_attr} type and config words. {@code config1} may point at {@code text}, a
     * C string that must stay alive during the call (kprobe function names, uprobe paths).
     */
    record Event(int type, long config, long config1, long config2, long sample, boolean frequency,
            NativeBuffer text) {
        static Event of(int type, long config) {
            return new Event(type, config, 0, 0, 0, false, null);
        }
    }

    /**
     * Opens a disabled perf event for {@code pid} (-1: every process) on {@code cpu} (-1: every CPU); it starts
     * counting when a program is attached with {@link #attach}.
     *
     * @param what names the event in errors, e.g. "tracepoint syscalls/sys_enter_openat"
     */
    static Fd open(Event event, int pid, int cpu, String what) {
        // Older kernels accept PERF_ATTR_SIZE_VER8 as long as the tail is zero.
        NativeBuffer attr = new NativeBuffer(PerfEventAttr.BYTES_VER8);
        ByteBuffer a = attr.buffer();
        a.putInt(PerfEventAttr.TYPE, event.type());
        a.putInt(PerfEventAttr.SIZE, PerfEventAttr.BYTES_VER8);
        a.putLong(PerfEventAttr.CONFIG, event.config());
        // Tracing events run the program on every hit and need no sampling; counters sample (period or frequency).
        a.putLong(PerfEventAttr.SAMPLE_PERIOD, event.sample());
        a.putLong(PerfEventAttr.DISABLED,
                PerfEventAttr.DISABLED_BIT | (event.frequency() ? PerfEventAttr.FREQ_BIT : 0));
        a.putLong(PerfEventAttr.CONFIG1, event.config1());
        a.putLong(PerfEventAttr.CONFIG2, event.config2());
        long r = LibC.syscall(Arch.current().sysPerfEventOpen, attr.address(), pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
        int errno = r < 0 ? LibC.errno() : 0;
        Reference.reachabilityFence(attr);
        Reference.reachabilityFence(event.text());
        if (r < 0) {
            throw Errors.of("perf_event_open for " + what, errno, "CAP_PERFMON");
        }
        return Fd.own((int) r, "perf event for " + what);
    }

    /**
     * Attaches {@code program} to {@code event} and enables the event. Takes ownership of {@code event} and of
     * {@code tracefsEvent} (may be null): on failure both are released.
     */
    static PerfEventLink attach(BpfProgram program, Fd event, long cookie, String description,
            TracefsEvent tracefsEvent) {
        if (Features.hasPerfLink()) {
            return attachWithLink(program, event, cookie, description, tracefsEvent);
        }
        if (cookie != 0) {
            NotSupportedException e = new NotSupportedException("bpf_cookie", description
                    + ": a bpf_cookie needs perf_event bpf_links, which this kernel lacks (Linux 5.15+)");
            release(event, tracefsEvent, e);
            throw e;
        }
        return attachWithIoctl(program, event, description, tracefsEvent);
    }

    /** {@code BPF_LINK_CREATE} with attach type {@code BPF_PERF_EVENT}, then enable. */
    static PerfEventLink attachWithLink(BpfProgram program, Fd event, long cookie, String description,
            TracefsEvent tracefsEvent) {
        FdLink link = null;
        try {
            int eventFd = event.acquire();
            try {
                long r = FdLink.create(program, eventFd, AttachType.PERF_EVENT, 0,
                        a -> a.putLong(LinkCreateAttr.PerfEvent.BPF_COOKIE, cookie));
                if (r < 0) {
                    throw attachError(program, description, (int) -r);
                }
                link = new FdLink(Fd.own((int) r, description), description);
                enable(eventFd, description);
            } finally {
                event.release();
            }
            return new PerfEventLink(event, link, tracefsEvent, description);
        } catch (RuntimeException e) {
            if (link != null) {
                link.close();
            }
            release(event, tracefsEvent, e);
            throw e;
        }
    }

    /** The pre-5.15 way: {@code PERF_EVENT_IOC_SET_BPF}, then enable; no link, so no pinning and no cookie. */
    static PerfEventLink attachWithIoctl(BpfProgram program, Fd event, String description,
            TracefsEvent tracefsEvent) {
        try {
            int eventFd = event.acquire();
            try {
                int programFd = Descriptors.of(program).acquire();
                try {
                    if (LibC.ioctl(eventFd, IOC_SET_BPF, programFd) != 0) {
                        throw attachError(program, description, LibC.errno());
                    }
                } finally {
                    Descriptors.of(program).release();
                }
                enable(eventFd, description);
            } finally {
                event.release();
            }
            return new PerfEventLink(event, null, tracefsEvent, description);
        } catch (RuntimeException e) {
            release(event, tracefsEvent, e);
            throw e;
        }
    }

    private static void enable(int eventFd, String description) {
        if (LibC.ioctl(eventFd, IOC_ENABLE, 0) != 0) {
            throw Errors.of("enable perf event of " + description, LibC.errno(), "CAP_PERFMON");
        }
    }

    private static void release(Fd event, TracefsEvent tracefsEvent, RuntimeException failure) {
        event.close();
        if (tracefsEvent != null) {
            Attachments.closeQuietly(tracefsEvent, failure);
        }
    }

    private static BpfException attachError(BpfProgram program, String description, int errno) {
        if (errno == Errno.EEXIST) {
            return new BpfException("attach " + description + ": " + Errno.describe(errno) + " (this program is"
                    + " already attached to this tracepoint or probe; each program can be attached to it once)", errno);
        }
        if (errno == Errno.EINVAL) {
            return new BpfException("attach " + description + ": " + Errno.describe(errno) + " (a " + program.type()
                    + " program cannot run on this kind of perf event: tracepoints take TRACEPOINT programs,"
                    + " kprobes and uprobes KPROBE programs, perf counters PERF_EVENT programs)", errno);
        }
        return Errors.of("attach " + description, errno, program.type().attachCapabilities());
    }
}
