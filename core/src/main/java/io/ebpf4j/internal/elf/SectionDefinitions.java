package io.ebpf4j.internal.elf;

import io.ebpf4j.AttachType;
import io.ebpf4j.ProgramType;
import io.ebpf4j.internal.elf.ProgramSection.AutoAttach;
import io.ebpf4j.internal.elf.ProgramSection.Flag;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import static io.ebpf4j.internal.elf.ProgramSection.Flag.ATTACHABLE;
import static io.ebpf4j.internal.elf.ProgramSection.Flag.ATTACH_BTF;
import static io.ebpf4j.internal.elf.ProgramSection.Flag.EXPECTED_ATTACH_TYPE_OPTIONAL;
import static io.ebpf4j.internal.elf.ProgramSection.Flag.SLEEPABLE;
import static io.ebpf4j.internal.elf.ProgramSection.Flag.USDT;
import static io.ebpf4j.internal.elf.ProgramSection.Flag.XDP_FRAGS;

/**
 * libbpf's table of program section names ({@code section_defs[]} in libbpf.c): which section name means which
 * program type, expected attach type and load flags. Compatibility with this table is what lets ebpf4j load objects
 * written for libbpf.
 *
 * <p>Each definition is matched in table order, and the first match wins, like libbpf:
 * <ul>
 *   <li>{@code "name"} matches exactly {@code name};</li>
 *   <li>{@code "name+"} matches {@code name} or {@code name/anything} (the part after {@code /} is the attach
 *       target), but not {@code name.other};</li>
 *   <li>{@code "name/"} matches any name starting with {@code name/}.</li>
 * </ul>
 * A leading {@code ?} is not part of the match: it only turns autoload off.
 */
public final class SectionDefinitions {

    private record Definition(String pattern, ProgramType programType, AttachType attachType, AutoAttach autoAttach,
            Set<Flag> flags) {

        boolean matches(String name) {
            if (pattern.endsWith("/")) {
                return name.startsWith(pattern);
            }
            if (pattern.endsWith("+")) {
                int prefixLength = pattern.length() - 1;
                return name.startsWith(pattern.substring(0, prefixLength))
                        && (name.length() == prefixLength || name.charAt(prefixLength) == '/');
            }
            return name.equals(pattern);
        }

        /** The part of a matching name after the prefix and its '/', or null if the name has none. */
        String attachTarget(String name) {
            int prefixLength = pattern.endsWith("/") || pattern.endsWith("+") ? pattern.length() - 1 : name.length();
            return name.length() > prefixLength ? name.substring(prefixLength + 1) : null;
        }
    }

    private static final AttachType NONE = AttachType.NONE;

    private static final List<Definition> TABLE = List.of(
            def("socket", ProgramType.SOCKET_FILTER, NONE),
            def("sk_reuseport/migrate", ProgramType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT_OR_MIGRATE,
                    ATTACHABLE),
            def("sk_reuseport", ProgramType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT, ATTACHABLE),
            def("kprobe+", ProgramType.KPROBE, NONE, AutoAttach.KPROBE),
            def("uprobe+", ProgramType.KPROBE, NONE, AutoAttach.UPROBE),
            def("uprobe.s+", ProgramType.KPROBE, NONE, AutoAttach.UPROBE, SLEEPABLE),
            def("kretprobe+", ProgramType.KPROBE, NONE, AutoAttach.KPROBE),
            def("uretprobe+", ProgramType.KPROBE, NONE, AutoAttach.UPROBE),
            def("uretprobe.s+", ProgramType.KPROBE, NONE, AutoAttach.UPROBE, SLEEPABLE),
            def("kprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_KPROBE_MULTI, AutoAttach.KPROBE_MULTI),
            def("kretprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_KPROBE_MULTI, AutoAttach.KPROBE_MULTI),
            def("kprobe.session+", ProgramType.KPROBE, AttachType.TRACE_KPROBE_SESSION, AutoAttach.KPROBE_MULTI),
            def("uprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, AutoAttach.UPROBE_MULTI),
            def("uretprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, AutoAttach.UPROBE_MULTI),
            def("uprobe.session+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_SESSION, AutoAttach.UPROBE_MULTI),
            def("uprobe.multi.s+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, AutoAttach.UPROBE_MULTI,
                    SLEEPABLE),
            def("uretprobe.multi.s+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, AutoAttach.UPROBE_MULTI,
                    SLEEPABLE),
            def("uprobe.session.s+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_SESSION, AutoAttach.UPROBE_MULTI,
                    SLEEPABLE),
            def("ksyscall+", ProgramType.KPROBE, NONE, AutoAttach.KSYSCALL),
            def("kretsyscall+", ProgramType.KPROBE, NONE, AutoAttach.KSYSCALL),
            def("usdt+", ProgramType.KPROBE, NONE, AutoAttach.USDT, USDT),
            def("usdt.s+", ProgramType.KPROBE, NONE, AutoAttach.USDT, USDT, SLEEPABLE),
            // libbpf treats tc/ingress and tc/egress as aliases of tcx/.
            def("tc/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS),
            def("tc/egress", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS),
            def("tcx/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS),
            def("tcx/egress", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS),
            def("tc", ProgramType.SCHED_CLS, NONE),
            def("classifier", ProgramType.SCHED_CLS, NONE),
            def("action", ProgramType.SCHED_ACT, NONE),
            def("netkit/primary", ProgramType.SCHED_CLS, AttachType.NETKIT_PRIMARY),
            def("netkit/peer", ProgramType.SCHED_CLS, AttachType.NETKIT_PEER),
            def("tracepoint+", ProgramType.TRACEPOINT, NONE, AutoAttach.TRACEPOINT),
            def("tp+", ProgramType.TRACEPOINT, NONE, AutoAttach.TRACEPOINT),
            def("tracepoint.s+", ProgramType.TRACEPOINT, NONE, AutoAttach.TRACEPOINT, SLEEPABLE),
            def("tp.s+", ProgramType.TRACEPOINT, NONE, AutoAttach.TRACEPOINT, SLEEPABLE),
            def("raw_tracepoint+", ProgramType.RAW_TRACEPOINT, NONE, AutoAttach.RAW_TRACEPOINT),
            def("raw_tp+", ProgramType.RAW_TRACEPOINT, NONE, AutoAttach.RAW_TRACEPOINT),
            def("raw_tracepoint.s+", ProgramType.RAW_TRACEPOINT, NONE, AutoAttach.RAW_TRACEPOINT, SLEEPABLE),
            def("raw_tp.s+", ProgramType.RAW_TRACEPOINT, NONE, AutoAttach.RAW_TRACEPOINT, SLEEPABLE),
            def("raw_tracepoint.w+", ProgramType.RAW_TRACEPOINT_WRITABLE, NONE, AutoAttach.RAW_TRACEPOINT),
            def("raw_tp.w+", ProgramType.RAW_TRACEPOINT_WRITABLE, NONE, AutoAttach.RAW_TRACEPOINT),
            def("tp_btf+", ProgramType.TRACING, AttachType.TRACE_RAW_TP, AutoAttach.TRACING, ATTACH_BTF),
            def("tp_btf.s+", ProgramType.TRACING, AttachType.TRACE_RAW_TP, AutoAttach.TRACING, ATTACH_BTF, SLEEPABLE),
            def("fentry+", ProgramType.TRACING, AttachType.TRACE_FENTRY, AutoAttach.TRACING, ATTACH_BTF),
            def("fmod_ret+", ProgramType.TRACING, AttachType.MODIFY_RETURN, AutoAttach.TRACING, ATTACH_BTF),
            def("fexit+", ProgramType.TRACING, AttachType.TRACE_FEXIT, AutoAttach.TRACING, ATTACH_BTF),
            def("fentry.s+", ProgramType.TRACING, AttachType.TRACE_FENTRY, AutoAttach.TRACING, ATTACH_BTF, SLEEPABLE),
            def("fmod_ret.s+", ProgramType.TRACING, AttachType.MODIFY_RETURN, AutoAttach.TRACING, ATTACH_BTF,
                    SLEEPABLE),
            def("fexit.s+", ProgramType.TRACING, AttachType.TRACE_FEXIT, AutoAttach.TRACING, ATTACH_BTF, SLEEPABLE),
            def("fsession+", ProgramType.TRACING, AttachType.TRACE_FSESSION, AutoAttach.TRACING, ATTACH_BTF),
            def("fsession.s+", ProgramType.TRACING, AttachType.TRACE_FSESSION, AutoAttach.TRACING, ATTACH_BTF,
                    SLEEPABLE),
            // The multi variants resolve many BTF targets at attach time, so they carry no ATTACH_BTF.
            def("fsession.multi+", ProgramType.TRACING, AttachType.TRACE_FSESSION_MULTI, AutoAttach.TRACING_MULTI),
            def("fsession.multi.s+", ProgramType.TRACING, AttachType.TRACE_FSESSION_MULTI, AutoAttach.TRACING_MULTI,
                    SLEEPABLE),
            def("fentry.multi+", ProgramType.TRACING, AttachType.TRACE_FENTRY_MULTI, AutoAttach.TRACING_MULTI),
            def("fexit.multi+", ProgramType.TRACING, AttachType.TRACE_FEXIT_MULTI, AutoAttach.TRACING_MULTI),
            def("fentry.multi.s+", ProgramType.TRACING, AttachType.TRACE_FENTRY_MULTI, AutoAttach.TRACING_MULTI,
                    SLEEPABLE),
            def("fexit.multi.s+", ProgramType.TRACING, AttachType.TRACE_FEXIT_MULTI, AutoAttach.TRACING_MULTI,
                    SLEEPABLE),
            def("freplace+", ProgramType.EXT, NONE, AutoAttach.TRACING, ATTACH_BTF),
            def("lsm+", ProgramType.LSM, AttachType.LSM_MAC, AutoAttach.LSM, ATTACH_BTF),
            def("lsm.s+", ProgramType.LSM, AttachType.LSM_MAC, AutoAttach.LSM, ATTACH_BTF, SLEEPABLE),
            def("lsm_cgroup+", ProgramType.LSM, AttachType.LSM_CGROUP, AutoAttach.NONE, ATTACH_BTF),
            def("iter+", ProgramType.TRACING, AttachType.TRACE_ITER, AutoAttach.ITER, ATTACH_BTF),
            def("iter.s+", ProgramType.TRACING, AttachType.TRACE_ITER, AutoAttach.ITER, ATTACH_BTF, SLEEPABLE),
            def("syscall", ProgramType.SYSCALL, NONE, SLEEPABLE),
            def("xdp.frags/devmap", ProgramType.XDP, AttachType.XDP_DEVMAP, XDP_FRAGS),
            def("xdp/devmap", ProgramType.XDP, AttachType.XDP_DEVMAP, ATTACHABLE),
            def("xdp.frags/cpumap", ProgramType.XDP, AttachType.XDP_CPUMAP, XDP_FRAGS),
            def("xdp/cpumap", ProgramType.XDP, AttachType.XDP_CPUMAP, ATTACHABLE),
            def("xdp.frags", ProgramType.XDP, AttachType.XDP, XDP_FRAGS),
            def("xdp", ProgramType.XDP, AttachType.XDP, ATTACHABLE, EXPECTED_ATTACH_TYPE_OPTIONAL),
            def("perf_event", ProgramType.PERF_EVENT, NONE),
            def("lwt_in", ProgramType.LWT_IN, NONE),
            def("lwt_out", ProgramType.LWT_OUT, NONE),
            def("lwt_xmit", ProgramType.LWT_XMIT, NONE),
            def("lwt_seg6local", ProgramType.LWT_SEG6LOCAL, NONE),
            def("sockops", ProgramType.SOCK_OPS, AttachType.CGROUP_SOCK_OPS, ATTACHABLE, EXPECTED_ATTACH_TYPE_OPTIONAL),
            def("sk_skb/stream_parser", ProgramType.SK_SKB, AttachType.SK_SKB_STREAM_PARSER, ATTACHABLE,
                    EXPECTED_ATTACH_TYPE_OPTIONAL),
            def("sk_skb/stream_verdict", ProgramType.SK_SKB, AttachType.SK_SKB_STREAM_VERDICT, ATTACHABLE,
                    EXPECTED_ATTACH_TYPE_OPTIONAL),
            def("sk_skb/verdict", ProgramType.SK_SKB, AttachType.SK_SKB_VERDICT, ATTACHABLE,
                    EXPECTED_ATTACH_TYPE_OPTIONAL),
            def("sk_skb", ProgramType.SK_SKB, NONE),
            def("sk_msg", ProgramType.SK_MSG, AttachType.SK_MSG_VERDICT, ATTACHABLE, EXPECTED_ATTACH_TYPE_OPTIONAL),
            def("lirc_mode2", ProgramType.LIRC_MODE2, AttachType.LIRC_MODE2, ATTACHABLE, EXPECTED_ATTACH_TYPE_OPTIONAL),
            def("flow_dissector", ProgramType.FLOW_DISSECTOR, AttachType.FLOW_DISSECTOR, ATTACHABLE,
                    EXPECTED_ATTACH_TYPE_OPTIONAL),
            def("cgroup_skb/ingress", ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_INGRESS, ATTACHABLE,
                    EXPECTED_ATTACH_TYPE_OPTIONAL),
            def("cgroup_skb/egress", ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_EGRESS, ATTACHABLE,
                    EXPECTED_ATTACH_TYPE_OPTIONAL),
            def("cgroup/skb", ProgramType.CGROUP_SKB, NONE),
            def("cgroup/sock_create", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, ATTACHABLE),
            def("cgroup/sock_release", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_RELEASE, ATTACHABLE),
            def("cgroup/sock", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, ATTACHABLE,
                    EXPECTED_ATTACH_TYPE_OPTIONAL),
            def("cgroup/post_bind4", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET4_POST_BIND, ATTACHABLE),
            def("cgroup/post_bind6", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET6_POST_BIND, ATTACHABLE),
            def("cgroup/bind4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_BIND, ATTACHABLE),
            def("cgroup/bind6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_BIND, ATTACHABLE),
            def("cgroup/connect4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_CONNECT, ATTACHABLE),
            def("cgroup/connect6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_CONNECT, ATTACHABLE),
            def("cgroup/connect_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_CONNECT, ATTACHABLE),
            def("cgroup/sendmsg4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP4_SENDMSG, ATTACHABLE),
            def("cgroup/sendmsg6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP6_SENDMSG, ATTACHABLE),
            def("cgroup/sendmsg_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_SENDMSG, ATTACHABLE),
            def("cgroup/recvmsg4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP4_RECVMSG, ATTACHABLE),
            def("cgroup/recvmsg6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP6_RECVMSG, ATTACHABLE),
            def("cgroup/recvmsg_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_RECVMSG, ATTACHABLE),
            def("cgroup/getpeername4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_GETPEERNAME, ATTACHABLE),
            def("cgroup/getpeername6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_GETPEERNAME, ATTACHABLE),
            def("cgroup/getpeername_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_GETPEERNAME,
                    ATTACHABLE),
            def("cgroup/getsockname4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_GETSOCKNAME, ATTACHABLE),
            def("cgroup/getsockname6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_GETSOCKNAME, ATTACHABLE),
            def("cgroup/getsockname_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_GETSOCKNAME,
                    ATTACHABLE),
            def("cgroup/sysctl", ProgramType.CGROUP_SYSCTL, AttachType.CGROUP_SYSCTL, ATTACHABLE),
            def("cgroup/getsockopt", ProgramType.CGROUP_SOCKOPT, AttachType.CGROUP_GETSOCKOPT, ATTACHABLE),
            def("cgroup/setsockopt", ProgramType.CGROUP_SOCKOPT, AttachType.CGROUP_SETSOCKOPT, ATTACHABLE),
            def("cgroup/dev", ProgramType.CGROUP_DEVICE, AttachType.CGROUP_DEVICE, ATTACHABLE,
                    EXPECTED_ATTACH_TYPE_OPTIONAL),
            def("struct_ops+", ProgramType.STRUCT_OPS, NONE),
            def("struct_ops.s+", ProgramType.STRUCT_OPS, NONE, SLEEPABLE),
            def("sk_lookup", ProgramType.SK_LOOKUP, AttachType.SK_LOOKUP, ATTACHABLE),
            def("netfilter", ProgramType.NETFILTER, AttachType.NETFILTER));

    private SectionDefinitions() {
    }

    /**
     * Classifies a program section name.
     *
     * @return the matching definition applied to {@code sectionName}, or empty if libbpf would not recognise it (the
     *         caller then reports the section by name, or uses a program type given explicitly)
     */
    public static Optional<ProgramSection> classify(String sectionName) {
        Objects.requireNonNull(sectionName, "sectionName");
        boolean autoload = !sectionName.startsWith("?");
        String name = autoload ? sectionName : sectionName.substring(1);
        for (Definition definition : TABLE) {
            if (definition.matches(name)) {
                String pattern = definition.pattern();
                boolean retprobe = pattern.startsWith("kret") || pattern.startsWith("uret");
                boolean session = pattern.contains("session");
                return Optional.of(new ProgramSection(sectionName, pattern, definition.programType(),
                        definition.attachType(), definition.attachTarget(name), autoload, definition.flags(),
                        definition.autoAttach(), retprobe, session));
            }
        }
        return Optional.empty();
    }

    /** The patterns of every definition, in matching order, e.g. {@code "socket"}, {@code "kprobe+"}. */
    public static List<String> patterns() {
        return TABLE.stream().map(Definition::pattern).toList();
    }

    private static Definition def(String pattern, ProgramType type, AttachType attachType, Flag... flags) {
        return def(pattern, type, attachType, AutoAttach.NONE, flags);
    }

    private static Definition def(String pattern, ProgramType type, AttachType attachType, AutoAttach autoAttach,
            Flag... flags) {
        return new Definition(pattern, type, attachType, autoAttach, Set.of(flags));
    }
}
