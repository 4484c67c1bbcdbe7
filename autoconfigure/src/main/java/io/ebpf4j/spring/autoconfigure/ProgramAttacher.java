package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfException;
import io.ebpf4j.BpfPermissionException;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramSpec;
import io.ebpf4j.ProgramType;
import io.ebpf4j.internal.Mounts;
import io.ebpf4j.internal.elf.ProgramSection;
import io.ebpf4j.internal.elf.SectionDefinitions;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.link.BpfLink;
import io.ebpf4j.link.Executable;
import io.ebpf4j.link.KprobeOptions;
import io.ebpf4j.link.Links;
import io.ebpf4j.link.NetfilterOptions;
import io.ebpf4j.link.PacketSocket;
import io.ebpf4j.link.PerfEventSpec;
import io.ebpf4j.link.UprobeOptions;
import io.ebpf4j.link.UsdtOptions;
import io.ebpf4j.link.XdpMode;
import io.ebpf4j.spring.EbpfAttachTargetException;
import io.ebpf4j.spring.EbpfCollectionException.Stage;
import io.ebpf4j.spring.EbpfCollectionException;
import io.ebpf4j.spring.autoconfigure.AttachKind.Family;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Works out where a program attaches, from its section name and its {@code programs.<name>} configuration, and
 * attaches it. With {@code attach: auto} the section name decides, as in libbpf's auto-attach
 * ({@code tracepoint/<group>/<name>}, {@code kprobe/<function>}, {@code uprobe/<binary>:<symbol>}, ...); targets the
 * name cannot carry (an interface, a cgroup) come from configuration. Hooks that only the application can attach
 * (sk_msg to a sockmap, struct_ops through their map, ...) are loaded and left alone, as libbpf does.
 */
final class ProgramAttacher {
    private ProgramAttacher() {}

    /** What to attach a program to; a plan of kind {@link AttachKind#NONE} attaches nothing. */
    record Plan(AttachKind kind, String target, Hook hook) {
        static Plan none(String reason) {
            return new Plan(AttachKind.NONE, reason, null);
        }
    }

    /** Creates the attachment; the target's existence is checked here, when the kernel is there to ask. */
    interface Hook {
        Attachment attach(BpfProgram program);
    }

    /**
     * A link, and a resource that lives as long as it (the packet socket of a socket filter), closed after the link.
     */
    record Attachment(BpfLink link, AutoCloseable resource) {
        void close() {
            try {
                link.close();
            } finally {
                if (resource != null) {
                    try {
                        resource.close();
                    } catch (Exception e) {
                        throw new BpfException("cannot close " + resource + ": " + e.getMessage(), e);
                    }
                }
            }
        }
    }

    /** Where a program is, for messages and property names. */
    record Context(String collection, String object, ProgramSpec spec, EbpfProperties.Program config) {
        String property(String name) {
            return "ebpf.collections." + collection + ".programs." + spec.name() + "." + name;
        }

        EbpfAttachTargetException targetError(String hook, String target, String property, String message,
                Throwable cause) {
            return new EbpfAttachTargetException(collection, object, spec.name(), hook, target, property(property),
                    message, cause);
        }
    }

    /** What a planner gets: the program's context, the kind of hook, and what its section name says. */
    record Request(Context context, AttachKind kind, ProgramSection section, String sectionTarget, long cookie) {
        EbpfProperties.Program config() {
            return context.config();
        }

        /** The section, where its name carries a target for this family; otherwise null. */
        ProgramSection sectionWithTarget() {
            return sectionTarget == null ? null : section;
        }
    }

    /** Plans the attachment to one family of hooks, from configuration and the section name. */
    interface Planner {
        Plan plan(Request request);
    }

    /** Decides where the program goes, without touching the kernel. */
    static Plan plan(Context context) {
        EbpfProperties.Program config = context.config();
        ProgramSpec spec = context.spec();
        ProgramSection section = SectionDefinitions.classify(spec.sectionName()).orElse(null);
        AttachKind kind = config.getAttach() == AttachKind.AUTO ? autoKind(context, section) : config.getAttach();
        if (kind == AttachKind.NONE) {
            return Plan.none(config.getAttach() == AttachKind.NONE ? "attach: none" : noneReason(spec));
        }
        if (!kind.family().fits(spec)) {
            throw context.targetError(kind.text(), null, "attach", "attach: " + kind + " does not fit a "
                    + spec.type() + " program (section " + spec.sectionName() + ")", null);
        }
        String sectionTarget = section != null && sectionFamily(section) == kind.family() ? section.attachTarget()
                : null;
        long cookie = config.getCookie() == null ? 0 : config.getCookie();
        return kind.family().planner().plan(new Request(context, kind, section, sectionTarget, cookie));
    }

    /**
     * Attaches along a plan. Failures are reported with the program's context: a missing target as
     * {@link EbpfAttachTargetException}, anything else (missing capability, hook the kernel lacks) as
     * {@link EbpfCollectionException} whose cause says what the kernel answered.
     */
    static Attachment attach(Context context, Plan plan, BpfProgram program) {
        try {
            return plan.hook().attach(program);
        } catch (EbpfCollectionException e) {
            throw e;
        } catch (NotSupportedException | BpfPermissionException e) {
            throw new EbpfCollectionException(context.collection(), context.object(), context.spec().name(),
                    Stage.ATTACH, e.getMessage(), e);
        } catch (BpfException e) {
            if (isMissingTarget(e.errno())) {
                throw context.targetError(plan.kind().text(), plan.target(), plan.kind().family().targetProperty(),
                        e.getMessage(), e);
            }
            throw new EbpfCollectionException(context.collection(), context.object(), context.spec().name(),
                    Stage.ATTACH, e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new EbpfCollectionException(context.collection(), context.object(), context.spec().name(),
                    Stage.ATTACH, "cannot attach to " + plan.kind() + " " + plan.target() + ": " + e.getMessage(),
                    e);
        }
    }

    private static boolean isMissingTarget(int errno) {
        return errno == Errno.ENOENT || errno == Errno.ENODEV || errno == Errno.ESRCH || errno == Errno.ENXIO;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Kinds from section names

    private static AttachKind autoKind(Context context, ProgramSection section) {
        ProgramSpec spec = context.spec();
        EbpfProperties.Program config = context.config();
        if (section == null) {
            return AttachKind.NONE;
        }
        switch (section.autoAttach()) {
            case TRACEPOINT:
                return AttachKind.TRACEPOINT;
            case RAW_TRACEPOINT:
                return AttachKind.RAW_TRACEPOINT;
            case TRACING:
            case LSM:
                return AttachKind.TRACING;
            case ITER:
                return AttachKind.ITER;
            case KPROBE:
            case KSYSCALL:
                return section.retprobe() ? AttachKind.KRETPROBE : AttachKind.KPROBE;
            case UPROBE:
                return section.retprobe() ? AttachKind.URETPROBE : AttachKind.UPROBE;
            case USDT:
                return AttachKind.USDT;
            case KPROBE_MULTI:
            case UPROBE_MULTI:
            case TRACING_MULTI:
                throw context.targetError(section.definition(), section.attachTarget(), "attach", "programs in "
                        + spec.sectionName() + " attach to many functions at once, which the starter does not do"
                        + " from configuration: set attach: none and attach the BpfProgram bean with Links", null);
            default:
                break;
        }
        ProgramType type = spec.type();
        if (Family.CGROUP.fits(spec)) {
            if (spec.attachType() == AttachType.NONE) {
                throw context.targetError(spec.hookName(), null, "attach", "section " + spec.sectionName()
                        + " does not say which cgroup hook: set attach, e.g. cgroup-skb/ingress or"
                        + " cgroup-skb/egress, and cgroup", null);
            }
            return AttachKind.CGROUP;
        }
        switch (type) {
            case XDP:
                return spec.attachType() == AttachType.XDP_DEVMAP || spec.attachType() == AttachType.XDP_CPUMAP
                        ? AttachKind.NONE : AttachKind.XDP;
            case SCHED_CLS:
                if (spec.attachType() == AttachType.TCX_INGRESS) {
                    return AttachKind.TCX_INGRESS;
                }
                if (spec.attachType() == AttachType.TCX_EGRESS) {
                    return AttachKind.TCX_EGRESS;
                }
                throw context.targetError(spec.hookName(), null, "attach", "section " + spec.sectionName()
                        + " does not say which direction: set attach to tcx/ingress or tcx/egress, and interface",
                        null);
            case SOCKET_FILTER:
                return AttachKind.SOCKET_FILTER;
            case PERF_EVENT:
                if (config.getPerfEvent().getFrequency() == null && config.getPerfEvent().getPeriod() == null) {
                    throw context.targetError("perf_event", null, "perf-event", "a perf_event program needs the"
                            + " event to sample: set perf-event.event and perf-event.frequency (or period)", null);
                }
                return AttachKind.PERF_EVENT;
            case SK_LOOKUP:
                throw context.targetError("sk_lookup", null, "attach", "an sk_lookup program steers the"
                        + " connections of a whole network namespace: set attach: sk-lookup to attach it to this"
                        + " process's namespace, or attach: none", null);
            case NETFILTER:
                throw context.targetError("netfilter", null, "attach", "a netfilter program needs its hook: set"
                        + " attach: netfilter and netfilter.family, netfilter.hook and netfilter.priority", null);
            default:
                return AttachKind.NONE;
        }
    }

    private static String noneReason(ProgramSpec spec) {
        switch (spec.type()) {
            case STRUCT_OPS:
                return "registered through its struct_ops map";
            case SYSCALL:
                return "run with BpfProgram.testRun";
            case XDP:
                return "run from a " + (spec.attachType() == AttachType.XDP_CPUMAP ? "cpumap" : "devmap");
            default:
                return spec.hookName() + " programs are attached by the application";
        }
    }

    /** The family of hooks a section's target describes, to know whether its target applies to a kind. */
    private static Family sectionFamily(ProgramSection section) {
        switch (section.autoAttach()) {
            case TRACEPOINT:
                return Family.TRACEPOINT;
            case RAW_TRACEPOINT:
                return Family.RAW_TRACEPOINT;
            case TRACING:
            case LSM:
                return Family.TRACING;
            case ITER:
                return Family.ITER;
            case KPROBE:
            case KSYSCALL:
                return Family.KPROBE;
            case UPROBE:
                return Family.UPROBE;
            case USDT:
                return Family.USDT;
            default:
                return null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Hooks with targets

    /** From configuration when set, else from the section. */
    static Plan tracepoint(Request request) {
        Context context = request.context();
        ProgramSection section = context.config().getTracepoint() == null ? request.section() : null;
        String sectionTarget = request.sectionTarget();
        long cookie = request.cookie();
        String tracepoint = required(context, AttachKind.TRACEPOINT,
                section != null ? sectionTarget : context.config().getTracepoint(), "tracepoint");
        ProgramSection.TracepointTarget parsed;
        try {
            // The configured name is parsed as libbpf parses the section's: tracepoint/<group>/<name>.
            parsed = (section != null ? section : SectionDefinitions.classify("tracepoint/" + tracepoint)
                    .orElseThrow()).tracepointTarget();
        } catch (IllegalArgumentException e) {
            throw context.targetError("tracepoint", tracepoint, "tracepoint", "tracepoint '" + tracepoint
                    + "' is not of the form group/name (e.g. syscalls/sys_enter_openat)", e);
        }
        String group = parsed.group();
        String name = parsed.name();
        // A missing tracepoint is reported by Links (ENOENT, naming the tracefs file), which attach() turns into a
        // target failure.
        return new Plan(AttachKind.TRACEPOINT, tracepoint, program -> new Attachment(Links.tracepoint(group, name,
                program, cookie), null));
    }

    static Plan kprobe(Request request) {
        Context context = request.context();
        AttachKind kind = request.kind();
        ProgramSection section = request.section();
        String sectionTarget = request.sectionTarget();
        long cookie = request.cookie();
        EbpfProperties.Program config = context.config();
        boolean syscall = config.getFunction() == null && section != null
                && section.autoAttach() == ProgramSection.AutoAttach.KSYSCALL;
        String target = required(context, kind, first(config.getFunction(), sectionTarget), "function");
        String symbol = target;
        long offset = 0;
        if (config.getFunction() == null) { // the section's target, function[+offset]
            ProgramSection.KprobeTarget parsed = parse(context, kind, target, section::kprobeTarget);
            symbol = parsed.function();
            offset = parsed.offset();
        }
        String function = symbol;
        KprobeOptions options = KprobeOptions.defaults().withOffset(offset).withCookie(cookie);
        return new Plan(kind, target, program -> {
            String resolved = syscall ? Links.syscallSymbol(function) : function;
            return new Attachment(kind.isReturnProbe() ? Links.kretprobe(resolved, program, options)
                    : Links.kprobe(resolved, program, options), null);
        });
    }

    static Plan uprobe(Request request) {
        Context context = request.context();
        AttachKind kind = request.kind();
        ProgramSection section = request.sectionWithTarget();
        long cookie = request.cookie();
        EbpfProperties.Program config = context.config();
        String sectionBinary = null;
        String sectionSymbol = null;
        long sectionOffset = 0;
        if (section != null) {
            ProgramSection.UprobeTarget parsed = parse(context, kind, section.attachTarget(), section::uprobeTarget);
            sectionBinary = parsed.binary();
            sectionSymbol = parsed.symbol();
            sectionOffset = parsed.offset();
        }
        String binary = required(context, kind, first(config.getBinary(), sectionBinary), "binary");
        String symbol = required(context, kind, first(config.getSymbol(), emptyToNull(sectionSymbol)), "symbol");
        UprobeOptions options = UprobeOptions.defaults().withPid(SelfTargets.pid(config.getPid()))
                .withOffset(config.getOffset() + (config.getSymbol() == null ? sectionOffset : 0)).withCookie(cookie);
        return new Plan(kind, binary + ":" + symbol, program -> {
            Executable executable = executable(context, kind, binary);
            try {
                executable.offset(symbol);
            } catch (BpfException e) {
                throw context.targetError(kind.text(), binary + ":" + symbol, "symbol", e.getMessage(), e);
            }
            return new Attachment(kind.isReturnProbe() ? Links.uretprobe(executable, symbol, program, options)
                    : Links.uprobe(executable, symbol, program, options), null);
        });
    }

    static Plan usdt(Request request) {
        Context context = request.context();
        ProgramSection section = request.sectionWithTarget();
        long cookie = request.cookie();
        EbpfProperties.Program config = context.config();
        String sectionBinary = null;
        String sectionProbe = null;
        if (section != null) {
            try {
                ProgramSection.UsdtTarget parsed = section.usdtTarget();
                sectionBinary = parsed.binary();
                sectionProbe = parsed.provider() + ":" + parsed.name();
            } catch (IllegalArgumentException e) {
                // not binary:provider:name: the configuration must say what the section does not
            }
        }
        String binary = required(context, AttachKind.USDT, first(config.getBinary(), sectionBinary), "binary");
        String probe = required(context, AttachKind.USDT, first(config.getUsdt(), sectionProbe), "usdt");
        int colon = probe.indexOf(':');
        if (colon <= 0 || colon == probe.length() - 1) {
            throw context.targetError("usdt", probe, "usdt", "USDT probe '" + probe
                    + "' is not of the form provider:name", null);
        }
        UsdtOptions options = UsdtOptions.defaults().withPid(SelfTargets.pid(config.getPid())).withCookie(cookie);
        return new Plan(AttachKind.USDT, binary + ":" + probe, program -> new Attachment(Links.usdt(
                executable(context, AttachKind.USDT, binary), probe.substring(0, colon), probe.substring(colon + 1),
                program, options), null));
    }

    static Plan rawTracepoint(Request request) {
        String name = required(request.context(), request.kind(), first(request.config().getTracepoint(),
                request.sectionTarget()), "tracepoint");
        long cookie = request.cookie();
        return new Plan(request.kind(), name, program -> new Attachment(Links.rawTracepoint(name, program, cookie),
                null));
    }

    static Plan tracing(Request request) {
        long cookie = request.cookie();
        return new Plan(request.kind(), first(request.sectionTarget(), request.context().spec().sectionName()),
                program -> new Attachment(Links.tracing(program, cookie), null));
    }

    static Plan xdp(Request request) {
        String name = required(request.context(), request.kind(), request.config().getInterface(), "interface");
        XdpMode mode = request.config().getXdpMode();
        return new Plan(request.kind(), name, program -> new Attachment(Links.xdp(name, program, mode), null));
    }

    static Plan tcx(Request request) {
        String name = required(request.context(), request.kind(), request.config().getInterface(), "interface");
        AttachType direction = request.kind().attachType();
        return new Plan(request.kind(), name, program -> new Attachment(Links.tc(name, direction, program), null));
    }

    static Plan socketFilter(Request request) {
        String name = required(request.context(), request.kind(), request.config().getInterface(), "interface");
        return new Plan(request.kind(), name, program -> {
            PacketSocket socket = Links.packetSocket(name);
            try {
                return new Attachment(Links.socketFilter(program, socket), socket);
            } catch (RuntimeException e) {
                socket.close();
                throw e;
            }
        });
    }

    static Plan perfEvent(Request request) {
        EbpfProperties.PerfEvent config = request.config().getPerfEvent();
        PerfEventSpec perfEvent = perfEventSpec(config);
        return new Plan(request.kind(), config.getEvent().name().toLowerCase(Locale.ROOT),
                program -> new Attachment(Links.perfEvent(program, perfEvent), null));
    }

    static Plan netfilter(Request request) {
        EbpfProperties.Netfilter config = request.config().getNetfilter();
        NetfilterOptions options = netfilterOptions(config);
        return new Plan(request.kind(), config.getFamily() + " " + config.getHook(),
                program -> new Attachment(Links.netfilter(program, options), null));
    }

    static Plan skLookup(Request request) {
        Path namespace = SelfTargets.networkNamespace();
        return new Plan(request.kind(), namespace.toString(), program -> new Attachment(Links.netns(namespace,
                program), null));
    }

    static Plan iter(Request request) {
        return new Plan(request.kind(), first(request.sectionTarget(), request.context().spec().sectionName()),
                program -> new Attachment(Links.iter(program), null));
    }

    static Plan cgroup(Request request) {
        Context context = request.context();
        AttachKind kind = request.kind();
        String configured = required(context, kind, context.config().getCgroup(), "cgroup");
        AttachType type = kind.attachType() != null ? kind.attachType() : context.spec().attachType();
        Path path;
        try {
            path = SelfTargets.cgroup(configured);
        } catch (IllegalStateException e) {
            throw context.targetError(kind.text(), configured, "cgroup", e.getMessage(), e);
        }
        return new Plan(kind, path.toString(), program -> {
            String fsType = Mounts.fsTypeOf(path).orElse("no file system");
            if (!Files.isDirectory(path) || !fsType.equals(Mounts.CGROUP2)) {
                throw context.targetError(kind.text(), path.toString(), "cgroup", (Files.isDirectory(path)
                        ? path + " is on " + fsType + ", not in the cgroup v2 hierarchy"
                        : "there is no cgroup directory " + path) + Mounts.find(Mounts.CGROUP2)
                        .map(m -> " (cgroup v2 is mounted at " + m + ")").orElse(" (cgroup v2 is not mounted)"), null);
            }
            return new Attachment(Links.cgroup(path, type, program), null);
        });
    }

    private static Executable executable(Context context, AttachKind kind, String binary) {
        try {
            if (binary.equals(SelfTargets.SELF)) {
                return Executable.of(SelfTargets.executable());
            }
            return binary.contains("/") ? Executable.of(binary) : Executable.library(binary);
        } catch (BpfException e) {
            throw context.targetError(kind.text(), binary, "binary", e.getMessage(), e);
        }
    }

    private static PerfEventSpec perfEventSpec(EbpfProperties.PerfEvent config) {
        long frequency = config.getFrequency() != null ? config.getFrequency() : 0;
        long period = frequency > 0 ? 0 : config.getPeriod() != null ? config.getPeriod() : 0;
        switch (config.getEvent()) {
            case CPU_CLOCK:
                return new PerfEventSpec(PerfEventSpec.SOFTWARE, PerfEventSpec.SW_CPU_CLOCK, period, frequency);
            case TASK_CLOCK:
                return new PerfEventSpec(PerfEventSpec.SOFTWARE, PerfEventSpec.SW_TASK_CLOCK, period, frequency);
            case PAGE_FAULTS:
                return new PerfEventSpec(PerfEventSpec.SOFTWARE, PerfEventSpec.SW_PAGE_FAULTS, period, frequency);
            case CONTEXT_SWITCHES:
                return new PerfEventSpec(PerfEventSpec.SOFTWARE, PerfEventSpec.SW_CONTEXT_SWITCHES, period,
                        frequency);
            case CPU_MIGRATIONS:
                return new PerfEventSpec(PerfEventSpec.SOFTWARE, PerfEventSpec.SW_CPU_MIGRATIONS, period, frequency);
            case CPU_CYCLES:
                return new PerfEventSpec(PerfEventSpec.HARDWARE, PerfEventSpec.HW_CPU_CYCLES, period, frequency);
            case INSTRUCTIONS:
                return new PerfEventSpec(PerfEventSpec.HARDWARE, PerfEventSpec.HW_INSTRUCTIONS, period, frequency);
            case CACHE_REFERENCES:
                return new PerfEventSpec(PerfEventSpec.HARDWARE, PerfEventSpec.HW_CACHE_REFERENCES, period,
                        frequency);
            case CACHE_MISSES:
                return new PerfEventSpec(PerfEventSpec.HARDWARE, PerfEventSpec.HW_CACHE_MISSES, period, frequency);
            case BRANCH_INSTRUCTIONS:
                return new PerfEventSpec(PerfEventSpec.HARDWARE, PerfEventSpec.HW_BRANCH_INSTRUCTIONS, period,
                        frequency);
            case BRANCH_MISSES:
                return new PerfEventSpec(PerfEventSpec.HARDWARE, PerfEventSpec.HW_BRANCH_MISSES, period, frequency);
            default:
                throw new IllegalStateException("no perf event for " + config.getEvent());
        }
    }

    private static NetfilterOptions netfilterOptions(EbpfProperties.Netfilter config) {
        int family = config.getFamily() == EbpfProperties.NetfilterFamily.IPV4 ? NetfilterOptions.IPV4
                : NetfilterOptions.IPV6;
        int hook;
        switch (config.getHook()) {
            case PRE_ROUTING:
                hook = NetfilterOptions.PRE_ROUTING;
                break;
            case LOCAL_IN:
                hook = NetfilterOptions.LOCAL_IN;
                break;
            case FORWARD:
                hook = NetfilterOptions.FORWARD;
                break;
            case LOCAL_OUT:
                hook = NetfilterOptions.LOCAL_OUT;
                break;
            default:
                hook = NetfilterOptions.POST_ROUTING;
        }
        return new NetfilterOptions(family, hook, config.getPriority(),
                config.isDefragment() ? NetfilterOptions.F_IP_DEFRAG : 0);
    }

    /** A section target parsed by core, its errors (an offset that is not a number) reported as target errors. */
    private static <T> T parse(Context context, AttachKind kind, String target, Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw context.targetError(kind.text(), target, "attach", e.getMessage(), e);
        }
    }

    private static String required(Context context, AttachKind kind, String value, String property) {
        if (value == null || value.isBlank()) {
            throw context.targetError(kind.text(), null, property, kind + " needs a target: set "
                    + context.property(property) + (context.spec().sectionName().isEmpty() ? ""
                    : " (section " + context.spec().sectionName() + " names none)"), null);
        }
        return value;
    }

    private static String first(String configured, String fromSection) {
        return configured != null ? configured : fromSection;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
