package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.ProgramType;
import io.ebpf4j.link.XdpMode;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Configuration of the BPF collections an application loads, under the {@code ebpf} prefix. Their metrics
 * ({@code ebpf.metrics}, {@code ebpf.collections.<name>.metrics}) bind to {@code EbpfMetricsProperties}.
 *
 * <pre>{@code
 * ebpf:
 *   collections:
 *     syscalls:
 *       object: classpath:bpf/syscalls.bpf.o
 *       constants: { target_pid: self }
 *       programs:
 *         count_syscalls: { attach: tracepoint, tracepoint: raw_syscalls/sys_enter }
 * }</pre>
 */
@ConfigurationProperties("ebpf")
public class EbpfProperties implements Validator {

    /** Whether to load the configured BPF collections. */
    private boolean enabled = true;

    /**
     * What happens when a collection cannot be loaded or one of its programs cannot be attached: 'fail' stops the
     * application, 'warn' logs, marks the collection as failed in health and the endpoint, and starts anyway.
     */
    private FailureMode failureMode = FailureMode.FAIL;

    /**
     * Whether to mount bpffs (/sys/fs/bpf) and tracefs (/sys/kernel/tracing) at startup when the machine has not
     * mounted them; needs CAP_SYS_ADMIN. In containers, prefer mounting the host's file systems.
     */
    private boolean mountFileSystems;

    /** Kernel BTF for kernels without /sys/kernel/btf/vmlinux. */
    private final Btf btf = new Btf();

    /** BPF collections (ELF objects) to load, by name. The name prefixes bean names: '<collection>.<map>'. */
    private Map<String, CollectionProperties> collections = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public FailureMode getFailureMode() {
        return failureMode;
    }

    public boolean isMountFileSystems() {
        return mountFileSystems;
    }

    public void setMountFileSystems(boolean mountFileSystems) {
        this.mountFileSystems = mountFileSystems;
    }

    public void setFailureMode(FailureMode failureMode) {
        this.failureMode = failureMode;
    }

    public Btf getBtf() {
        return btf;
    }

    public Map<String, CollectionProperties> getCollections() {
        return collections;
    }

    public void setCollections(Map<String, CollectionProperties> collections) {
        this.collections = collections;
    }

    /** Spring Boot validates a properties class that is its own {@link Validator} when it binds it. */
    @Override
    public boolean supports(Class<?> type) {
        return EbpfProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        EbpfPropertiesValidation.validate((EbpfProperties) target, errors);
    }

    /** How load and attach failures are handled. */
    public enum FailureMode {
        /** Stop the application with a failure analysis. */
        FAIL,
        /** Log a warning, report the failure in health and the endpoint, keep running. */
        WARN
    }

    /** External kernel BTF. */
    public static class Btf {
        /** Raw BTF of the running kernel (e.g. from btfhub), for kernels without /sys/kernel/btf/vmlinux. */
        private Resource path;

        public Resource getPath() {
            return path;
        }

        public void setPath(Resource path) {
            this.path = path;
        }
    }

    /** One BPF ELF object and its programs (the metrics read from its maps: {@code EbpfMetricsProperties}). */
    public static class CollectionProperties {
        /** The BPF ELF object, e.g. 'classpath:bpf/counter.bpf.o' or 'file:/opt/bpf/counter.bpf.o'. */
        private Resource object;

        /** Failure handling for this collection; defaults to ebpf.failure-mode. */
        private FailureMode failureMode;

        /**
         * Values of global variables ('const volatile' in .rodata, or .data), set before loading. A value is a
         * number, 'true'/'false', a string for char arrays, 'self' for this JVM's process id, or 'kaddr:<symbol>'
         * for a kernel symbol's address.
         */
        private Map<String, String> constants = new LinkedHashMap<>();

        /**
         * Directory in bpffs where maps declared with LIBBPF_PIN_BY_NAME are pinned, so that their contents survive
         * restarts. Must lie under a bpffs mount, normally /sys/fs/bpf.
         */
        private String pinPath;

        /**
         * Ring buffers and perf event arrays whose every record is published as an EbpfRecordEvent (the record's
         * bytes; event counters with publish-events add their decoded labels). Needs no Micrometer.
         */
        private List<String> publishEvents = new ArrayList<>();

        /** Changes to map definitions before loading, by map name. */
        private Map<String, MapOverride> mapOverrides = new LinkedHashMap<>();

        /** How programs are attached, by program (function) name. Programs not listed are attached automatically. */
        private Map<String, Program> programs = new LinkedHashMap<>();

        public Resource getObject() {
            return object;
        }

        public void setObject(Resource object) {
            this.object = object;
        }

        public FailureMode getFailureMode() {
            return failureMode;
        }

        public void setFailureMode(FailureMode failureMode) {
            this.failureMode = failureMode;
        }

        public Map<String, String> getConstants() {
            return constants;
        }

        public void setConstants(Map<String, String> constants) {
            this.constants = constants;
        }

        public String getPinPath() {
            return pinPath;
        }

        public void setPinPath(String pinPath) {
            this.pinPath = pinPath;
        }

        public List<String> getPublishEvents() {
            return publishEvents;
        }

        public void setPublishEvents(List<String> publishEvents) {
            this.publishEvents = publishEvents;
        }

        public Map<String, MapOverride> getMapOverrides() {
            return mapOverrides;
        }

        public void setMapOverrides(Map<String, MapOverride> mapOverrides) {
            this.mapOverrides = mapOverrides;
        }

        public Map<String, Program> getPrograms() {
            return programs;
        }

        public void setPrograms(Map<String, Program> programs) {
            this.programs = programs;
        }

    }

    /** A change to a map's definition before it is created. */
    public static class MapOverride {
        /**
         * Maximum number of entries (for ring buffers: the size in bytes, rounded up to a power-of-two number of
         * pages).
         */
        private Integer maxEntries;

        public Integer getMaxEntries() {
            return maxEntries;
        }

        public void setMaxEntries(Integer maxEntries) {
            this.maxEntries = maxEntries;
        }
    }

    /** How one program is attached. */
    public static class Program {
        /**
         * Where to attach: 'auto' (from the program's section name, like libbpf), 'none' (load only), or a hook such
         * as 'tracepoint', 'raw-tracepoint', 'tracing', 'kprobe', 'kretprobe', 'uprobe', 'uretprobe', 'usdt',
         * 'cgroup-skb/ingress', 'cgroup-skb/egress', 'cgroup/<hook>', 'sockops', 'xdp', 'tcx/ingress', 'tcx/egress',
         * 'socket-filter', 'perf-event', 'netfilter', 'sk-lookup', 'iter'.
         */
        private AttachKind attach = AttachKind.AUTO;

        /** Whether to load this program; a disabled program is neither loaded nor attached, and gets no bean. */
        private boolean enabled = true;

        /**
         * Whether a failure to attach this program fails the collection; by default required unless the
         * collection's failure mode is 'warn'.
         */
        private Boolean required;

        /**
         * Program type for a program whose section name libbpf does not know (e.g. 'xdp' for SEC("xdp/lo")), which
         * is otherwise not loadable; the section's type by default.
         */
        private ProgramType type;

        /** Tracepoint as 'group/name' for tracepoints, the name alone for raw tracepoints. */
        private String tracepoint;

        /** Kernel function for kprobes and kretprobes. */
        private String function;

        /**
         * cgroup v2 directory for cgroup hooks: 'self' for this JVM's cgroup, or a path, absolute or relative to the
         * cgroup v2 mount.
         */
        private String cgroup;

        /** Network interface for XDP, TCX and socket filters, in this process's network namespace. */
        private String interfaceName;

        /** How an XDP program runs on its interface. */
        private XdpMode xdpMode = XdpMode.DEFAULT;

        /** Executable or library for uprobes and USDT: a path, or 'self' for this JVM's executable. */
        private String binary;

        /** Function symbol in 'binary' for uprobes. */
        private String symbol;

        /** Offset added to the symbol's address for uprobes. */
        private long offset;

        /** USDT probe as 'provider:name'. */
        private String usdt;

        /** Process to trace for uprobes and USDT: a pid, or 'self'; all processes when unset. */
        private String pid;

        /** BPF cookie passed to the program (bpf_get_attach_cookie), where the hook supports one. */
        private Long cookie;

        /** The perf event whose samples run a perf-event program. */
        private final PerfEvent perfEvent = new PerfEvent();

        /** The netfilter hook a netfilter program runs at. */
        private final Netfilter netfilter = new Netfilter();

        public AttachKind getAttach() {
            return attach;
        }

        public void setAttach(AttachKind attach) {
            this.attach = attach;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Boolean getRequired() {
            return required;
        }

        public void setRequired(Boolean required) {
            this.required = required;
        }

        public ProgramType getType() {
            return type;
        }

        public void setType(ProgramType type) {
            this.type = type;
        }

        public String getTracepoint() {
            return tracepoint;
        }

        public void setTracepoint(String tracepoint) {
            this.tracepoint = tracepoint;
        }

        public String getFunction() {
            return function;
        }

        public void setFunction(String function) {
            this.function = function;
        }

        public String getCgroup() {
            return cgroup;
        }

        public void setCgroup(String cgroup) {
            this.cgroup = cgroup;
        }

        public String getInterface() {
            return interfaceName;
        }

        public void setInterface(String interfaceName) {
            this.interfaceName = interfaceName;
        }

        public String getBinary() {
            return binary;
        }

        public void setBinary(String binary) {
            this.binary = binary;
        }

        public String getSymbol() {
            return symbol;
        }

        public void setSymbol(String symbol) {
            this.symbol = symbol;
        }

        public long getOffset() {
            return offset;
        }

        public void setOffset(long offset) {
            this.offset = offset;
        }

        public String getUsdt() {
            return usdt;
        }

        public void setUsdt(String usdt) {
            this.usdt = usdt;
        }

        public String getPid() {
            return pid;
        }

        public void setPid(String pid) {
            this.pid = pid;
        }

        public Long getCookie() {
            return cookie;
        }

        public void setCookie(Long cookie) {
            this.cookie = cookie;
        }

        public XdpMode getXdpMode() {
            return xdpMode;
        }

        public void setXdpMode(XdpMode xdpMode) {
            this.xdpMode = xdpMode;
        }

        public PerfEvent getPerfEvent() {
            return perfEvent;
        }

        public Netfilter getNetfilter() {
            return netfilter;
        }
    }

    /** A perf counter sampled to run a perf-event program. */
    public static class PerfEvent {
        /** The counter to sample. */
        private PerfCounter event = PerfCounter.CPU_CLOCK;

        /** Samples per second; takes precedence over 'period'. */
        private Long frequency;

        /** Sample every this many events, when no frequency is given. */
        private Long period;

        public PerfCounter getEvent() {
            return event;
        }

        public void setEvent(PerfCounter event) {
            this.event = event;
        }

        public Long getFrequency() {
            return frequency;
        }

        public void setFrequency(Long frequency) {
            this.frequency = frequency;
        }

        public Long getPeriod() {
            return period;
        }

        public void setPeriod(Long period) {
            this.period = period;
        }
    }

    /** Perf counters a perf-event program can sample. Hardware counters are often missing in virtual machines. */
    public enum PerfCounter {
        /** Software: CPU wall-clock timer. */
        CPU_CLOCK,
        /** Software: clock of the running task. */
        TASK_CLOCK,
        /** Software: page faults. */
        PAGE_FAULTS,
        /** Software: context switches. */
        CONTEXT_SWITCHES,
        /** Software: migrations between CPUs. */
        CPU_MIGRATIONS,
        /** Hardware: CPU cycles. */
        CPU_CYCLES,
        /** Hardware: retired instructions. */
        INSTRUCTIONS,
        /** Hardware: cache accesses. */
        CACHE_REFERENCES,
        /** Hardware: cache misses. */
        CACHE_MISSES,
        /** Hardware: retired branch instructions. */
        BRANCH_INSTRUCTIONS,
        /** Hardware: mispredicted branches. */
        BRANCH_MISSES
    }

    /** Where a netfilter program hooks in. */
    public static class Netfilter {
        /** Protocol family of the packets. */
        private NetfilterFamily family = NetfilterFamily.IPV4;

        /** Netfilter hook. */
        private NetfilterHook hook = NetfilterHook.LOCAL_IN;

        /** Order among the hook's functions; lower runs first. */
        private int priority;

        /** Whether packets are defragmented before the program sees them (Linux 6.6+). */
        private boolean defragment;

        public NetfilterFamily getFamily() {
            return family;
        }

        public void setFamily(NetfilterFamily family) {
            this.family = family;
        }

        public NetfilterHook getHook() {
            return hook;
        }

        public void setHook(NetfilterHook hook) {
            this.hook = hook;
        }

        public int getPriority() {
            return priority;
        }

        public void setPriority(int priority) {
            this.priority = priority;
        }

        public boolean isDefragment() {
            return defragment;
        }

        public void setDefragment(boolean defragment) {
            this.defragment = defragment;
        }
    }

    /** Protocol families netfilter programs see. */
    public enum NetfilterFamily {
        IPV4, IPV6
    }

    /** Netfilter hooks. */
    public enum NetfilterHook {
        PRE_ROUTING, LOCAL_IN, FORWARD, LOCAL_OUT, POST_ROUTING
    }
}
