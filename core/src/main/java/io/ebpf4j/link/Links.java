package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.MapType;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.features.Features;
import io.ebpf4j.internal.Cpus;
import io.ebpf4j.internal.Mounts;
import io.ebpf4j.internal.sys.Arch;
import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.BpfIterLinkInfo;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.LinkCreateAttr;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.ProgQueryAttr;
import io.ebpf4j.internal.sys.RawTracepointOpenAttr;
import io.ebpf4j.internal.sys.Scratch;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Attaches programs to kernel hooks: one factory method per kind of hook, each returning a {@link BpfLink} that
 * detaches the program when closed.
 *
 * <p>Hooks are attached through a kernel {@code bpf_link} where the kernel has one, with the older mechanisms as
 * fallback: the {@code PERF_EVENT_IOC_SET_BPF} ioctl for perf events before Linux 5.15, tracefs
 * {@code kprobe_events}/{@code uprobe_events} without the kprobe/uprobe perf PMUs, {@code BPF_PROG_ATTACH} for
 * cgroups before 5.7. Network hooks that take an interface name (XDP, TCX, netfilter, packet sockets) act in the
 * network namespace of the calling thread.
 */
public final class Links {
    private Links() {}

    // ---------------------------------------------------------------------------------------------------------
    // Tracing

    /** {@link #tracepoint(String, String, BpfProgram, long)} without a cookie. */
    public static BpfLink tracepoint(String group, String name, BpfProgram program) {
        return tracepoint(group, name, program, 0);
    }

    /**
     * Attaches a {@link ProgramType#TRACEPOINT} program to tracepoint {@code group/name} (e.g.
     * {@code syscalls/sys_enter_openat}, listed in tracefs {@code available_events}), for every process.
     *
     * @param cookie a value the program reads with {@code bpf_get_attach_cookie} (Linux 5.15+), or 0
     * @throws BpfException naming the tracefs file it looked for if there is no such tracepoint, or saying how to
     *     mount tracefs if it is not mounted
     */
    public static BpfLink tracepoint(String group, String name, BpfProgram program, long cookie) {
        requireType(program, "tracepoint", ProgramType.TRACEPOINT);
        Fd event = Probes.tracepoint(group, name);
        return PerfEvents.attach(program, event, cookie,
                "tracepoint " + group + "/" + name + " <- " + describe(program), null);
    }

    /** {@link #rawTracepoint(String, BpfProgram, long)} without a cookie. */
    public static BpfLink rawTracepoint(String name, BpfProgram program) {
        return rawTracepoint(name, program, 0);
    }

    /**
     * Attaches a {@link ProgramType#RAW_TRACEPOINT} program to the raw tracepoint {@code name}: a tracepoint named
     * without its group, e.g. {@code sys_enter} or {@code sched_switch}. The program gets the tracepoint's raw
     * arguments.
     *
     * @param cookie a value for {@code bpf_get_attach_cookie} (Linux 6.10+), or 0
     */
    public static BpfLink rawTracepoint(String name, BpfProgram program, long cookie) {
        Objects.requireNonNull(name, "name");
        requireType(program, "raw tracepoint", ProgramType.RAW_TRACEPOINT, ProgramType.RAW_TRACEPOINT_WRITABLE);
        return rawTracepointOpen(name, program, cookie, "raw tracepoint " + name + " <- " + describe(program));
    }

    /** {@link #tracing(BpfProgram, long)} without a cookie. */
    public static BpfLink tracing(BpfProgram program) {
        return tracing(program, 0);
    }

    /**
     * Attaches a BTF-based tracing program to the target it was loaded for: {@code tp_btf}, {@code fentry},
     * {@code fexit}, {@code fmod_ret} ({@link ProgramType#TRACING}), {@code lsm} ({@link ProgramType#LSM}) and
     * {@code freplace} ({@link ProgramType#EXT}). The target (kernel function, BTF tracepoint, program) is fixed at
     * load time through the program's attach BTF id. Uses {@code BPF_LINK_CREATE} with the program's attach type,
     * or {@code BPF_RAW_TRACEPOINT_OPEN} on kernels (or for programs opened by pin or id) where that does not apply.
     *
     * @param cookie a value for {@code bpf_get_attach_cookie} (Linux 5.19+), or 0
     */
    public static BpfLink tracing(BpfProgram program, long cookie) {
        requireType(program, "tracing hook", ProgramType.TRACING, ProgramType.LSM, ProgramType.EXT);
        AttachType type = program.attachType();
        if (type == AttachType.TRACE_ITER) {
            throw new IllegalArgumentException(describe(program) + " is an iterator: attach it with Links.iter");
        }
        String description = (type == AttachType.NONE ? program.type().toString() : type.toString()) + " <- "
                + describe(program);
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
                throw attachError(description, (int) -r, program, type.toString());
            }
        }
        return rawTracepointOpen(null, program, cookie, description);
    }

    /** {@code BPF_RAW_TRACEPOINT_OPEN}; a null name attaches a BTF-based program to its load-time target. */
    private static BpfLink rawTracepointOpen(String name, BpfProgram program, long cookie, String description) {
        NativeBuffer text = name == null ? null : new NativeBuffer(name.length() + 1);
        long nameAddress = name == null ? 0 : text.putCString(name);
        long r;
        int programFd = program.fd().acquire();
        try {
            NativeBuffer attr = Bpf.attr(Scratch.get(), RawTracepointOpenAttr.BYTES);
            attr.buffer().putLong(RawTracepointOpenAttr.NAME, nameAddress);
            attr.buffer().putInt(RawTracepointOpenAttr.PROG_FD, programFd);
            attr.buffer().putLong(RawTracepointOpenAttr.COOKIE, cookie);
            r = Bpf.call(Bpf.RAW_TRACEPOINT_OPEN, attr, RawTracepointOpenAttr.BYTES);
        } finally {
            program.fd().release();
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
            throw attachError(description, errno, program, "raw tracepoint");
        }
        return new FdLink(Fd.own((int) r, description), description);
    }

    private static String tracefsEventList() {
        return Mounts.find(Mounts.TRACEFS).map(t -> "see " + t.resolve("available_events"))
                .orElse("tracefs (not mounted) lists them in available_events");
    }

    /** {@link #kprobe(String, BpfProgram, KprobeOptions)} with default options. */
    public static BpfLink kprobe(String symbol, BpfProgram program) {
        return kprobe(symbol, program, KprobeOptions.defaults());
    }

    /**
     * Attaches a {@link ProgramType#KPROBE} program to the entry of kernel function {@code symbol} (plus
     * {@link KprobeOptions#offset()}). For a system call use {@link #syscallSymbol(String)}.
     *
     * @throws NotSupportedException if the kernel has neither the kprobe perf PMU nor tracefs kprobe_events
     */
    public static BpfLink kprobe(String symbol, BpfProgram program, KprobeOptions options) {
        return attachKprobe(symbol, program, options, false);
    }

    /** {@link #kretprobe(String, BpfProgram, KprobeOptions)} with default options. */
    public static BpfLink kretprobe(String symbol, BpfProgram program) {
        return kretprobe(symbol, program, KprobeOptions.defaults());
    }

    /** Like {@link #kprobe(String, BpfProgram, KprobeOptions)}, but runs when the function returns. */
    public static BpfLink kretprobe(String symbol, BpfProgram program, KprobeOptions options) {
        if (options.offset() != 0) {
            throw new IllegalArgumentException("a kretprobe cannot have an offset");
        }
        return attachKprobe(symbol, program, options, true);
    }

    private static BpfLink attachKprobe(String symbol, BpfProgram program, KprobeOptions options, boolean ret) {
        Objects.requireNonNull(symbol, "symbol");
        String hook = ret ? "kretprobe" : "kprobe";
        requireType(program, hook, ProgramType.KPROBE);
        Probes.ProbeEvent probe = Probes.kprobe(symbol, options.offset(), ret);
        String description = hook + " " + symbol + (options.offset() != 0 ? "+" + options.offset() : "") + " <- "
                + describe(program);
        return PerfEvents.attach(program, probe.event(), options.cookie(), description, probe.tracefsEvent());
    }

    /**
     * The kernel function that handles system call {@code syscall} (e.g. {@code openat}), to put a kprobe on:
     * the architecture's wrapper ({@code __x64_sys_openat}) on kernels that have wrappers (4.17+), else
     * {@code sys_openat}.
     */
    public static String syscallSymbol(String syscall) {
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

    /**
     * Attaches a {@link ProgramType#KPROBE} program, loaded with attach type
     * {@link AttachType#TRACE_KPROBE_MULTI}, to many kernel functions at once through one fprobe-based link
     * (Linux 5.18+, {@code CONFIG_FPROBE}).
     */
    public static BpfLink kprobeMulti(List<String> symbols, BpfProgram program, MultiProbeOptions options) {
        String hook = options.retprobe() ? "kretprobe_multi" : "kprobe_multi";
        requireType(program, hook, ProgramType.KPROBE);
        requireAttachType(program, hook, AttachType.TRACE_KPROBE_MULTI);
        requireLocations(symbols, options, hook);
        String description = hook + " on " + summary(symbols) + " <- " + describe(program);
        NativeBuffer names = cStringArray(symbols);
        NativeBuffer cookies = longArray(options.cookies());
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
            throw attachError(description, errno, program, hook);
        }
        return new FdLink(Fd.own((int) r, description), description);
    }

    // ---------------------------------------------------------------------------------------------------------
    // User space probes

    /** {@link #uprobe(Executable, String, BpfProgram, UprobeOptions)} with default options. */
    public static BpfLink uprobe(Executable target, String symbol, BpfProgram program) {
        return uprobe(target, symbol, program, UprobeOptions.defaults());
    }

    /**
     * Attaches a {@link ProgramType#KPROBE} program to the entry of function {@code symbol} of an executable or
     * shared library, in every process that runs it (or only {@link UprobeOptions#pid()}).
     */
    public static BpfLink uprobe(Executable target, String symbol, BpfProgram program, UprobeOptions options) {
        return attachUprobe(target, symbol, 0, program, options, false);
    }

    /** Attaches a uprobe at a file offset of {@code target} (plus {@link UprobeOptions#offset()}). */
    public static BpfLink uprobe(Executable target, long fileOffset, BpfProgram program, UprobeOptions options) {
        return attachUprobe(target, null, fileOffset, program, options, false);
    }

    /** {@link #uretprobe(Executable, String, BpfProgram, UprobeOptions)} with default options. */
    public static BpfLink uretprobe(Executable target, String symbol, BpfProgram program) {
        return uretprobe(target, symbol, program, UprobeOptions.defaults());
    }

    /** Like {@link #uprobe(Executable, String, BpfProgram, UprobeOptions)}, but runs when the function returns. */
    public static BpfLink uretprobe(Executable target, String symbol, BpfProgram program, UprobeOptions options) {
        return attachUprobe(target, symbol, 0, program, options, true);
    }

    /** A uretprobe on the function at a file offset of {@code target}. */
    public static BpfLink uretprobe(Executable target, long fileOffset, BpfProgram program, UprobeOptions options) {
        return attachUprobe(target, null, fileOffset, program, options, true);
    }

    /** A uprobe at {@code symbol}, or (symbol null) at {@code fileOffset}, plus the options' offset. */
    private static BpfLink attachUprobe(Executable target, String symbol, long fileOffset, BpfProgram program,
            UprobeOptions options, boolean ret) {
        String hook = ret ? "uretprobe" : "uprobe";
        requireType(program, hook, ProgramType.KPROBE);
        long offset = (symbol != null ? target.offset(symbol) : fileOffset) + options.offset();
        String description = hook + " " + target.path() + ":" + (symbol != null ? symbol
                + (options.offset() != 0 ? "+0x" + Long.toHexString(options.offset()) : "")
                : "0x" + Long.toHexString(offset)) + (options.pid() > 0 ? " in pid " + options.pid() : "") + " <- "
                + describe(program);
        Probes.ProbeEvent probe = Probes.uprobe(target.path().toString(), offset, options.refCounterOffset(), ret,
                options.pid(), description);
        return PerfEvents.attach(program, probe.event(), options.cookie(), description, probe.tracefsEvent());
    }

    /**
     * Attaches a {@link ProgramType#KPROBE} program, loaded with attach type
     * {@link AttachType#TRACE_UPROBE_MULTI}, to several functions of an executable through one link (Linux 6.6+).
     */
    public static BpfLink uprobeMulti(Executable target, List<String> symbols, BpfProgram program,
            MultiProbeOptions options) {
        String hook = options.retprobe() ? "uretprobe_multi" : "uprobe_multi";
        requireType(program, hook, ProgramType.KPROBE);
        requireAttachType(program, hook, AttachType.TRACE_UPROBE_MULTI);
        requireLocations(symbols, options, hook);
        String description = hook + " " + target.path() + ":" + summary(symbols)
                + (options.pid() > 0 ? " in pid " + options.pid() : "") + " <- " + describe(program);
        List<Long> offsets = new ArrayList<>();
        for (String symbol : symbols) {
            offsets.add(target.offset(symbol));
        }
        NativeBuffer path = new NativeBuffer(0);
        long pathAddress = path.putCString(target.path().toString());
        NativeBuffer offsetArray = longArray(offsets);
        NativeBuffer cookies = longArray(options.cookies());
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
            throw attachError(description, errno, program, hook);
        }
        return new FdLink(Fd.own((int) r, description), description);
    }

    /** {@link #usdt(Executable, String, String, BpfProgram, UsdtOptions)} with default options. */
    public static BpfLink usdt(Executable target, String provider, String name, BpfProgram program) {
        return usdt(target, provider, name, program, UsdtOptions.defaults());
    }

    /**
     * Attaches a {@link ProgramType#KPROBE} program written with libbpf's {@code usdt.bpf.h}
     * ({@code SEC("usdt")}, {@code bpf_usdt_arg()}) to every site of the USDT probe {@code provider:name} in an
     * executable or library. Each site gets a uprobe; the probe's argument locations are written into the
     * program's {@code __bpf_usdt_specs} map and found by the program through the BPF cookie, as libbpf does. A
     * probe with a semaphore has it incremented by the kernel while attached (Linux 4.20+). Needs BPF cookies
     * (Linux 5.15+).
     */
    public static BpfLink usdt(Executable target, String provider, String name, BpfProgram program,
            UsdtOptions options) {
        requireType(program, "usdt", ProgramType.KPROBE);
        return Usdt.attach(target, provider, name, program, options);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Perf events, iterators, struct_ops

    /**
     * Runs a {@link ProgramType#PERF_EVENT} program on samples of a hardware or software perf counter, on every
     * online CPU, for every process.
     *
     * @throws NotSupportedException for hardware events on machines without a hardware PMU (most VMs)
     */
    public static BpfLink perfEvent(BpfProgram program, PerfEventSpec spec) {
        requireType(program, "perf event", ProgramType.PERF_EVENT);
        String description = "perf " + spec.describe() + " on every CPU <- " + describe(program);
        List<BpfLink> parts = new ArrayList<>();
        try {
            for (int cpu : Cpus.online()) {
                String what = "perf " + spec.describe() + " on CPU " + cpu;
                Fd event = openCounter(spec, cpu, what);
                parts.add(PerfEvents.attach(program, event, 0, what + " <- " + describe(program), null));
            }
        } catch (RuntimeException e) {
            closeAll(parts, e);
            throw e;
        }
        return new LinkGroup(parts, description, null);
    }

    private static Fd openCounter(PerfEventSpec spec, int cpu, String what) {
        boolean frequency = spec.sampleFrequency() > 0;
        PerfEvents.Event event = new PerfEvents.Event(spec.type(), spec.config(), 0, 0,
                frequency ? spec.sampleFrequency() : spec.samplePeriod(), frequency, null);
        try {
            return PerfEvents.open(event, -1, cpu, what);
        } catch (BpfException e) {
            if (e.errno() == Errno.ENOENT || e.errno() == Errno.EOPNOTSUPP) {
                throw new NotSupportedException("perf event " + spec.describe(), "perf_event_open for " + what + ": "
                        + Errno.describe(e.errno()) + ": this machine has no PMU that counts this event"
                        + (spec.type() == PerfEventSpec.HARDWARE ? " (virtual machines often expose no hardware"
                        + " counters: use a software event such as PerfEventSpec.SW_CPU_CLOCK)" : ""), e.errno());
            }
            throw e;
        }
    }

    /**
     * Attaches a BPF iterator program ({@link ProgramType#TRACING} loaded with attach type
     * {@link AttachType#TRACE_ITER} and the BTF id of its {@code bpf_iter_<target>} function, e.g. tasks).
     */
    public static IterLink iter(BpfProgram program) {
        return attachIter(program, null);
    }

    /** Attaches a map element iterator ({@code iter/bpf_map_elem} and similar) to {@code map}. */
    public static IterLink iter(BpfProgram program, BpfMap map) {
        return attachIter(program, Objects.requireNonNull(map, "map"));
    }

    private static IterLink attachIter(BpfProgram program, BpfMap map) {
        requireType(program, "iterator", ProgramType.TRACING);
        requireAttachType(program, "iterator", AttachType.TRACE_ITER);
        String description = "iterator" + (map == null ? "" : " over map '" + map.name() + "'") + " <- "
                + describe(program);
        NativeBuffer info = new NativeBuffer(BpfIterLinkInfo.BYTES);
        long r;
        if (map == null) {
            r = FdLink.create(program, 0, AttachType.TRACE_ITER, 0, null);
        } else {
            int mapFd = map.fd().acquire();
            try {
                info.buffer().putInt(BpfIterLinkInfo.MAP_FD, mapFd);
                r = FdLink.create(program, 0, AttachType.TRACE_ITER, 0, a -> {
                    a.putLong(LinkCreateAttr.ITER_INFO, info.address());
                    a.putInt(LinkCreateAttr.ITER_INFO_LEN, BpfIterLinkInfo.BYTES);
                });
            } finally {
                map.fd().release();
            }
        }
        Reference.reachabilityFence(info);
        if (r < 0) {
            throw attachError(description, (int) -r, program, "iterator");
        }
        return new IterFdLink(Fd.own((int) r, description), description);
    }

    /**
     * Registers a struct_ops map (e.g. a TCP congestion control) through a link: closing the link unregisters it.
     * The map must have been created with {@code BPF_F_LINK} and its value set, as the collection loader does for
     * {@code SEC(".struct_ops.link")} maps ({@code BpfCollection.attachStructOps} calls this for them).
     */
    public static StructOpsLink structOps(BpfMap map) {
        if (map.type() != MapType.STRUCT_OPS) {
            throw new IllegalArgumentException("map '" + map.name() + "' is a " + map.type()
                    + " map; struct_ops links need a STRUCT_OPS map");
        }
        String description = "struct_ops map '" + map.name() + "'";
        long r;
        int mapFd = map.fd().acquire();
        try {
            r = FdLink.create(mapFd, 0, AttachType.STRUCT_OPS, 0, null);
        } finally {
            map.fd().release();
        }
        if (r < 0) {
            int errno = (int) -r;
            if (errno == Errno.EINVAL) {
                throw new BpfException("register " + description + ": " + Errno.describe(errno) + " (the map must"
                        + " be created with BPF_F_LINK, i.e. SEC(\".struct_ops.link\"), and hold its value)", errno);
            }
            throw Errors.of("register " + description, errno, "CAP_BPF + CAP_PERFMON");
        }
        return new StructOpsLink(Fd.own((int) r, description), description);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Cgroups and networking

    /**
     * Attaches a cgroup program (cgroup_skb, cgroup/sock_create, connect4, sysctl, sockopt, device, sock_ops, ...)
     * to a cgroup v2 directory for {@code type}, e.g. {@link AttachType#CGROUP_INET_INGRESS}. It applies to every
     * process in the cgroup and its descendants. Several programs can be attached to the same cgroup and type.
     */
    public static BpfLink cgroup(Path cgroup, AttachType type, BpfProgram program) {
        Objects.requireNonNull(type, "type");
        String description = "cgroup " + cgroup + " " + type + " <- " + describe(program);
        Fd directory = openCgroup(cgroup);
        if (!Features.hasBpfLink()) {
            return ProgAttachLink.attach(directory, type, ProgAttachLink.F_ALLOW_MULTI, program, description);
        }
        long r;
        try {
            r = create(program, directory, type);
        } finally {
            directory.close(); // the link holds the cgroup
        }
        return linkOrThrow(r, description, program, "cgroup " + type);
    }

    /** Opens a cgroup v2 directory, checking that it is one. */
    static Fd openCgroup(Path cgroup) {
        String fsType = Mounts.fsTypeOf(cgroup).orElse("no file system");
        if (!fsType.equals(Mounts.CGROUP2)) {
            throw new BpfException(cgroup + " is not in a cgroup v2 hierarchy (it is on " + fsType + "); cgroup v2 "
                    + Mounts.find(Mounts.CGROUP2).map(p -> "is mounted at " + p)
                    .orElse("is not mounted (`mount -t cgroup2 none /sys/fs/cgroup`)"));
        }
        return open(cgroup, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, "cgroup directory");
    }

    /**
     * Attaches an {@link ProgramType#SK_LOOKUP} or {@link ProgramType#FLOW_DISSECTOR} program to a network
     * namespace, given by a namespace file such as {@code /proc/self/ns/net} or {@code /var/run/netns/<name>}.
     */
    public static BpfLink netns(Path namespace, BpfProgram program) {
        requireType(program, "network namespace hook", ProgramType.SK_LOOKUP, ProgramType.FLOW_DISSECTOR);
        AttachType type = program.type() == ProgramType.SK_LOOKUP ? AttachType.SK_LOOKUP : AttachType.FLOW_DISSECTOR;
        String description = "netns " + namespace + " " + type + " <- " + describe(program);
        Fd file = open(namespace, LibC.O_RDONLY | LibC.O_CLOEXEC, "network namespace file");
        long r;
        try {
            r = create(program, file, type);
        } finally {
            file.close(); // the link holds the namespace
        }
        if (r == -Errno.EINVAL) {
            throw new BpfException("attach " + description + ": " + Errno.describe(Errno.EINVAL) + " (is "
                    + namespace + " a network namespace file, like /proc/self/ns/net?)", Errno.EINVAL);
        }
        return linkOrThrow(r, description, program, "netns " + type);
    }

    /**
     * Attaches an {@link ProgramType#XDP} program to network interface {@code interfaceName} (of the calling
     * thread's network namespace): through an XDP bpf_link where the kernel has bpf_link, otherwise over netlink
     * ({@link #xdpNetlink}).
     */
    public static BpfLink xdp(String interfaceName, BpfProgram program, XdpMode mode) {
        requireType(program, "XDP hook", ProgramType.XDP);
        if (!Features.hasBpfLink()) {
            return xdpNetlink(interfaceName, program, mode);
        }
        int ifindex = Interfaces.index(interfaceName);
        String description = "XDP" + (mode == XdpMode.DEFAULT ? "" : " (" + mode + ")") + " on " + interfaceName
                + " <- " + describe(program);
        long r = FdLink.create(program, ifindex, AttachType.XDP, mode.flags, null);
        if (r < 0) {
            int errno = (int) -r;
            if (errno == Errno.EOPNOTSUPP) {
                throw new NotSupportedException("XDP " + mode, "attach " + description + ": the driver of "
                        + interfaceName + " does not support " + mode + " mode XDP (EOPNOTSUPP); use XdpMode.GENERIC",
                        errno);
            }
            if (errno == Errno.EBUSY || errno == Errno.EEXIST) {
                throw new BpfException("attach " + description + ": " + Errno.describe(errno) + " (" + interfaceName
                        + " already has an XDP program, e.g. attached with `ip link`; remove it with"
                        + " `ip link set dev " + interfaceName + " xdp off`)", errno);
            }
        }
        return linkOrThrow(r, description, program, "XDP");
    }

    /**
     * Attaches an {@link ProgramType#XDP} program over netlink ({@code IFLA_XDP}), as {@code ip link set dev X xdp}
     * does: the way for kernels without XDP links (before 5.9). The result cannot be pinned and has no link info;
     * it detaches on close, and update swaps the program atomically. Fails if the interface has an XDP program.
     */
    public static BpfLink xdpNetlink(String interfaceName, BpfProgram program, XdpMode mode) {
        requireType(program, "XDP hook", ProgramType.XDP);
        return new NetlinkXdpLink(interfaceName, program, mode);
    }

    /**
     * Attaches a {@link ProgramType#SCHED_CLS} program to the ingress or egress traffic of network interface
     * {@code interfaceName} ({@code direction} {@link AttachType#TCX_INGRESS} or {@link AttachType#TCX_EGRESS}):
     * through a TCX link where the kernel has TCX (Linux 6.6), otherwise as a cls_bpf filter of a clsact qdisc
     * ({@link #clsact}, priority chosen by the kernel).
     */
    public static BpfLink tc(String interfaceName, AttachType direction, BpfProgram program) {
        return Features.hasTcx() ? tcx(interfaceName, direction, program)
                : clsact(interfaceName, direction, program, 0);
    }

    /**
     * Attaches a {@link ProgramType#SCHED_CLS} program as a direct-action cls_bpf filter on the ingress or egress side
     * ({@link AttachType#TCX_INGRESS}, {@link AttachType#TCX_EGRESS}) of {@code interfaceName}'s clsact qdisc,
     * created if missing, over netlink: what {@code tc filter add dev X ingress bpf da} does, and the way for kernels
     * without TCX. {@code priority} 1-65535 orders the filters (lower runs first); 0 lets the kernel choose. The
     * result cannot be pinned and has no link info; it removes its filter on close, and update replaces it in
     * place.
     */
    public static BpfLink clsact(String interfaceName, AttachType direction, BpfProgram program, int priority) {
        requireDirection(direction);
        if (priority < 0 || priority > 0xFFFF) {
            throw new IllegalArgumentException("a clsact filter priority is 1-65535 (0: the kernel chooses), not "
                    + priority);
        }
        requireType(program, "TC hook", ProgramType.SCHED_CLS);
        return new ClsactLink(interfaceName, direction, program, priority);
    }

    private static void requireDirection(AttachType direction) {
        if (direction != AttachType.TCX_INGRESS && direction != AttachType.TCX_EGRESS) {
            throw new IllegalArgumentException("TC programs attach at TCX_INGRESS or TCX_EGRESS, not " + direction);
        }
    }

    /**
     * Attaches a {@link ProgramType#SCHED_CLS} program to the TCX ingress or egress hook
     * ({@link AttachType#TCX_INGRESS}, {@link AttachType#TCX_EGRESS}) of network interface {@code interfaceName}
     * (Linux 6.6+). Programs run in attach order; each returns a {@code TC_ACT_*} verdict.
     */
    public static BpfLink tcx(String interfaceName, AttachType direction, BpfProgram program) {
        requireDirection(direction);
        requireType(program, "TCX hook", ProgramType.SCHED_CLS);
        int ifindex = Interfaces.index(interfaceName);
        String description = direction + " on " + interfaceName + " <- " + describe(program);
        return linkOrThrow(FdLink.create(program, ifindex, direction, 0, null), description, program, "TCX");
    }

    /**
     * Attaches a {@link ProgramType#NETFILTER} program to a netfilter hook of the calling thread's network
     * namespace (Linux 6.4+).
     */
    public static BpfLink netfilter(BpfProgram program, NetfilterOptions options) {
        requireType(program, "netfilter hook", ProgramType.NETFILTER);
        String description = "netfilter " + (options.protocolFamily() == NetfilterOptions.IPV4 ? "IPv4" : "IPv6")
                + " hook " + options.hook() + " priority " + options.priority() + " <- " + describe(program);
        long r = FdLink.create(program, 0, AttachType.NETFILTER, 0, a -> {
            a.putInt(LinkCreateAttr.Netfilter.PF, options.protocolFamily());
            a.putInt(LinkCreateAttr.Netfilter.HOOKNUM, options.hook());
            a.putInt(LinkCreateAttr.Netfilter.PRIORITY, options.priority());
            a.putInt(LinkCreateAttr.Netfilter.FLAGS, options.flags());
        });
        if (r == -Errno.EBUSY) {
            throw new BpfException("attach " + description + ": another program already uses priority "
                    + options.priority() + " on this hook", Errno.EBUSY);
        }
        return linkOrThrow(r, description, program, "netfilter");
    }

    /**
     * Attaches a {@link ProgramType#SOCKET_FILTER} program to a socket ({@code SO_ATTACH_BPF}). The program sees
     * every packet the socket receives and returns how many bytes of it to keep (0 drops it). The socket stays the
     * caller's: close the link before (or instead of relying on) closing the socket.
     */
    public static BpfLink socketFilter(BpfProgram program, int socketFd) {
        requireType(program, "socket filter", ProgramType.SOCKET_FILTER);
        return new SocketFilterLink(program, socketFd);
    }

    /** {@link #socketFilter(BpfProgram, int)} for a bound Java channel. */
    public static BpfLink socketFilter(BpfProgram program, NetworkChannel channel) {
        return socketFilter(program, Sockets.fdOf(channel));
    }

    /**
     * {@link #socketFilter(BpfProgram, int)} for a packet socket. Frames the socket queued before the filter was
     * attached are discarded, so that everything received afterwards went through the filter.
     */
    public static BpfLink socketFilter(BpfProgram program, PacketSocket socket) {
        BpfLink link = socketFilter(program, socket.fd());
        socket.discardQueued();
        return link;
    }

    /**
     * Opens a raw packet socket ({@code AF_PACKET}) bound to network interface {@code interfaceName} of the
     * calling thread's network namespace: it sees every frame in and out of the interface.
     */
    public static PacketSocket packetSocket(String interfaceName) {
        return PacketSocket.open(interfaceName);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Pins and queries

    /** Opens a link pinned in bpffs; closing the handle leaves it attached (the pin holds it). */
    public static BpfLink loadPinned(String path) {
        return FdLink.loadPinned(path);
    }

    /** Every link in the kernel, by id ({@code BPF_LINK_GET_NEXT_ID}; needs CAP_SYS_ADMIN). */
    public static List<LinkInfo> all() {
        List<LinkInfo> links = new ArrayList<>();
        int id = 0;
        for (;;) {
            long next = Bpf.nextId(Bpf.LINK_GET_NEXT_ID, id);
            if (next == -Errno.ENOENT) {
                return links;
            }
            if (next < 0) {
                throw Errors.of("list links", (int) -next, "CAP_SYS_ADMIN");
            }
            id = (int) next;
            int raw = Bpf.fdById(Bpf.LINK_GET_FD_BY_ID, id, 0);
            if (raw == -Errno.ENOENT) {
                continue; // released since it was listed
            }
            if (raw < 0) {
                throw Errors.of("open link id " + id, -raw, "CAP_SYS_ADMIN");
            }
            Fd fd = Fd.own(raw, "link id " + id);
            try {
                links.add(LinkInfo.read(raw));
            } finally {
                fd.close();
            }
        }
    }

    /**
     * The programs attached to a cgroup directory or network namespace file for {@code type}
     * ({@code BPF_PROG_QUERY}), in the order they run.
     */
    public static List<AttachedProgram> query(Path target, AttachType type) {
        Fd file = open(target, LibC.O_RDONLY | LibC.O_CLOEXEC, "query target");
        try {
            int raw = file.acquire();
            try {
                return query(raw, type, target.toString());
            } finally {
                file.release();
            }
        } finally {
            file.close();
        }
    }

    /** The programs attached to a network interface for {@code type}, e.g. {@link AttachType#TCX_INGRESS}. */
    public static List<AttachedProgram> query(String interfaceName, AttachType type) {
        return query(Interfaces.index(interfaceName), type, interfaceName);
    }

    private static List<AttachedProgram> query(int target, AttachType type, String what) {
        int capacity = 64;
        boolean perProgram = true;
        for (;;) {
            NativeBuffer programIds = new NativeBuffer(Integer.BYTES * capacity);
            NativeBuffer programFlags = new NativeBuffer(Integer.BYTES * capacity);
            NativeBuffer linkIds = new NativeBuffer(Integer.BYTES * capacity);
            NativeBuffer attr = Bpf.attr(Scratch.get(), ProgQueryAttr.BYTES);
            ByteBuffer a = attr.buffer();
            a.putInt(ProgQueryAttr.TARGET_FD, target);
            a.putInt(ProgQueryAttr.ATTACH_TYPE, type.value());
            a.putLong(ProgQueryAttr.PROG_IDS, programIds.address());
            a.putInt(ProgQueryAttr.PROG_CNT, capacity);
            if (perProgram) {
                a.putLong(ProgQueryAttr.PROG_ATTACH_FLAGS, programFlags.address());
                a.putLong(ProgQueryAttr.LINK_IDS, linkIds.address());
            }
            long r = Bpf.call(Bpf.PROG_QUERY, attr, ProgQueryAttr.BYTES);
            int count = a.getInt(ProgQueryAttr.PROG_CNT);
            if (r == -Errno.ENOSPC && count > capacity) {
                capacity = count;
                continue;
            }
            if (r == -Errno.EINVAL && perProgram) {
                perProgram = false; // kernels before 6.6 know neither per-program flags nor link ids
                continue;
            }
            if (r < 0) {
                throw Errors.of("query programs attached to " + what + " for " + type, (int) -r,
                        "CAP_NET_ADMIN");
            }
            int sharedFlags = a.getInt(ProgQueryAttr.ATTACH_FLAGS);
            List<AttachedProgram> programs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int at = Integer.BYTES * i;
                int flags = perProgram ? programFlags.buffer().getInt(at) : 0;
                programs.add(new AttachedProgram(programIds.buffer().getInt(at),
                        perProgram ? linkIds.buffer().getInt(at) : 0, flags != 0 ? flags : sharedFlags));
            }
            return programs;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Shared helpers

    /** {@code BPF_LINK_CREATE} on a target given by descriptor. */
    private static long create(BpfProgram program, Fd target, AttachType type) {
        int targetFd = target.acquire();
        try {
            return FdLink.create(program, targetFd, type, 0, null);
        } finally {
            target.release();
        }
    }

    private static BpfLink linkOrThrow(long r, String description, BpfProgram program, String hook) {
        if (r < 0) {
            throw attachError(description, (int) -r, program, hook);
        }
        return new FdLink(Fd.own((int) r, description), description);
    }

    private static BpfException attachError(String description, int errno, BpfProgram program, String hook) {
        if (errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP) {
            return new NotSupportedException(hook, "attach " + description + ": this kernel does not support " + hook
                    + " (" + Errno.name(errno) + ")", errno);
        }
        if (errno == Errno.EINVAL && !Features.hasBpfLink()) {
            return new NotSupportedException("bpf_link", "attach " + description + ": this kernel has no bpf_link"
                    + " (Linux 5.7+), which " + hook + " needs", errno);
        }
        if (errno == Errno.EEXIST) {
            return new BpfException("attach " + description + ": " + Errno.describe(errno) + " (the program is"
                    + " already attached to this hook, which takes each program once)", errno);
        }
        return Errors.of("attach " + description, errno, program.type().attachCapabilities());
    }

    private static Fd open(Path path, int flags, String what) {
        NativeBuffer text = new NativeBuffer(0);
        long address = text.putCString(path.toString());
        int raw = LibC.open(address, flags, 0);
        int errno = raw < 0 ? LibC.errno() : 0;
        Reference.reachabilityFence(text);
        if (raw < 0) {
            if (errno == Errno.ENOENT || errno == Errno.ENOTDIR) {
                throw new BpfException("no " + what + " " + path, errno);
            }
            throw Errors.of("open " + what + " " + path, errno, "CAP_SYS_ADMIN");
        }
        return Fd.own(raw, what + " " + path);
    }

    static String describe(BpfProgram program) {
        return "program '" + program.name() + "'";
    }

    static void requireType(BpfProgram program, String hook, ProgramType... expected) {
        for (ProgramType type : expected) {
            if (program.type() == type) {
                return;
            }
        }
        throw new IllegalArgumentException(describe(program) + " is a " + program.type() + " program; a " + hook
                + " needs " + (expected.length == 1 ? expected[0] : "one of " + List.of(expected)));
    }

    /** A program opened by pin or id has no known attach type: the kernel then checks it. */
    private static void requireAttachType(BpfProgram program, String hook, AttachType expected) {
        if (program.attachType() != AttachType.NONE && program.attachType() != expected) {
            throw new IllegalArgumentException(describe(program) + " was loaded with attach type "
                    + program.attachType() + "; a " + hook + " needs it loaded with " + expected);
        }
    }

    private static void requireLocations(List<String> symbols, MultiProbeOptions options, String hook) {
        if (symbols.isEmpty()) {
            throw new IllegalArgumentException("a " + hook + " needs at least one function");
        }
        if (!options.cookies().isEmpty() && options.cookies().size() != symbols.size()) {
            throw new IllegalArgumentException(hook + ": " + options.cookies().size() + " cookies for "
                    + symbols.size() + " functions; give one per function or none");
        }
    }

    private static String summary(List<String> symbols) {
        return symbols.size() <= 3 ? String.join(",", symbols)
                : String.join(",", symbols.subList(0, 3)) + ",... (" + symbols.size() + " functions)";
    }

    /** An array of pointers to NUL-terminated strings; the strings live in the same buffer, after the array. */
    private static NativeBuffer cStringArray(List<String> strings) {
        List<byte[]> encoded = new ArrayList<>();
        int size = Long.BYTES * strings.size();
        for (String s : strings) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            encoded.add(bytes);
            size += bytes.length + 1;
        }
        NativeBuffer buffer = new NativeBuffer(size);
        int position = Long.BYTES * strings.size();
        for (int i = 0; i < encoded.size(); i++) {
            buffer.buffer().putLong(Long.BYTES * i, buffer.address() + position);
            buffer.put(position, encoded.get(i), 0, encoded.get(i).length);
            buffer.buffer().put(position + encoded.get(i).length, (byte) 0);
            position += encoded.get(i).length + 1;
        }
        return buffer;
    }

    /** Native {@code u64} array, or null for an empty list. */
    private static NativeBuffer longArray(List<Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        NativeBuffer buffer = new NativeBuffer(Long.BYTES * values.size());
        for (int i = 0; i < values.size(); i++) {
            buffer.buffer().putLong(Long.BYTES * i, values.get(i));
        }
        return buffer;
    }

    /** Closes {@code resource}, recording a failure as suppressed by {@code primary}. */
    static void closeQuietly(AutoCloseable resource, Throwable primary) {
        try {
            resource.close();
        } catch (Exception e) {
            primary.addSuppressed(e);
        }
    }

    /** Closes every link, after a failure that is being reported. */
    private static void closeAll(List<BpfLink> links, Throwable primary) {
        for (BpfLink link : links) {
            closeQuietly(link, primary);
        }
    }

    /** Closes every link; the first failure is thrown once all are closed. */
    static void closeAll(List<BpfLink> links) {
        RuntimeException failure = null;
        for (BpfLink link : links) {
            try {
                link.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
