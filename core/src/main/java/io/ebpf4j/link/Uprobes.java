package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.features.Features;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.LinkCreateAttr;
import io.ebpf4j.internal.sys.NativeBuffer;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

/** User space probes: uprobes and uretprobes through the perf PMU or tracefs, and uprobe_multi links. */
final class Uprobes {
    private Uprobes() {}

    /** A uprobe at {@code symbol}, or (symbol null) at {@code fileOffset}, plus the options' offset. */
    static BpfLink attachUprobe(Executable target, String symbol, long fileOffset, BpfProgram program,
            UprobeOptions options, boolean ret) {
        String hook = ret ? "uretprobe" : "uprobe";
        Attachments.requireType(program, hook, ProgramType.KPROBE);
        long offset = (symbol != null ? target.offset(symbol) : fileOffset) + options.offset();
        String description = hook + " " + target.path() + ":" + (symbol != null ? symbol
                + (options.offset() != 0 ? "+0x" + Long.toHexString(options.offset()) : "")
                : "0x" + Long.toHexString(offset)) + (options.pid() > 0 ? " in pid " + options.pid() : "") + " <- "
                + Attachments.describe(program);
        Probes.ProbeEvent probe = Probes.uprobe(target.path().toString(), offset, options.refCounterOffset(), ret,
                options.pid(), description);
        return PerfEvents.attach(program, probe.event(), options.cookie(), description, probe.tracefsEvent());
    }

    static BpfLink uprobeMulti(Executable target, List<String> symbols, BpfProgram program,
            MultiProbeOptions options) {
        String hook = options.retprobe() ? "uretprobe_multi" : "uprobe_multi";
        Attachments.requireType(program, hook, ProgramType.KPROBE);
        Attachments.requireAttachType(program, hook, AttachType.TRACE_UPROBE_MULTI);
        Attachments.requireLocations(symbols, options, hook);
        String description = hook + " " + target.path() + ":" + Attachments.summary(symbols)
                + (options.pid() > 0 ? " in pid " + options.pid() : "") + " <- " + Attachments.describe(program);
        List<Long> offsets = new ArrayList<>();
        for (String symbol : symbols) {
            offsets.add(target.offset(symbol));
        }
        NativeBuffer path = new NativeBuffer(0);
        long pathAddress = path.putCString(target.path().toString());
        NativeBuffer offsetArray = Attachments.longArray(offsets);
        NativeBuffer cookies = Attachments.longArray(options.cookies());
        long r = FdLink.create(program, 0, AttachType.TRACE_UPROBE_MULTI, 0, a -> {
            a.putLong(LinkCreateAttr.UprobeMulti.PATH, pathAddress);
            a.putLong(LinkCreateAttr.UprobeMulti.OFFSETS, offsetArray.address());
            a.putLong(LinkCreateAttr.UprobeMulti.COOKIES, cookies == null ? 0 : cookies.address());
            a.putInt(LinkCreateAttr.UprobeMulti.CNT, symbols.size());
            a.putInt(LinkCreateAttr.UprobeMulti.FLAGS, options.retprobe() ? 1 : 0);
            a.putInt(LinkCreateAttr.UprobeMulti.PID, options.pid());
        });
        Reference.reachabilityFence(path);
        Reference.reachabilityFence(offsetArray);
        Reference.reachabilityFence(cookies);
        if (r < 0) {
            int errno = (int) -r;
            if (errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP) {
                throw new NotSupportedException(hook, description + ": this kernel has no uprobe_multi support ("
                        + Errno.name(errno) + "; Linux 6.6+)", errno);
            }
            if (errno == Errno.EINVAL && !Features.hasBpfLink()) {
                throw new NotSupportedException(hook, description + ": this kernel has no bpf_link", errno);
            }
            throw Attachments.attachError(description, errno, program, hook);
        }
        return new FdLink(Fd.own((int) r, description), description);
    }
}
