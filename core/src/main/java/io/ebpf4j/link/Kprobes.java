package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.internal.sys.Arch;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.LinkCreateAttr;
import io.ebpf4j.internal.sys.NativeBuffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Kernel probes: kprobes and kretprobes through the perf PMU or tracefs, and kprobe_multi links. */
final class Kprobes {
    private Kprobes() {}

    static BpfLink kprobe(String symbol, BpfProgram program, KprobeOptions options) {
        return attachKprobe(symbol, program, options, false);
    }

    static BpfLink kretprobe(String symbol, BpfProgram program, KprobeOptions options) {
        if (options.offset() != 0) {
            throw new IllegalArgumentException("a kretprobe cannot have an offset");
        }
        return attachKprobe(symbol, program, options, true);
    }

    static BpfLink attachKprobe(String symbol, BpfProgram program, KprobeOptions options, boolean ret) {
        Objects.requireNonNull(symbol, "symbol");
        String hook = ret ? "kretprobe" : "kprobe";
        Attachments.requireType(program, hook, ProgramType.KPROBE);
        Probes.ProbeEvent probe = Probes.kprobe(symbol, options.offset(), ret);
        String description = hook + " " + symbol + (options.offset() != 0 ? "+" + options.offset() : "") + " <- "
                + Attachments.describe(program);
        return PerfEvents.attach(program, probe.event(), options.cookie(), description, probe.tracefsEvent());
    }

    static String syscallSymbol(String syscall) {
        String wrapper = Arch.current().syscallPrefix + syscall;
        String plain = "sys_" + syscall;
        boolean plainFound = false;
        try (BufferedReader kallsyms = Files.newBufferedReader(Path.of("/proc/kallsyms"))) {
            for (String line = kallsyms.readLine(); line != null; line = kallsyms.readLine()) {
                String name = line.substring(line.lastIndexOf(' ') + 1);
                if (name.equals(wrapper)) {
                    return wrapper;
                }
                plainFound |= name.equals(plain);
            }
        } catch (IOException | RuntimeException e) {
            return wrapper; // no kallsyms to check: every supported architecture has wrappers since 4.17
        }
        return plainFound ? plain : wrapper;
    }

    static BpfLink kprobeMulti(List<String> symbols, BpfProgram program, MultiProbeOptions options) {
        String hook = options.retprobe() ? "kretprobe_multi" : "kprobe_multi";
        Attachments.requireType(program, hook, ProgramType.KPROBE);
        Attachments.requireAttachType(program, hook, AttachType.TRACE_KPROBE_MULTI);
        Attachments.requireLocations(symbols, options, hook);
        String description = hook + " on " + Attachments.summary(symbols) + " <- " + Attachments.describe(program);
        NativeBuffer names = Attachments.cStringArray(symbols);
        NativeBuffer cookies = Attachments.longArray(options.cookies());
        long r = FdLink.create(program, 0, AttachType.TRACE_KPROBE_MULTI, 0, a -> {
            a.putInt(LinkCreateAttr.KprobeMulti.FLAGS, options.retprobe() ? 1 : 0);
            a.putInt(LinkCreateAttr.KprobeMulti.CNT, symbols.size());
            a.putLong(LinkCreateAttr.KprobeMulti.SYMS, names.address());
            a.putLong(LinkCreateAttr.KprobeMulti.COOKIES, cookies == null ? 0 : cookies.address());
        });
        Reference.reachabilityFence(names);
        Reference.reachabilityFence(cookies);
        if (r < 0) {
            int errno = (int) -r;
            if (errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP) {
                throw new NotSupportedException(hook, description + ": this kernel has no kprobe_multi support ("
                        + Errno.name(errno) + ": it needs Linux 5.18+ built with CONFIG_FPROBE)", errno);
            }
            if (errno == Errno.ESRCH || errno == Errno.ENOENT) {
                throw new BpfException(description + ": " + Errno.describe(errno) + " (a function is not in the"
                        + " kernel or cannot be probed)", errno);
            }
            throw Attachments.attachError(description, errno, program, hook);
        }
        return new FdLink(Fd.own((int) r, description), description);
    }
}
