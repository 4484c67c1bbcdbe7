package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.AttachType;
import io.ebpf4j.ProgramSpec;
import io.ebpf4j.ProgramType;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Where a program is attached ({@code ebpf.collections.<name>.programs.<program>.attach}). Values are written in
 * YAML the way libbpf spells section names, e.g. {@code cgroup-skb/ingress} or {@code cgroup/connect4}: Spring Boot
 * binds enums ignoring case and punctuation.
 */
public enum AttachKind {
    /**
     * From the program's section name, like libbpf's auto-attach; targets missing from the name come from
     * configuration.
     */
    AUTO("auto", Family.AUTO, null),
    /** Load the program but do not attach it (tail-call targets, programs the application attaches itself). */
    NONE("none", Family.NONE, null),
    /** A tracepoint ('tracepoint' names it as group/name). */
    TRACEPOINT("tracepoint", Family.TRACEPOINT, null),
    /** A raw tracepoint ('tracepoint' names it, without its group). */
    RAW_TRACEPOINT("raw-tracepoint", Family.RAW_TRACEPOINT, null),
    /** A BTF-based tracing program (tp_btf, fentry, fexit, fmod_ret, lsm, freplace) at the target it was loaded for. */
    TRACING("tracing", Family.TRACING, null),
    /** A kprobe on the entry of 'function'. */
    KPROBE("kprobe", Family.KPROBE, null),
    /** A kretprobe on the return of 'function'. */
    KRETPROBE("kretprobe", Family.KPROBE, null),
    /** A uprobe on 'symbol' (plus 'offset') of 'binary'. */
    UPROBE("uprobe", Family.UPROBE, null),
    /** A uretprobe on the return of 'symbol' of 'binary'. */
    URETPROBE("uretprobe", Family.UPROBE, null),
    /** The USDT probe 'usdt' (provider:name) of 'binary'. */
    USDT("usdt", Family.USDT, null),
    /** The cgroup hook the section name gives (cgroup_skb/ingress, cgroup/connect4, sockops, ...) on 'cgroup'. */
    CGROUP("cgroup", Family.CGROUP, null),
    /** Packets received by sockets of 'cgroup'. */
    CGROUP_SKB_INGRESS("cgroup-skb/ingress", Family.CGROUP, AttachType.CGROUP_INET_INGRESS),
    /** Packets sent by sockets of 'cgroup'. */
    CGROUP_SKB_EGRESS("cgroup-skb/egress", Family.CGROUP, AttachType.CGROUP_INET_EGRESS),
    /** Creation of sockets in 'cgroup'. */
    CGROUP_SOCK_CREATE("cgroup/sock-create", Family.CGROUP, AttachType.CGROUP_INET_SOCK_CREATE),
    /** Release of sockets in 'cgroup'. */
    CGROUP_SOCK_RELEASE("cgroup/sock-release", Family.CGROUP, AttachType.CGROUP_INET_SOCK_RELEASE),
    /** After an IPv4 bind in 'cgroup'. */
    CGROUP_POST_BIND4("cgroup/post-bind4", Family.CGROUP, AttachType.CGROUP_INET4_POST_BIND),
    /** After an IPv6 bind in 'cgroup'. */
    CGROUP_POST_BIND6("cgroup/post-bind6", Family.CGROUP, AttachType.CGROUP_INET6_POST_BIND),
    /** IPv4 bind() in 'cgroup'. */
    CGROUP_BIND4("cgroup/bind4", Family.CGROUP, AttachType.CGROUP_INET4_BIND),
    /** IPv6 bind() in 'cgroup'. */
    CGROUP_BIND6("cgroup/bind6", Family.CGROUP, AttachType.CGROUP_INET6_BIND),
    /** IPv4 connect() in 'cgroup'. */
    CGROUP_CONNECT4("cgroup/connect4", Family.CGROUP, AttachType.CGROUP_INET4_CONNECT),
    /** IPv6 connect() in 'cgroup'. */
    CGROUP_CONNECT6("cgroup/connect6", Family.CGROUP, AttachType.CGROUP_INET6_CONNECT),
    /** Unix socket connect() in 'cgroup'. */
    CGROUP_CONNECT_UNIX("cgroup/connect-unix", Family.CGROUP, AttachType.CGROUP_UNIX_CONNECT),
    /** IPv4 UDP sendmsg() in 'cgroup'. */
    CGROUP_SENDMSG4("cgroup/sendmsg4", Family.CGROUP, AttachType.CGROUP_UDP4_SENDMSG),
    /** IPv6 UDP sendmsg() in 'cgroup'. */
    CGROUP_SENDMSG6("cgroup/sendmsg6", Family.CGROUP, AttachType.CGROUP_UDP6_SENDMSG),
    /** Unix socket sendmsg() in 'cgroup'. */
    CGROUP_SENDMSG_UNIX("cgroup/sendmsg-unix", Family.CGROUP, AttachType.CGROUP_UNIX_SENDMSG),
    /** IPv4 UDP recvmsg() in 'cgroup'. */
    CGROUP_RECVMSG4("cgroup/recvmsg4", Family.CGROUP, AttachType.CGROUP_UDP4_RECVMSG),
    /** IPv6 UDP recvmsg() in 'cgroup'. */
    CGROUP_RECVMSG6("cgroup/recvmsg6", Family.CGROUP, AttachType.CGROUP_UDP6_RECVMSG),
    /** Unix socket recvmsg() in 'cgroup'. */
    CGROUP_RECVMSG_UNIX("cgroup/recvmsg-unix", Family.CGROUP, AttachType.CGROUP_UNIX_RECVMSG),
    /** IPv4 getpeername() in 'cgroup'. */
    CGROUP_GETPEERNAME4("cgroup/getpeername4", Family.CGROUP, AttachType.CGROUP_INET4_GETPEERNAME),
    /** IPv6 getpeername() in 'cgroup'. */
    CGROUP_GETPEERNAME6("cgroup/getpeername6", Family.CGROUP, AttachType.CGROUP_INET6_GETPEERNAME),
    /** Unix socket getpeername() in 'cgroup'. */
    CGROUP_GETPEERNAME_UNIX("cgroup/getpeername-unix", Family.CGROUP, AttachType.CGROUP_UNIX_GETPEERNAME),
    /** IPv4 getsockname() in 'cgroup'. */
    CGROUP_GETSOCKNAME4("cgroup/getsockname4", Family.CGROUP, AttachType.CGROUP_INET4_GETSOCKNAME),
    /** IPv6 getsockname() in 'cgroup'. */
    CGROUP_GETSOCKNAME6("cgroup/getsockname6", Family.CGROUP, AttachType.CGROUP_INET6_GETSOCKNAME),
    /** Unix socket getsockname() in 'cgroup'. */
    CGROUP_GETSOCKNAME_UNIX("cgroup/getsockname-unix", Family.CGROUP, AttachType.CGROUP_UNIX_GETSOCKNAME),
    /** sysctl reads and writes in 'cgroup'. */
    CGROUP_SYSCTL("cgroup/sysctl", Family.CGROUP, AttachType.CGROUP_SYSCTL),
    /** getsockopt() in 'cgroup'. */
    CGROUP_GETSOCKOPT("cgroup/getsockopt", Family.CGROUP, AttachType.CGROUP_GETSOCKOPT),
    /** setsockopt() in 'cgroup'. */
    CGROUP_SETSOCKOPT("cgroup/setsockopt", Family.CGROUP, AttachType.CGROUP_SETSOCKOPT),
    /** Device access in 'cgroup'. */
    CGROUP_DEV("cgroup/dev", Family.CGROUP, AttachType.CGROUP_DEVICE),
    /** TCP socket operations in 'cgroup'. */
    SOCKOPS("sockops", Family.CGROUP, AttachType.CGROUP_SOCK_OPS),
    /** XDP on network interface 'interface' ('xdp-mode' chooses native or generic). */
    XDP("xdp", Family.XDP, AttachType.XDP),
    /** Ingress of network interface 'interface': a TCX link (Linux 6.6+), else a clsact filter over netlink. */
    TCX_INGRESS("tcx/ingress", Family.TCX, AttachType.TCX_INGRESS),
    /** Egress of network interface 'interface': a TCX link (Linux 6.6+), else a clsact filter over netlink. */
    TCX_EGRESS("tcx/egress", Family.TCX, AttachType.TCX_EGRESS),
    /** A socket filter on a packet socket bound to network interface 'interface'. */
    SOCKET_FILTER("socket-filter", Family.SOCKET_FILTER, null),
    /** Samples of the perf event 'perf-event', on every CPU. */
    PERF_EVENT("perf-event", Family.PERF_EVENT, null),
    /** The netfilter hook 'netfilter' of this process's network namespace (Linux 6.4+). */
    NETFILTER("netfilter", Family.NETFILTER, AttachType.NETFILTER),
    /** Socket lookup in this process's network namespace. */
    SK_LOOKUP("sk-lookup", Family.SK_LOOKUP, AttachType.SK_LOOKUP),
    /** A BPF iterator (read it through the link). */
    ITER("iter", Family.ITER, AttachType.TRACE_ITER);

    /**
     * Kinds of hooks that share one attach mechanism and one set of target properties. Each carries what the
     * starter needs to attach to it: the programs that fit, the property that names its target, and its planner.
     */
    enum Family {
        AUTO(spec -> true, "attach", null),
        NONE(spec -> true, "attach", null),
        TRACEPOINT(types(ProgramType.TRACEPOINT), "tracepoint", ProgramAttacher::tracepoint),
        RAW_TRACEPOINT(types(ProgramType.RAW_TRACEPOINT, ProgramType.RAW_TRACEPOINT_WRITABLE), "tracepoint",
                ProgramAttacher::rawTracepoint),
        TRACING(types(ProgramType.TRACING, ProgramType.LSM, ProgramType.EXT), "attach", ProgramAttacher::tracing),
        KPROBE(types(ProgramType.KPROBE), "function", ProgramAttacher::kprobe),
        UPROBE(types(ProgramType.KPROBE), "symbol", ProgramAttacher::uprobe),
        USDT(types(ProgramType.KPROBE), "usdt", ProgramAttacher::usdt),
        CGROUP(types(ProgramType.CGROUP_SKB, ProgramType.CGROUP_SOCK, ProgramType.CGROUP_SOCK_ADDR,
                ProgramType.CGROUP_SOCKOPT, ProgramType.CGROUP_SYSCTL, ProgramType.CGROUP_DEVICE,
                ProgramType.SOCK_OPS), "cgroup", ProgramAttacher::cgroup),
        XDP(types(ProgramType.XDP), "interface", ProgramAttacher::xdp),
        TCX(types(ProgramType.SCHED_CLS), "interface", ProgramAttacher::tcx),
        SOCKET_FILTER(types(ProgramType.SOCKET_FILTER), "interface", ProgramAttacher::socketFilter),
        PERF_EVENT(types(ProgramType.PERF_EVENT), "attach", ProgramAttacher::perfEvent),
        NETFILTER(types(ProgramType.NETFILTER), "attach", ProgramAttacher::netfilter),
        SK_LOOKUP(types(ProgramType.SK_LOOKUP), "attach", ProgramAttacher::skLookup),
        ITER(spec -> spec.attachType() == AttachType.TRACE_ITER, "attach", ProgramAttacher::iter);

        private final Predicate<ProgramSpec> fits;
        private final String targetProperty;
        private final ProgramAttacher.Planner planner;

        Family(Predicate<ProgramSpec> fits, String targetProperty, ProgramAttacher.Planner planner) {
            this.fits = fits;
            this.targetProperty = targetProperty;
            this.planner = planner;
        }

        /** Whether a program of this spec can attach to hooks of this family. */
        boolean fits(ProgramSpec spec) {
            return fits.test(spec);
        }

        /** The {@code programs.<name>} property that names the target, for failure messages. */
        String targetProperty() {
            return targetProperty;
        }

        ProgramAttacher.Planner planner() {
            return planner;
        }

        private static Predicate<ProgramSpec> types(ProgramType... types) {
            Set<ProgramType> set = EnumSet.copyOf(List.of(types));
            return spec -> set.contains(spec.type());
        }
    }

    private final String text;
    private final Family family;
    private final AttachType attachType;

    AttachKind(String text, Family family, AttachType attachType) {
        this.text = text;
        this.family = family;
        this.attachType = attachType;
    }

    /** The spelling used in configuration and reported in {@code ManagedCollection.ProgramState#attach()}. */
    public String text() {
        return text;
    }

    Family family() {
        return family;
    }

    /** The kernel attach type this kind implies, or {@code null} when it comes from the program. */
    AttachType attachType() {
        return attachType;
    }

    boolean isReturnProbe() {
        return this == KRETPROBE || this == URETPROBE;
    }

    @Override
    public String toString() {
        return text;
    }
}
