package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.internal.Mounts;
import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.Descriptors;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.LinkCreateAttr;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.RawTracepointOpenAttr;
import io.ebpf4j.internal.sys.Scratch;

import java.lang.ref.Reference;
import java.util.Objects;

/** Tracepoints, raw tracepoints and BTF-based tracing programs (fentry, fexit, fmod_ret, tp_btf, lsm, freplace). */
final class Tracing {
    private Tracing() {}

    static BpfLink tracepoint(String group, String name, BpfProgram program, long cookie) {
        Attachments.requireType(program, "tracepoint", ProgramType.TRACEPOINT);
        Fd event = Probes.tracepoint(group, name);
        return PerfEvents.attach(program, event, cookie,
                "tracepoint " + group + "/" + name + " <- " + Attachments.describe(program), null);
    }

    static BpfLink rawTracepoint(String name, BpfProgram program, long cookie) {
        Objects.requireNonNull(name, "name");
        Attachments.requireType(program, "raw tracepoint", ProgramType.RAW_TRACEPOINT,
                ProgramType.RAW_TRACEPOINT_WRITABLE);
        return rawTracepointOpen(name, program, cookie, "raw tracepoint " + name + " <- "
                + Attachments.describe(program));
    }

    static BpfLink tracing(BpfProgram program, long cookie) {
        Attachments.requireType(program, "tracing hook", ProgramType.TRACING, ProgramType.LSM, ProgramType.EXT);
        AttachType type = program.attachType();
        if (type == AttachType.TRACE_ITER) {
            throw new IllegalArgumentException(Attachments.describe(program)
                    + " is an iterator: attach it with Links.iter");
        }
        String description = (type == AttachType.NONE ? program.type().toString() : type.toString()) + " <- "
                + Attachments.describe(program);
        if (type != AttachType.NONE) {
            long r = FdLink.create(program, 0, type, 0, a -> {
                a.putInt(LinkCreateAttr.Tracing.TARGET_BTF_ID, 0); // 0: the one given at load
                a.putLong(LinkCreateAttr.Tracing.COOKIE, cookie);
            });
            if (r >= 0) {
                return new FdLink(Fd.own((int) r, description), description);
            }
            // Kernels before 5.10 (6.10 for tp_btf) have no tracing links through LINK_CREATE.
            if (r != -Errno.EINVAL || cookie != 0) {
                throw Attachments.attachError(description, (int) -r, program, type.toString());
            }
        }
        return rawTracepointOpen(null, program, cookie, description);
    }

    /** {@code BPF_RAW_TRACEPOINT_OPEN}; a null name attaches a BTF-based program to its load-time target. */
    static BpfLink rawTracepointOpen(String name, BpfProgram program, long cookie, String description) {
        NativeBuffer text = name == null ? null : new NativeBuffer(name.length() + 1);
        long nameAddress = name == null ? 0 : text.putCString(name);
        long r;
        int programFd = Descriptors.of(program).acquire();
        try {
            NativeBuffer attr = Bpf.attr(Scratch.get(), RawTracepointOpenAttr.BYTES);
            attr.buffer().putLong(RawTracepointOpenAttr.NAME, nameAddress);
            attr.buffer().putInt(RawTracepointOpenAttr.PROG_FD, programFd);
            attr.buffer().putLong(RawTracepointOpenAttr.COOKIE, cookie);
            r = Bpf.call(Bpf.RAW_TRACEPOINT_OPEN, attr, RawTracepointOpenAttr.BYTES);
        } finally {
            Descriptors.of(program).release();
            Reference.reachabilityFence(text);
        }
        if (r < 0) {
            int errno = (int) -r;
            if (errno == Errno.ENOENT && name != null) {
                throw new BpfException("unknown raw tracepoint '" + name + "': raw tracepoints are named without"
                        + " their group (sched_switch, not sched/sched_switch); " + tracefsEventList(), errno);
            }
            if (errno == Errno.EINVAL && cookie != 0) {
                throw new NotSupportedException("raw tracepoint bpf_cookie", description + ": "
                        + Errno.describe(errno) + " (cookies on raw tracepoints need Linux 6.10+)", errno);
            }
            throw Attachments.attachError(description, errno, program, "raw tracepoint");
        }
        return new FdLink(Fd.own((int) r, description), description);
    }

    static String tracefsEventList() {
        return Mounts.find(Mounts.TRACEFS).map(t -> "see " + t.resolve("available_events"))
                .orElse("tracefs (not mounted) lists them in available_events");
    }
}
