package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramType;
import io.ebpf4j.features.Features;

import java.nio.channels.NetworkChannel;
import java.nio.file.Path;
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
        return Tracing.tracepoint(group, name, program, cookie);
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
        return Tracing.rawTracepoint(name, program, cookie);
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
        return Tracing.tracing(program, cookie);
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
        return Kprobes.kprobe(symbol, program, options);
    }

    /** {@link #kretprobe(String, BpfProgram, KprobeOptions)} with default options. */
    public static BpfLink kretprobe(String symbol, BpfProgram program) {
        return kretprobe(symbol, program, KprobeOptions.defaults());
    }

    /** Like {@link #kprobe(String, BpfProgram, KprobeOptions)}, but runs when the function returns. */
    public static BpfLink kretprobe(String symbol, BpfProgram program, KprobeOptions options) {
        return Kprobes.kretprobe(symbol, program, options);
    }

    /**
     * The kernel function that handles system call {@code syscall} (e.g. {@code openat}), to put a kprobe on:
     * the architecture's wrapper ({@code __x64_sys_openat}) on kernels that have wrappers (4.17+), else
     * {@code sys_openat}.
     */
    public static String syscallSymbol(String syscall) {
        return Kprobes.syscallSymbol(syscall);
    }

    /**
     * Attaches a {@link ProgramType#KPROBE} program, loaded with attach type
     * {@link AttachType#TRACE_KPROBE_MULTI}, to many kernel functions at once through one fprobe-based link
     * (Linux 5.18+, {@code CONFIG_FPROBE}).
     */
    public static BpfLink kprobeMulti(List<String> symbols, BpfProgram program, MultiProbeOptions options) {
        return Kprobes.kprobeMulti(symbols, program, options);
    }

    /** {@link #uprobe(Executable, String, BpfProgram, UprobeOptions)} with default options. */
    public static BpfLink uprobe(Executable target, String symbol, BpfProgram program) {
        return uprobe(target, symbol, program, UprobeOptions.defaults());
    }

    /**
     * Attaches a {@link ProgramType#KPROBE} program to the entry of function {@code symbol} of an executable or
     * shared library, in every process that runs it (or only {@link UprobeOptions#pid()}).
     */
    public static BpfLink uprobe(Executable target, String symbol, BpfProgram program, UprobeOptions options) {
        return Uprobes.attachUprobe(target, symbol, 0, program, options, false);
    }

    /** Attaches a uprobe at a file offset of {@code target} (plus {@link UprobeOptions#offset()}). */
    public static BpfLink uprobe(Executable target, long fileOffset, BpfProgram program, UprobeOptions options) {
        return Uprobes.attachUprobe(target, null, fileOffset, program, options, false);
    }

    /** {@link #uretprobe(Executable, String, BpfProgram, UprobeOptions)} with default options. */
    public static BpfLink uretprobe(Executable target, String symbol, BpfProgram program) {
        return uretprobe(target, symbol, program, UprobeOptions.defaults());
    }

    /** Like {@link #uprobe(Executable, String, BpfProgram, UprobeOptions)}, but runs when the function returns. */
    public static BpfLink uretprobe(Executable target, String symbol, BpfProgram program, UprobeOptions options) {
        return Uprobes.attachUprobe(target, symbol, 0, program, options, true);
    }

    /** A uretprobe on the function at a file offset of {@code target}. */
    public static BpfLink uretprobe(Executable target, long fileOffset, BpfProgram program, UprobeOptions options) {
        return Uprobes.attachUprobe(target, null, fileOffset, program, options, true);
    }

    /**
     * Attaches a {@link ProgramType#KPROBE} program, loaded with attach type
     * {@link AttachType#TRACE_UPROBE_MULTI}, to several functions of an executable through one link (Linux 6.6+).
     */
    public static BpfLink uprobeMulti(Executable target, List<String> symbols, BpfProgram program,
            MultiProbeOptions options) {
        return Uprobes.uprobeMulti(target, symbols, program, options);
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
        Attachments.requireType(program, "usdt", ProgramType.KPROBE);
        return Usdt.attach(target, provider, name, program, options);
    }

    /**
     * Runs a {@link ProgramType#PERF_EVENT} program on samples of a hardware or software perf counter, on every
     * online CPU, for every process.
     *
     * @throws NotSupportedException for hardware events on machines without a hardware PMU (most VMs)
     */
    public static BpfLink perfEvent(BpfProgram program, PerfEventSpec spec) {
        return PerfCounters.perfEvent(program, spec);
    }

    /**
     * Attaches a BPF iterator program ({@link ProgramType#TRACING} loaded with attach type
     * {@link AttachType#TRACE_ITER} and the BTF id of its {@code bpf_iter_<target>} function, e.g. tasks).
     */
    public static IterLink iter(BpfProgram program) {
        return Iterators.attachIter(program, null);
    }

    /** Attaches a map element iterator ({@code iter/bpf_map_elem} and similar) to {@code map}. */
    public static IterLink iter(BpfProgram program, BpfMap map) {
        return Iterators.attachIter(program, Objects.requireNonNull(map, "map"));
    }

    /**
     * Registers a struct_ops map (e.g. a TCP congestion control) through a link: closing the link unregisters it.
     * The map must have been created with {@code BPF_F_LINK} and its value set, as the collection loader does for
     * {@code SEC(".struct_ops.link")} maps ({@code BpfCollection.attachStructOps} calls this for them).
     */
    public static StructOpsLink structOps(BpfMap map) {
        return StructOpsLink.register(map);
    }

    /**
     * Attaches a cgroup program (cgroup_skb, cgroup/sock_create, connect4, sysctl, sockopt, device, sock_ops, ...)
     * to a cgroup v2 directory for {@code type}, e.g. {@link AttachType#CGROUP_INET_INGRESS}. It applies to every
     * process in the cgroup and its descendants. Several programs can be attached to the same cgroup and type.
     */
    public static BpfLink cgroup(Path cgroup, AttachType type, BpfProgram program) {
        return Cgroups.cgroup(cgroup, type, program);
    }

    /**
     * Attaches an {@link ProgramType#SK_LOOKUP} or {@link ProgramType#FLOW_DISSECTOR} program to a network
     * namespace, given by a namespace file such as {@code /proc/self/ns/net} or {@code /var/run/netns/<name>}.
     */
    public static BpfLink netns(Path namespace, BpfProgram program) {
        return Netns.netns(namespace, program);
    }

    /**
     * Attaches an {@link ProgramType#XDP} program to network interface {@code interfaceName} (of the calling
     * thread's network namespace): through an XDP bpf_link where the kernel has bpf_link, otherwise over netlink
     * ({@link #xdpNetlink}).
     */
    public static BpfLink xdp(String interfaceName, BpfProgram program, XdpMode mode) {
        return Xdp.xdp(interfaceName, program, mode);
    }

    /**
     * Attaches an {@link ProgramType#XDP} program over netlink ({@code IFLA_XDP}), as {@code ip link set dev X xdp}
     * does: the way for kernels without XDP links (before 5.9). The result cannot be pinned and has no link info;
     * it detaches on close, and update swaps the program atomically. Fails if the interface has an XDP program.
     */
    public static BpfLink xdpNetlink(String interfaceName, BpfProgram program, XdpMode mode) {
        Attachments.requireType(program, "XDP hook", ProgramType.XDP);
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
        return TrafficControl.clsact(interfaceName, direction, program, priority);
    }

    /**
     * Attaches a {@link ProgramType#SCHED_CLS} program to the TCX ingress or egress hook
     * ({@link AttachType#TCX_INGRESS}, {@link AttachType#TCX_EGRESS}) of network interface {@code interfaceName}
     * (Linux 6.6+). Programs run in attach order; each returns a {@code TC_ACT_*} verdict.
     */
    public static BpfLink tcx(String interfaceName, AttachType direction, BpfProgram program) {
        return TrafficControl.tcx(interfaceName, direction, program);
    }

    /**
     * Attaches a {@link ProgramType#NETFILTER} program to a netfilter hook of the calling thread's network
     * namespace (Linux 6.4+).
     */
    public static BpfLink netfilter(BpfProgram program, NetfilterOptions options) {
        return Netfilter.netfilter(program, options);
    }

    /**
     * Attaches a {@link ProgramType#SOCKET_FILTER} program to a socket ({@code SO_ATTACH_BPF}). The program sees
     * every packet the socket receives and returns how many bytes of it to keep (0 drops it). The socket stays the
     * caller's: close the link before (or instead of relying on) closing the socket.
     */
    public static BpfLink socketFilter(BpfProgram program, int socketFd) {
        Attachments.requireType(program, "socket filter", ProgramType.SOCKET_FILTER);
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

    /** Opens a link pinned in bpffs; closing the handle leaves it attached (the pin holds it). */
    public static BpfLink loadPinned(String path) {
        return FdLink.loadPinned(path);
    }

    /** Every link in the kernel, by id ({@code BPF_LINK_GET_NEXT_ID}; needs CAP_SYS_ADMIN). */
    public static List<LinkInfo> all() {
        return Queries.all();
    }

    /**
     * The programs attached to a cgroup directory or network namespace file for {@code type}
     * ({@code BPF_PROG_QUERY}), in the order they run.
     */
    public static List<AttachedProgram> query(Path target, AttachType type) {
        return Queries.query(target, type);
    }

    /** The programs attached to a network interface for {@code type}, e.g. {@link AttachType#TCX_INGRESS}. */
    public static List<AttachedProgram> query(String interfaceName, AttachType type) {
        return Queries.query(Interfaces.index(interfaceName), type, interfaceName);
    }
}
